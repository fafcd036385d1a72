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
import { inspectorAsset, SERVED_ASSETS } from "./assets.js";
import type { RunDefinitions } from "./recorder.js";

export interface InspectorSource {
  definitions: RunDefinitions;
  /** Everything recorded so far, each line as its JSON. */
  lines(): readonly string[];
  /** Live runs: each new line's JSON as it is recorded; returns an unsubscribe function. */
  subscribe?(listener: (json: string) => void): () => void;
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

/**
 * Live lines reach the page within this many milliseconds, coalesced into one message: the page draws
 * a live run at most once a second, so more messages would show nothing sooner, and each one wakes
 * four of the browser's threads in three processes (network, browser, renderer) on the run's machine
 * (bench/inspector.ts: following a run cost chromium 29 ms of CPU a second with 250 ms batches).
 * Catch-up goes in batches of CATCH_UP_BATCH lines.
 */
const BATCH_MS = 1000;
const CATCH_UP_BATCH = 5000;

/** Grove's icon (a tree), so no browser's automatic /favicon.ico request is refused. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="6" r="5" fill="#2e9d5b"/><rect x="7" y="9" width="2" height="6" fill="#a0785a"/></svg>';

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
  const sseClients = new Set<{ res: ServerResponse; flush(): void }>();
  // A finished run's lines never change: joined once (tens of MB at 10,000 scenarios), before the URL
  // is handed out, so the page's first request does not wait for it.
  let finishedBody: Buffer | undefined;
  const linesBody = (): Buffer | string => {
    if (!source.finished()) return `[${source.lines().join(",")}]`;
    finishedBody ??= Buffer.from(`[${source.lines().join(",")}]`);
    return finishedBody;
  };
  if (source.finished()) linesBody();

  function refuse(res: ServerResponse, status: number, why: string): void {
    res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
    res.end(`${why}\n`);
  }

  function tokenOk(given: string | null): boolean {
    if (!given || given.length !== token.length) return false;
    return timingSafeEqual(Buffer.from(given), Buffer.from(token));
  }

  /** The reason to refuse a request, or undefined when it may be served. */
  function refusal(req: IncomingMessage, url: URL): [number, string] | undefined {
    if (!allowedHosts.has(req.headers.host ?? "")) return [403, "forbidden: unexpected Host header"];
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) return [403, "forbidden: cross-origin request"];
    if (req.method !== "GET" && req.method !== "HEAD") return [405, "read-only: only GET and HEAD"];
    // The icon holds nothing of the run; browsers ask for it without the token.
    if (url.pathname === "/favicon.ico") return undefined;
    if (!tokenOk(url.searchParams.get("token"))) return [403, "forbidden: missing or wrong token"];
    return undefined;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    const refused = refusal(req, url);
    if (refused) {
      refuse(res, refused[0], refused[1]);
      return;
    }
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": type });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const asset = /^\/assets\/([a-z.-]+)$/.exec(url.pathname)?.[1];
    if (url.pathname === "/favicon.ico") send("image/svg+xml", FAVICON);
    else if (url.pathname === "/")
      send(TYPES.html!, readFileSync(inspectorAsset("index.html"), "utf8").replaceAll("__TOKEN__", token));
    else if (asset && SERVED_ASSETS.has(asset))
      send(TYPES[asset.split(".").pop()!]!, readFileSync(inspectorAsset(asset)));
    else if (url.pathname === "/api/definitions")
      send("application/json", JSON.stringify(source.definitions));
    else if (url.pathname === "/api/lines")
      // Everything so far in one response (fast to fetch and parse); /api/events?from=N goes on from there.
      send("application/json", linesBody());
    else if (url.pathname === "/api/events")
      streamEvents(req, res, Number(url.searchParams.get("from") ?? 0));
    else refuse(res, 404, "not found");
  }

  /**
   * Server-Sent Events, each message a JSON array of lines: the lines from index `from` on, then new
   * lines gathered for at most BATCH_MS (a write per line would cost the run a syscall each), then
   * `end` ({"live": true} when the run finished while this page watched).
   */
  function streamEvents(req: IncomingMessage, res: ServerResponse, from: number): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "Content-Type": "text/event-stream",
      Connection: "keep-alive",
    });
    const all = source.lines();
    const start = Number.isSafeInteger(from) && from > 0 ? Math.min(from, all.length) : 0;
    for (let i = start; i < all.length; i += CATCH_UP_BATCH)
      res.write(`data: [${all.slice(i, i + CATCH_UP_BATCH).join(",")}]\n\n`);
    res.write("event: caught-up\ndata: {}\n\n");
    if (source.finished()) {
      // A recorded run (or one that ended before this page connected): nothing ended while watching.
      res.end('event: end\ndata: {"live":false}\n\n');
      return;
    }
    let pending: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      if (pending.length) res.write(`data: [${pending.join(",")}]\n\n`);
      pending = [];
    };
    const client = {
      res,
      flush: () => {
        if (timer) clearTimeout(timer);
        flush();
      },
    };
    sseClients.add(client);
    const unsubscribe = source.subscribe?.((json) => {
      pending.push(json);
      timer ??= setTimeout(flush, BATCH_MS);
    });
    req.on("close", () => {
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      sseClients.delete(client);
    });
  }

  source.onFinished?.(() => {
    for (const c of sseClients) {
      c.flush();
      c.res.write('event: end\ndata: {"live":true}\n\n');
    }
  });

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const c of sseClients) {
        c.flush();
        c.res.end();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
