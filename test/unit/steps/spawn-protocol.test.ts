import { describe, expect, it } from "vitest";
import { decodeAnswer, encodeRequest } from "../../../src/steps/spawn-protocol.js";

const request = { id: 7, argv: ["a b", "", "ü"], cwd: "/w", env: { K: "v=1\nx" }, logPath: "/l.log" };

describe("the Python helper's protocol", () => {
  it("frames a request by its byte length, fields separated by NUL", () => {
    const encoded = encodeRequest(request)!;
    const newline = encoded.indexOf("\n");
    const body = encoded.subarray(newline + 1);
    expect(Number(encoded.subarray(0, newline).toString())).toBe(body.length);
    expect(body.toString().split("\0")).toEqual(["7", "/w", "/l.log", "1", "K=v=1\nx", "3", "a b", "", "ü"]);
  });

  it("refuses what cannot travel (a NUL byte, an env name with '='): launchDirect reports those", () => {
    expect(encodeRequest({ ...request, argv: ["a\0b"] })).toBeUndefined();
    expect(encodeRequest({ ...request, env: { "A=B": "c" } })).toBeUndefined();
  });

  it("reads starts, failed starts, failed requests and exits", () => {
    expect(decodeAnswer("S 7 1234")).toEqual([{ id: 7, type: "spawned", pid: 1234 }]);
    expect(decodeAnswer("S 7 1234 98765")).toEqual([
      { id: 7, type: "spawned", pid: 1234, startTicks: 98765 },
    ]);
    expect(decodeAnswer("S 7 1234 -")).toEqual([{ id: 7, type: "spawned", pid: 1234 }]);
    expect(decodeAnswer("E 7 ENOENT No such file or directory")).toEqual([
      { id: 7, type: "spawned" },
      {
        id: 7,
        type: "exited",
        exit: {
          exitCode: null,
          signal: null,
          error: { code: "ENOENT", message: "No such file or directory" },
        },
      },
    ]);
    expect(decodeAnswer("F 7 EACCES: denied")).toEqual([
      { id: 7, type: "failed", message: "EACCES: denied" },
    ]);
    expect(decodeAnswer("X 7 3 -")).toEqual([{ id: 7, type: "exited", exit: { exitCode: 3, signal: null } }]);
    expect(decodeAnswer("X 7 - SIGKILL")).toEqual([
      { id: 7, type: "exited", exit: { exitCode: null, signal: "SIGKILL" } },
    ]);
    expect(decodeAnswer("garbage")).toEqual([]);
  });

  it("reads what the helper saw as it reaped: a process left in the group, and the log's size", () => {
    expect(decodeAnswer("X 7 0 - 0 0")).toEqual([
      { id: 7, type: "exited", exit: { exitCode: 0, signal: null, groupLeft: false, logBytes: 0 } },
    ]);
    expect(decodeAnswer("X 7 - SIGTERM 1 4096")).toEqual([
      { id: 7, type: "exited", exit: { exitCode: null, signal: "SIGTERM", groupLeft: true, logBytes: 4096 } },
    ]);
    expect(decodeAnswer("X 7 0 - 0 0 1")).toEqual([
      {
        id: 7,
        type: "exited",
        exit: { exitCode: 0, signal: null, groupLeft: false, logBytes: 0, adopted: true },
      },
    ]);
    expect(decodeAnswer("X 7 0 - 0 0 ?")).toEqual([
      { id: 7, type: "exited", exit: { exitCode: 0, signal: null, groupLeft: false, logBytes: 0 } },
    ]);
    // Anything else there is not taken for an observation (Grove then looks itself).
    expect(decodeAnswer("X 7 0 - ? x")).toEqual([
      { id: 7, type: "exited", exit: { exitCode: 0, signal: null } },
    ]);
  });
});
