#!/usr/bin/env node
// The npm registry reachable here serves Biome's linux-x64 binary only, so `npm install` leaves the other
// platforms' optional @biomejs/cli-* packages out of package-lock.json, and `npm ci` then refuses the
// lock. This adds them back as npm itself records them (optional, with os/cpu), so `npm ci` skips them
// on Linux without fetching anything. Run after changing dependencies: npm run lockfile.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const biome = lock.packages["node_modules/@biomejs/biome"];
const platforms = {
  "darwin-arm64": ["darwin", "arm64"],
  "darwin-x64": ["darwin", "x64"],
  "linux-arm64": ["linux", "arm64", "glibc"],
  "linux-x64": ["linux", "x64", "glibc"],
  "linux-arm64-musl": ["linux", "arm64", "musl"],
  "linux-x64-musl": ["linux", "x64", "musl"],
  "win32-arm64": ["win32", "arm64"],
  "win32-x64": ["win32", "x64"],
  "android-arm64": ["android", "arm64"],
  "android-x64": ["android", "x64"],
};
let added = 0;
for (const [name, [os, cpu, libc]] of Object.entries(platforms)) {
  const key = `node_modules/@biomejs/cli-${name}`;
  if (lock.packages[key] || !biome) continue;
  lock.packages[key] = {
    version: biome.version,
    cpu: [cpu],
    dev: true,
    ...(libc ? { libc: [libc] } : {}),
    license: "MIT OR Apache-2.0",
    optional: true,
    os: [os],
    engines: { node: ">=14.21.3" },
  };
  added++;
}
const [root, ...rest] = Object.entries(lock.packages);
lock.packages = Object.fromEntries([root, ...rest.sort(([a], [b]) => (a < b ? -1 : 1))]);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform entr${added === 1 ? "y" : "ies"} added`);
