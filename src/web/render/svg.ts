// A laid-out diagram as one standalone SVG document: the live view (which adds focus and ARIA), the SVG and
// PNG exports and `vnetlab diagram --format svg` are the same markup, with colours as attributes so that the
// file renders anywhere without a stylesheet.
import {
  fit,
  LABEL_PX,
  LINE_PX,
  BADGE_PX,
  badgeRows,
  badgeWidth,
  BADGE_GAP,
  BADGE_H,
  LABEL_H,
  LINE_H,
  PAD,
} from "../diagram/measure.js";
import type { PlacedOverlay } from "../diagram/overlay.js";
import {
  BADGE_PAINT,
  EDGE_PAINT,
  FONT,
  SELECTED_STROKE,
  SOURCE_STROKE,
  type Tone,
  TONE_MARK,
  VERDICT_PAINT,
} from "../diagram/style.js";
import { CONTAINER_KINDS, type DiagramNode, type LaidOutDiagram, readingOrder } from "../diagram/types.js";
import { describeNode, edgeGeometry, type EdgeGeometry, escapeXml as x, paintOf } from "./common.js";

export interface SvgOptions {
  overlay?: PlacedOverlay;
  /** The node the user selected. */
  selected?: string;
  /** Nodes to pick out (search matches, a finding's resources); the rest is dimmed. */
  highlighted?: ReadonlySet<string>;
  /** Focusable nodes with ARIA roles and labels: the live view. */
  interactive?: boolean;
  title?: string;
}

const TONES: Tone[] = ["allow", "deny", "mixed"];

function defs(): string {
  const marker = (id: string, color: string): string =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
  return `<defs>${TONES.map((t) => marker(`arrow-${t}`, VERDICT_PAINT[t].stroke)).join("")}${marker("arrow-link", EDGE_PAINT.privateLink.stroke)}</defs>`;
}

/** Nodes to keep at full strength when some are highlighted: those and their ancestors. */
export function litSet(
  d: LaidOutDiagram,
  highlighted: ReadonlySet<string> | undefined,
): Set<string> | undefined {
  if (!highlighted || highlighted.size === 0) return undefined;
  const parent = new Map(d.nodes.map((n) => [n.id, n.parent]));
  const lit = new Set<string>();
  for (const id of highlighted) for (let p: string | undefined = id; p; p = parent.get(p)) lit.add(p);
  return lit;
}

function badges(n: DiagramNode, bx: number, by: number, inner: number): string {
  let out = "";
  let y = by;
  for (const row of badgeRows(n, inner)) {
    let cx = bx;
    for (const i of row) {
      const b = n.badges[i]!;
      const w = badgeWidth(b.text);
      const p = BADGE_PAINT[b.kind];
      out +=
        `<g class="badge" data-badge="${b.kind}"><title>${x(b.title)}</title>` +
        `<rect x="${cx}" y="${y}" width="${w}" height="${BADGE_H}" rx="3" fill="${p.fill}"/>` +
        `<text x="${cx + 4}" y="${y + BADGE_H - 4}" font-size="${BADGE_PX}" fill="${p.text}">${x(b.text)}</text></g>`;
      cx += w + BADGE_GAP;
    }
    y += BADGE_H + BADGE_GAP;
  }
  return out;
}

/** One node's markup. The live view patches the DOM node by node with it; `renderSvg` joins them all. */
export function svgNode(
  d: LaidOutDiagram,
  n: DiagramNode,
  o: SvgOptions,
  lit: Set<string> | undefined,
): string {
  const b = d.boxes[n.id];
  if (!b) return "";
  const tone = o.overlay?.tones.get(n.id);
  const paint = paintOf(n, tone);
  const isSource = o.overlay?.sourceNode === n.id;
  const selected = o.selected === n.id;
  const container = CONTAINER_KINDS.has(n.kind) && n.hidden === undefined;
  const stroke = selected ? SELECTED_STROKE : isSource ? SOURCE_STROKE : paint.stroke;
  const width = selected || isSource ? 3 : tone ? 2 : 1.2;
  // The live view dims with a stylesheet rule over `data-lit` (a highlight then touches only the lit nodes);
  // a file has no stylesheet, so it carries the opacity itself.
  const dim = !o.interactive && lit && !lit.has(n.id) ? ` opacity="0.3"` : "";
  const label = describeNode(n, o.overlay);
  const attrs = [
    `class="node kind-${n.kind}${container ? " container" : ""}"`,
    `data-id="${x(n.id)}"`,
    `data-kind="${n.kind}"`,
    tone ? `data-verdict="${tone}"` : "",
    n.collapsible ? `data-collapsed="${n.hidden !== undefined}"` : "",
    o.interactive ? `tabindex="0" role="button" aria-label="${x(label)}"` : "",
    selected && o.interactive ? `aria-pressed="true"` : "",
    lit?.has(n.id) && o.highlighted?.has(n.id) ? `data-highlighted="true"` : "",
    lit?.has(n.id) ? `data-lit="true"` : "",
  ].filter((a) => a !== "");
  let out = `<g ${attrs.join(" ")}${dim}><title>${x(label)}</title>`;
  const dash = n.kind === "service" || n.kind === "group" ? ` stroke-dasharray="5 3"` : "";
  out += `<rect class="frame" x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="6" fill="${paint.fill}" stroke="${stroke}" stroke-width="${width}"${dash}/>`;
  if (o.highlighted?.has(n.id))
    out += `<rect x="${b.x - 3}" y="${b.y - 3}" width="${b.width + 6}" height="${b.height + 6}" rx="8" fill="none" stroke="#f29900" stroke-width="2.5"/>`;
  const inner = b.width - 2 * PAD;
  let y = b.y + PAD + LABEL_H - 4;
  const mark = tone ? TONE_MARK[tone] : isSource ? "● source" : "";
  const toggle = n.collapsible && o.interactive ? 14 : 0;
  const labelRoom = inner - (mark ? mark.length * 6.5 : 0) - toggle;
  out += `<text class="label" x="${b.x + PAD}" y="${y}" font-size="${LABEL_PX}" font-weight="600" fill="${paint.text}">${x(fit(n.label, labelRoom, LABEL_PX))}</text>`;
  if (mark)
    out += `<text class="mark" x="${b.x + b.width - PAD - toggle}" y="${y}" text-anchor="end" font-size="${LINE_PX}" font-weight="600" fill="${isSource && !tone ? SOURCE_STROKE : paint.stroke}">${x(mark)}</text>`;
  if (n.collapsible && o.interactive)
    out += `<text class="toggle" x="${b.x + b.width - PAD}" y="${y}" text-anchor="end" font-size="${LABEL_PX}" fill="${paint.text}">${n.hidden !== undefined ? "+" : "−"}</text>`;
  for (const line of n.lines) {
    y += LINE_H;
    out += `<text x="${b.x + PAD}" y="${y}" font-size="${LINE_PX}" fill="${paint.text}">${x(fit(line, inner, LINE_PX))}</text>`;
  }
  out += badges(n, b.x + PAD, y + 6, inner);
  return `${out}</g>`;
}

/** The curve of an edge between two laid-out boxes (none when either box is not drawn). */
function between(d: LaidOutDiagram, e: { source: string; target: string }): EdgeGeometry | undefined {
  const a = d.boxes[e.source];
  const b = d.boxes[e.target];
  return a && b ? edgeGeometry(a, b) : undefined;
}

export function svgEdges(d: LaidOutDiagram): string {
  return d.edges
    .map((e) => {
      const g = between(d, e);
      if (!g) return "";
      const p = EDGE_PAINT[e.kind];
      const arrow = e.kind === "privateLink" ? ` marker-end="url(#arrow-link)"` : "";
      const dash = p.dash ? ` stroke-dasharray="${p.dash}"` : "";
      return `<g class="edge kind-${e.kind}" data-source="${x(e.source)}" data-target="${x(e.target)}"><path d="${g.d}" fill="none" stroke="${p.stroke}" stroke-width="1.5"${dash}${arrow}/>${e.label ? edgeLabel(g.mid, e.label, p.stroke) : ""}</g>`;
    })
    .join("");
}

function edgeLabel(at: { x: number; y: number }, text: string, color: string): string {
  const w = Math.ceil(text.length * LINE_PX * 0.6) + 8;
  return `<rect x="${(at.x - w / 2).toFixed(1)}" y="${(at.y - 8).toFixed(1)}" width="${w}" height="15" rx="3" fill="#ffffff" fill-opacity="0.9"/><text class="edge-label" x="${at.x.toFixed(1)}" y="${(at.y + 3).toFixed(1)}" text-anchor="middle" font-size="${LINE_PX - 1}" fill="${color}">${x(text)}</text>`;
}

export function svgOverlayEdges(d: LaidOutDiagram, o: PlacedOverlay | undefined): string {
  if (!o) return "";
  return o.edges
    .map((e) => {
      const g = between(d, e);
      if (!g) return "";
      const color = VERDICT_PAINT[e.tone].stroke;
      const dash = e.tone === "deny" ? ` stroke-dasharray="4 3"` : "";
      return `<g class="reach" data-target="${x(e.target)}" data-verdict="${e.tone}" data-path="${x(e.label)}"><path d="${g.d}" fill="none" stroke="${color}" stroke-width="1.6"${dash} marker-end="url(#arrow-${e.tone})"/>${edgeLabel(g.mid, e.label, color)}</g>`;
    })
    .join("");
}

/** The document around the layers: size, font, title, arrowheads, a white background (for PNG). */
export function svgShell(
  d: LaidOutDiagram,
  o: SvgOptions,
  layers: { nodes: string; edges: string; overlay: string },
): string {
  const title = o.title ?? "vnetlab topology";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${d.width}" height="${d.height}" viewBox="0 0 ${d.width} ${d.height}" font-family="${x(FONT)}" role="${o.interactive ? "group" : "img"}" aria-label="${x(title)}">` +
    `<title>${x(title)}</title>${defs()}<rect class="background" width="${d.width}" height="${d.height}" fill="#ffffff"/>` +
    `<g class="nodes">${layers.nodes}</g><g class="edges">${layers.edges}</g><g class="overlay">${layers.overlay}</g></svg>`
  );
}

export function renderSvg(d: LaidOutDiagram, o: SvgOptions = {}): string {
  const lit = litSet(d, o.highlighted);
  const nodes = readingOrder(d)
    .map((n) => svgNode(d, n, o, lit))
    .join("");
  return svgShell(d, o, { nodes, edges: svgEdges(d), overlay: svgOverlayEdges(d, o.overlay) });
}
