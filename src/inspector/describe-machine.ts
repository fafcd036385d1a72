/**
 * A statechart's states and transitions, drawn from the compiled machine's state nodes (machine.root),
 * not from machine.toJSON(), which drops eventless (`always`) transitions. Used by the recorder and
 * the visualizer to draw each scenario's and worktree's machine.
 */
import type { AnyStateMachine, AnyStateNode } from "xstate";

export interface StateDescription {
  /** Dotted path from the root, e.g. "running.test" ("" for the root). */
  path: string;
  parent: string | null;
  type: string;
  description?: string;
  meta?: unknown;
}

export interface TransitionDescription {
  source: string;
  targets: string[];
  /** The event, "always" for eventless transitions, "done: <actor>" for invoked actors finishing. */
  event: string;
  guard?: string;
}

export interface MachineDescription {
  id: string;
  initial: string;
  states: StateDescription[];
  transitions: TransitionDescription[];
}

const pathOf = (node: AnyStateNode) => node.path.join(".");

function eventLabel(type: string): string {
  const done = /^xstate\.done\.actor\.(.+)$/.exec(type);
  if (done) return `done: ${done[1]}`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(type);
  if (error) return `error: ${error[1]}`;
  return type;
}

function guardLabel(guard: unknown): string | undefined {
  if (!guard) return undefined;
  if (typeof guard === "string") return guard;
  if (typeof guard === "object" && guard !== null && "type" in guard)
    return String((guard as { type: unknown }).type);
  return "condition";
}

export function describeMachine(machine: AnyStateMachine): MachineDescription {
  const states: StateDescription[] = [];
  const transitions: TransitionDescription[] = [];
  const visit = (node: AnyStateNode, parent: AnyStateNode | null) => {
    states.push({
      path: pathOf(node),
      parent: parent ? pathOf(parent) : null,
      type: node.type,
      ...(node.description ? { description: node.description } : {}),
      ...(node.meta ? { meta: node.meta } : {}),
    });
    const add = (
      event: string,
      list: readonly { target?: readonly AnyStateNode[] | undefined; guard?: unknown }[],
    ) => {
      for (const t of list) {
        const guard = guardLabel(t.guard);
        transitions.push({
          source: pathOf(node),
          targets: (t.target ?? []).map(pathOf),
          event,
          ...(guard ? { guard } : {}),
        });
      }
    };
    for (const [type, list] of node.transitions) add(eventLabel(type), list);
    if (node.always) add("always", node.always);
    for (const child of Object.values(node.states)) visit(child, node);
  };
  visit(machine.root, null);
  const initial = machine.root.initial?.target?.[0];
  return { id: machine.id, initial: initial ? pathOf(initial) : "", states, transitions };
}
