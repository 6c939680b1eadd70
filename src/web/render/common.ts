// What the renderers share: XML escaping, the words a node is described with (titles, ARIA labels,
// tooltips), the tone a node is painted in, and where an edge between two boxes runs.
import type { PlacedOverlay } from "../diagram/overlay.js";
import { NODE_PAINT, type Paint, type Tone, VERDICT_PAINT } from "../diagram/style.js";
import type { Box, DiagramNode } from "../diagram/types.js";

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) =>
    c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : c === '"' ? "&quot;" : "&apos;",
  );
}

const KIND_WORDS: Record<DiagramNode["kind"], string> = {
  group: "group",
  vnet: "virtual network",
  subnet: "subnet",
  vm: "virtual machine",
  privateEndpoint: "private endpoint",
  gateway: "gateway",
  onPremises: "on-premises network",
  internet: "the internet",
  service: "service",
  paas: "PaaS resource",
};

/** One sentence naming the node, its facts, its badges and (with an overlay) its verdict. */
export function describeNode(n: DiagramNode, overlay?: PlacedOverlay): string {
  const parts = [`${KIND_WORDS[n.kind]} ${n.label}`, ...n.lines.filter((l) => l !== "")];
  if (n.badges.length > 0) parts.push(n.badges.map((b) => b.title).join(", "));
  const note = overlay?.notes.get(n.id);
  if (note) parts.push(note);
  if (overlay?.sourceNode === n.id) parts.push("selected source");
  return parts.join("; ");
}

export function paintOf(n: DiagramNode, tone: Tone | undefined): Paint {
  return tone ? VERDICT_PAINT[tone] : NODE_PAINT[n.kind];
}

export interface EdgeGeometry {
  /** SVG path data of a smooth curve between the boxes. */
  d: string;
  /** Where its label goes. */
  mid: { x: number; y: number };
  start: { x: number; y: number };
  end: { x: number; y: number };
}

/**
 * A curve from one box to another: out of the side facing the other box, horizontally when they are
 * further apart across than down, so that fans of overlay edges stay apart.
 */
export function edgeGeometry(a: Box, b: Box): EdgeGeometry {
  const ac = { x: a.x + a.width / 2, y: a.y + a.height / 2 };
  const bc = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  const dx = bc.x - ac.x;
  const dy = bc.y - ac.y;
  let start: { x: number; y: number };
  let end: { x: number; y: number };
  let c1: { x: number; y: number };
  let c2: { x: number; y: number };
  if (Math.abs(dx) >= Math.abs(dy)) {
    const s = Math.sign(dx) || 1;
    start = { x: ac.x + (s * a.width) / 2, y: ac.y };
    end = { x: bc.x - (s * b.width) / 2, y: bc.y };
    const k = Math.max(30, Math.abs(end.x - start.x) / 2);
    c1 = { x: start.x + s * k, y: start.y };
    c2 = { x: end.x - s * k, y: end.y };
  } else {
    const s = Math.sign(dy) || 1;
    start = { x: ac.x, y: ac.y + (s * a.height) / 2 };
    end = { x: bc.x, y: bc.y - (s * b.height) / 2 };
    const k = Math.max(30, Math.abs(end.y - start.y) / 2);
    c1 = { x: start.x, y: start.y + s * k };
    c2 = { x: end.x, y: end.y - s * k };
  }
  const r = (v: number): string => v.toFixed(1);
  // Labels sit three quarters of the way along, where a fan of edges from one source has spread out.
  const t = 0.75;
  const [k0, k1, k2, k3] = [(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3];
  const mid = {
    x: k0 * start.x + k1 * c1.x + k2 * c2.x + k3 * end.x,
    y: k0 * start.y + k1 * c1.y + k2 * c2.y + k3 * end.y,
  };
  return {
    d: `M${r(start.x)},${r(start.y)} C${r(c1.x)},${r(c1.y)} ${r(c2.x)},${r(c2.y)} ${r(end.x)},${r(end.y)}`,
    mid,
    start,
    end,
  };
}
