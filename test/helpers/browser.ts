/** Debian's chromium driven by playwright-core (never `playwright install`). */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

const CHROMIUM = process.env.GROVE_CHROMIUM ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no browser at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set GROVE_CHROMIUM`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Where a browser test writes a screenshot of the docs: docs/<name> when GROVE_UPDATE_SCREENSHOTS=1
 * (`npm run screenshots`), else a temp file, so that a test run leaves the checkout as it was.
 */
export function screenshotPath(name: string): string {
  if (process.env.GROVE_UPDATE_SCREENSHOTS === "1")
    return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", name);
  return join(mkdtempSync(join(tmpdir(), "grove-shot-")), name);
}
