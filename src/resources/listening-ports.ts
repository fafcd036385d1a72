/** TCP ports a process listens on, from /proc/net/tcp{,6} and its socket file descriptors (where readable). */
import { readdir, readFile, readlink } from "node:fs/promises";

async function listeningInodes(): Promise<Map<string, number>> {
  const byInode = new Map<string, number>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = await readFile(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== "0A") continue; // 0A = LISTEN
      byInode.set(f[9]!, Number.parseInt(f[1]!.split(":")[1]!, 16));
    }
  }
  return byInode;
}

export async function listeningPorts(pids: readonly number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (pids.length === 0) return out;
  const inodes = await listeningInodes();
  await Promise.all(
    pids.map(async (pid) => {
      const ports = new Set<number>();
      let fds: string[] = [];
      try {
        fds = await readdir(`/proc/${pid}/fd`);
      } catch {
        return;
      }
      await Promise.all(
        fds.map(async (fd) => {
          try {
            const m = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`));
            const port = m ? inodes.get(m[1]!) : undefined;
            if (port !== undefined) ports.add(port);
          } catch {}
        }),
      );
      if (ports.size)
        out.set(
          pid,
          [...ports].sort((a, b) => a - b),
        );
    }),
  );
  return out;
}
