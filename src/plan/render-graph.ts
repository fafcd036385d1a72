/** The plan's dependency graph as Graphviz dot or Mermaid text, grouped by worktree. Pure. */
import type { Plan } from "./plan.js";

const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

export function renderDot(plan: Plan): string {
  const lines = ["digraph grove {", "  rankdir=LR;", "  node [shape=box, style=rounded];"];
  plan.worktrees.forEach((wt, i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${quote(wt)};`);
    for (const p of plan.scenarios.filter((s) => s.scenario.worktree === wt)) {
      const critical = plan.criticalPath.includes(p.name) ? ", penwidth=2" : "";
      lines.push(`    ${quote(p.name)} [tooltip=${quote(p.scenario.description)}${critical}];`);
    }
    lines.push("  }");
  });
  for (const p of plan.scenarios)
    for (const d of p.dependencies) lines.push(`  ${quote(d)} -> ${quote(p.name)};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

export function renderMermaid(plan: Plan): string {
  const ids = new Map(plan.scenarios.map((p, i) => [p.name, `s${i}`]));
  const label = (s: string) => `"${s.replace(/"/g, "#quot;")}"`;
  const lines = ["flowchart LR"];
  plan.worktrees.forEach((wt, i) => {
    lines.push(`  subgraph w${i}[${label(wt)}]`);
    for (const p of plan.scenarios.filter((s) => s.scenario.worktree === wt))
      lines.push(`    ${ids.get(p.name)}[${label(p.name)}]`);
    lines.push("  end");
  });
  for (const p of plan.scenarios)
    for (const d of p.dependencies) lines.push(`  ${ids.get(d)} --> ${ids.get(p.name)}`);
  return `${lines.join("\n")}\n`;
}
