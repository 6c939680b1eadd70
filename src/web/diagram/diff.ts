// What a second estate does to the picture: the boxes it adds, removes, or changes (a subnet gaining an
// endpoint badge, a storage account switching its firewall mode). The what-if view shows this beside the
// analysis' list of verdicts that change.
import type { DiagramDiff } from "../api.js";
import type { Diagram, DiagramNode } from "./types.js";

function changes(a: DiagramNode, b: DiagramNode): string[] {
  const what: string[] = [];
  const la = a.lines.join(" · ");
  const lb = b.lines.join(" · ");
  if (la !== lb) what.push(`${la || "—"} → ${lb || "—"}`);
  const ta = new Set(a.badges.map((x) => x.title));
  const tb = new Set(b.badges.map((x) => x.title));
  for (const t of tb) if (!ta.has(t)) what.push(`+ ${t}`);
  for (const t of ta) if (!tb.has(t)) what.push(`− ${t}`);
  if (a.parent !== b.parent) what.push("moved");
  return what;
}

export function diffDiagrams(before: Diagram, after: Diagram): DiagramDiff {
  const was = new Map(before.nodes.map((n) => [n.id, n]));
  const is = new Map(after.nodes.map((n) => [n.id, n]));
  const brief = (n: DiagramNode): { id: string; label: string; kind: string } => ({
    id: n.id,
    label: n.label,
    kind: n.kind,
  });
  const diff: DiagramDiff = { added: [], removed: [], changed: [] };
  for (const n of after.nodes) {
    const old = was.get(n.id);
    if (!old) diff.added.push(brief(n));
    else {
      const what = changes(old, n);
      if (what.length > 0) diff.changed.push({ id: n.id, label: n.label, what });
    }
  }
  for (const n of before.nodes) if (!is.has(n.id)) diff.removed.push(brief(n));
  return diff;
}
