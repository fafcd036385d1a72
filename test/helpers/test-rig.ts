/**
 * A controllable fixture command for ordering and signal tests, after wireit's test rig: the test hands
 * out `rig.command(name)` as a scenario's argv, awaits `rig.started(name)` (the process is really running
 * and connected), then tells it to print or exit. Nothing waits on the clock: every step is an event on
 * a Unix socket. `ended` resolves when the process is gone (its socket closed), however it ended.
 */
import { rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach } from "vitest";
import { FIXTURES } from "./paths.js";
import { tempDir } from "./temp-dir.js";

/** One running invocation of a rig command. */
export interface RigInvocation {
  name: string;
  pid: number;
  /** Tells the command to exit with `code`. */
  exit(code?: number): void;
  /** Tells the command to print `line` on stdout; resolves once it has. */
  print(line: string): Promise<void>;
  /** Resolves when the process has gone (its end of the socket closed). */
  ended: Promise<void>;
}

const rigs: TestRig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.close();
});

/** A socket server that rig commands connect to; closed after each test. */
export class TestRig {
  readonly socketPath: string;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly seen: RigInvocation[] = [];
  private readonly waiters: { name: string; index: number; resolve: (i: RigInvocation) => void }[] = [];
  private listening: Promise<void>;

  constructor() {
    this.socketPath = join(tempDir("grove-rig-"), "rig.sock");
    this.server = createServer((socket) => this.accept(socket));
    this.listening = new Promise((resolve) => this.server.listen(this.socketPath, resolve));
    rigs.push(this);
  }

  /** Resolves once the rig accepts connections; call before handing out commands. */
  ready(): Promise<void> {
    return this.listening;
  }

  /** The argv of a rig command called `name` (`ignoreSigterm`: it survives SIGTERM, as a stubborn test). */
  command(name: string, options: { ignoreSigterm?: boolean } = {}): string[] {
    const argv = [process.execPath, join(FIXTURES, "rig-command.mjs"), this.socketPath, name];
    if (options.ignoreSigterm) argv.push("ignore-sigterm");
    return argv;
  }

  /** Resolves with the `nth` (0-based) invocation of `name` once it has started. */
  started(name: string, nth = 0): Promise<RigInvocation> {
    const found = this.seen.filter((i) => i.name === name)[nth];
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ name, index: nth, resolve }));
  }

  /** How many invocations of `name` have started so far. */
  count(name: string): number {
    return this.seen.filter((i) => i.name === name).length;
  }

  /** Closes every connection (the commands exit 1) and the server. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.socketPath, { force: true });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => {});
    const printed = new Map<string, () => void>();
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk;
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        const message = JSON.parse(buffered.slice(0, nl)) as {
          name?: string;
          pid?: number;
          printed?: string;
        };
        buffered = buffered.slice(nl + 1);
        if (message.printed !== undefined) printed.get(message.printed)?.();
        else this.register(socket, message.name!, message.pid!, ended, printed);
      }
    });
  }

  private register(
    socket: Socket,
    name: string,
    pid: number,
    ended: Promise<void>,
    printed: Map<string, () => void>,
  ): void {
    const send = (order: object) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(order)}\n`);
    };
    const invocation: RigInvocation = {
      name,
      pid,
      ended,
      exit: (code = 0) => send({ exit: code }),
      print: (line) =>
        new Promise((resolve) => {
          printed.set(line, resolve);
          send({ print: line });
        }),
    };
    this.seen.push(invocation);
    const index = this.count(name) - 1;
    for (const w of this.waiters.filter((w) => w.name === name && w.index === index)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(invocation);
    }
  }
}
