/**
 * The visualizer's local HTTP server: binds 127.0.0.1 only; every request needs the run's random token
 * and a Host header naming the loopback address and port (DNS rebinding); a cross-origin `Origin` is
 * refused. Read-only: GET and HEAD only, nothing it serves starts, stops or writes anything. Every
 * asset comes from the package (no CDN). Live events stream over Server-Sent Events.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspectorAsset } from "./assets.js";
import type { RecordLine, RunDefinitions } from "./recorder.js";

export interface InspectorSource {
  definitions: RunDefinitions;
  /** Everything recorded so far. */
  lines(): readonly RecordLine[];
  /** Live runs: new lines as they are recorded; returns an unsubscribe function. */
  subscribe?(listener: (line: RecordLine) => void): () => void;
  /** True once no more lines will come. */
  finished(): boolean;
  onFinished?(listener: () => void): void;
}

export interface InspectorServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
  "X-Frame-Options": "DENY",
};

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  html: "text/html; charset=utf-8",
};

export async function startInspectorServer(
  source: InspectorSource,
  options: { port?: number } = {},
): Promise<InspectorServer> {
  const token = randomBytes(24).toString("hex");
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const sseClients = new Set<ServerResponse>();

  function refuse(res: ServerResponse, status: number, why: string): void {
    res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
    res.end(`${why}\n`);
  }

  function tokenOk(given: string | null): boolean {
    if (!given || given.length !== token.length) return false;
    return timingSafeEqual(Buffer.from(given), Buffer.from(token));
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (!allowedHosts.has(req.headers.host ?? "")) refuse(res, 403, "forbidden: unexpected Host header");
    return;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin))
      refuse(res, 403, "forbidden: cross-origin request");
    return;
    if (req.method !== "GET" && req.method !== "HEAD") refuse(res, 405, "read-only: only GET and HEAD");
    return;
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    if (!tokenOk(url.searchParams.get("token"))) {
      refuse(res, 403, "forbidden: missing or wrong token");
      return;
    }
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (url.pathname === "/") {
      const html = readFileSync(inspectorAsset("index.html"), "utf8").replaceAll("__TOKEN__", token);
      send(200, TYPES.html!, html);
      return;
    }
    const asset = /^\/assets\/(app\.js|style\.css|dagre\.min\.js)$/.exec(url.pathname);
    if (asset) {
      send(200, TYPES[asset[1]!.split(".").pop()!]!, readFileSync(inspectorAsset(asset[1]!)));
      return;
    }
    if (url.pathname === "/api/definitions")
      send(200, "application/json", JSON.stringify(source.definitions));
    return;
    if (url.pathname === "/api/events") {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        "Content-Type": "text/event-stream",
        Connection: "keep-alive",
      });
      for (const line of source.lines()) res.write(`data: ${JSON.stringify(line)}\n\n`);
      if (source.finished()) {
        res.write("event: end\ndata: {}\n\n");
        return;
      }
      sseClients.add(res);
      const unsubscribe = source.subscribe?.((line) => res.write(`data: ${JSON.stringify(line)}\n\n`));
      req.on("close", () => {
        unsubscribe?.();
        sseClients.delete(res);
      });
      return;
    }
    refuse(res, 404, "not found");
  }

  source.onFinished?.(() => {
    for (const res of sseClients) res.write("event: end\ndata: {}\n\n");
  });

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const res of sseClients) res.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
