// A diagram as a Mermaid flowchart, for Markdown (GitHub renders it inline): containers as nested subgraphs,
// PaaS resources as rounded boxes, the overlay's edges labelled with their path and styled by verdict.
// Mermaid lays out on its own, so this renderer needs no boxes.
import type { PlacedOverlay } from "../diagram/overlay.js";
import { NODE_PAINT, TONE_MARK, VERDICT_PAINT } from "../diagram/style.js";
import type { Diagram, DiagramNode, EdgeKind, NodeKind } from "../diagram/types.js";

export interface MermaidOptions {
  overlay?: PlacedOverlay;
  title?: string;
}

/** Mermaid's own entity escapes: quotes, and the characters its parser reads as syntax. */
function text(s: string): string {
  return s.replace(/[#"<>|]/g, (c) => `#${c.charCodeAt(0)};`);
}

const SHAPES: Partial<Record<NodeKind, [string, string]>> = {
  paas: ['("', '")'],
  internet: ['(("', '"))'],
  onPremises: ['[/"', '"/]'],
};

const LINKS: Record<EdgeKind, string> = { peering: "<-.->", connection: "-.-", privateLink: "-->" };

export function renderMermaid(d: Diagram, o: MermaidOptions = {}): string {
  const ids = new Map(d.nodes.map((n, i) => [n.id, `n${i}`]));
  const kids = new Map<string | undefined, DiagramNode[]>();
  for (const n of d.nodes) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n]);
  const out = [`---`, `title: ${text(o.title ?? "vnetlab topology")}`, `---`, "flowchart LR"];
  const labelOf = (n: DiagramNode): string => {
    const tone = o.overlay?.tones.get(n.id);
    const head = tone ? `${n.label} ${TONE_MARK[tone]}` : n.label;
    const badges = n.badges.length > 0 ? [n.badges.map((b) => `[${b.text}]`).join(" ")] : [];
    return [head, ...n.lines.filter((l) => l !== ""), ...badges].map(text).join("<br/>");
  };
  const visit = (parent: string | undefined, indent: string): void => {
    for (const n of kids.get(parent) ?? []) {
      const id = ids.get(n.id)!;
      const children = kids.get(n.id) ?? [];
      if (children.length > 0) {
        out.push(`${indent}subgraph ${id}["${labelOf(n)}"]`);
        visit(n.id, `${indent}  `);
        out.push(`${indent}end`);
      } else {
        const [open, close] = SHAPES[n.kind] ?? ['["', '"]'];
        out.push(`${indent}${id}${open}${labelOf(n)}${close}`);
      }
    }
  };
  visit(undefined, "  ");
  for (const e of d.edges) {
    const a = ids.get(e.source);
    const b = ids.get(e.target);
    if (a && b) out.push(`  ${a} ${LINKS[e.kind]}${e.label ? `|"${text(e.label)}"|` : ""} ${b}`);
  }
  for (const e of o.overlay?.edges ?? []) {
    const a = ids.get(e.source);
    const b = ids.get(e.target);
    if (a && b) out.push(`  ${a} ${e.tone === "deny" ? "-.->" : "==>"}|"${text(e.label)}"| ${b}`);
  }
  const classes = new Map<string, string[]>();
  for (const n of d.nodes) {
    const cls = o.overlay?.tones.get(n.id) ?? n.kind;
    classes.set(cls, [...(classes.get(cls) ?? []), ids.get(n.id)!]);
  }
  const paints = { ...NODE_PAINT, ...VERDICT_PAINT };
  for (const [cls, members] of classes) {
    const p = paints[cls as keyof typeof paints];
    out.push(`  classDef ${cls} fill:${p.fill},stroke:${p.stroke},color:${p.text}`);
    out.push(`  class ${members.join(",")} ${cls}`);
  }
  return `${out.join("\n")}\n`;
}
