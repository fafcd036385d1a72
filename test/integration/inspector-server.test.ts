import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { RunDefinitions } from "../../src/inspector/recorder.js";
import { type InspectorServer, startInspectorServer } from "../../src/inspector/server.js";

const definitions: RunDefinitions = {
  runId: "r1",
  scenarioMachine: { id: "scenario", initial: "pending", states: [], transitions: [] },
  worktreeMachine: { id: "worktree", initial: "verifying", states: [], transitions: [] },
  scenarios: [{ name: "<img src=x onerror=alert(1)>", worktree: "w", dependencies: [], description: "" }],
  worktrees: ["w"],
};

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let body = "";
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

let server: InspectorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("inspector server (real HTTP)", () => {
  it("serves the page and data only with the token, the loopback Host and no foreign Origin; read-only", async () => {
    server = await startInspectorServer({ definitions, lines: () => [], finished: () => true });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    const t = server.token;
    const ok = await get(server.port, `/api/definitions?token=${t}`);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).runId).toBe("r1");
    expect(ok.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(ok.headers["x-content-type-options"]).toBe("nosniff");
    expect((await get(server.port, `/?token=${t}`)).body).toContain(`/assets/app.js?token=${t}`);
    expect((await get(server.port, `/assets/elk.bundled.js?token=${t}`)).status).toBe(200);
    expect((await get(server.port, `/assets/layout-worker.js?token=${t}`)).status).toBe(200);
    expect((await get(server.port, `/assets/fold.js`)).status).toBe(403);
    // The icon needs no token (browsers ask for it without one) but still the loopback Host.
    const icon = await get(server.port, "/favicon.ico");
    expect(icon.status).toBe(200);
    expect(icon.headers["content-type"]).toBe("image/svg+xml");
    expect((await get(server.port, "/favicon.ico", { Host: `evil.example:${server.port}` })).status).toBe(
      403,
    );
    expect((await get(server.port, `/assets/recorder.ts?token=${t}`)).status).toBe(404);

    expect((await get(server.port, "/api/definitions")).status).toBe(403);
    expect((await get(server.port, `/api/definitions?token=${"0".repeat(48)}`)).status).toBe(403);
    expect(
      (await get(server.port, `/api/definitions?token=${t}`, { Host: `evil.example:${server.port}` })).status,
    ).toBe(403);
    expect(
      (await get(server.port, `/api/definitions?token=${t}`, { Origin: "http://evil.example" })).status,
    ).toBe(403);
    expect((await get(server.port, `/api/definitions?token=${t}`, {}, "POST")).status).toBe(405);
    expect((await get(server.port, `/assets/../package.json?token=${t}`)).status).toBe(404);
  });

  it("binds to 127.0.0.1 only", async () => {
    server = await startInspectorServer({ definitions, lines: () => [], finished: () => true });
    const { networkInterfaces } = await import("node:os");
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal);
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const req = request({ host: external.address, port: server!.port, path: "/", timeout: 2000 }, () =>
          resolve(false),
        );
        req.on("error", () => resolve(true));
        req.on("timeout", () => {
          req.destroy();
          resolve(true);
        });
        req.end();
      });
      expect(refused).toBe(true);
    } else expect(server.url.startsWith("http://127.0.0.1:")).toBe(true);
  });
});
