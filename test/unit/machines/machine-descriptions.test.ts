import { describe, expect, it } from "vitest";
import { describeMachine } from "../../../src/inspector/describe-machine.js";
import { createScenarioMachine } from "../../../src/machines/scenario-machine.js";
import { createWorktreeMachine } from "../../../src/machines/worktree-machine.js";

const table = (machine: Parameters<typeof describeMachine>[0]) =>
  describeMachine(machine).states.map((s) => [s.path, s.type, s.description ?? null, s.meta ?? null]);

// What the inspector shows for each state of the compiled machines: the pipeline's step names become
// states with a description and meta (phase, step) the page and the recorder read.
describe("compiled statecharts as the inspector draws them", () => {
  it("scenario machine: one state per before step, the test, one per after step, with phase and step", () => {
    expect(table(createScenarioMachine({ before: ["prepare"], after: ["collect", "teardown"] }))).toEqual([
      ["", "compound", null, null],
      ["pending", "atomic", "created; the run has not started", null],
      ["waiting", "atomic", "for its dependencies to pass", null],
      ["queued", "atomic", "for a worker slot and its worktree", null],
      ["running", "compound", null, null],
      ["running.before_0", "atomic", 'before step "prepare"', { phase: "before", step: "prepare" }],
      ["running.test", "atomic", "the test command", { phase: "test" }],
      [
        "running.after_0",
        "atomic",
        'after step "collect" (runs whatever happened)',
        { phase: "after", step: "collect" },
      ],
      [
        "running.after_1",
        "atomic",
        'after step "teardown" (runs whatever happened)',
        { phase: "after", step: "teardown" },
      ],
      ["running.settle", "atomic", "decide: pass, retry or end", null],
      ["retrying", "atomic", "another attempt follows", null],
      ["passed", "final", null, null],
      ["failed", "final", null, null],
      ["timedOut", "final", null, null],
      ["errored", "final", null, null],
      ["skipped", "final", null, null],
      ["cancelled", "final", null, null],
    ]);
  });

  it("worktree machine: one state per setup step, named in its description and meta", () => {
    const states = table(createWorktreeMachine(["install", "build"]));
    expect(states.filter(([path]) => String(path).startsWith("setup_"))).toEqual([
      ["setup_0", "atomic", 'setup step "install"', { step: "install" }],
      ["setup_1", "atomic", 'setup step "build"', { step: "build" }],
    ]);
    expect(new Map(states.map(([path, , description]) => [path, description]))).toEqual(
      new Map([
        ["", null],
        ["leasing", "waits for the worktree's lease (held by another run) unless --no-wait"],
        ["verifying", null],
        ["creating", null],
        ["setup_0", 'setup step "install"'],
        ["setup_1", 'setup step "build"'],
        ["checking", "verify checks after setup; records the setup as done"],
        ["pulling", null],
        ["ready", "its scenarios may run"],
        ["failed", "cannot be made ready; its scenarios are skipped (never cleaned unless leased)"],
        ["cleaning", null],
        ["removed", null],
        ["kept", "holds work; left in place"],
        ["released", "left in place (not created by Grove, or no --cleanup)"],
      ]),
    );
  });
});
