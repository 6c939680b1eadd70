// A laid-out diagram as a draw.io file (mxfile, uncompressed, which draw.io reads as it reads its own): the
// seeds' own diagram format. Containers are draw.io containers, so that moving a VNet moves its subnets;
// children are placed relative to their container, as mxGraph expects. Overlay edges keep their path label.
import type { PlacedOverlay } from "../diagram/overlay.js";
import { EDGE_PAINT, FONT, TONE_MARK, VERDICT_PAINT } from "../diagram/style.js";
import { CONTAINER_KINDS, type DiagramNode, type LaidOutDiagram, readingOrder } from "../diagram/types.js";
import { describeNode, escapeXml as x, paintOf } from "./common.js";

export interface DrawioOptions {
  overlay?: PlacedOverlay;
  title?: string;
}

const fontFamily = FONT.split(",")[0]!.trim();

function style(parts: Record<string, string | number>): string {
  return Object.entries(parts)
    .map(([k, v]) => `${k}=${v}`)
    .join(";");
}

function vertex(n: DiagramNode, d: LaidOutDiagram, ids: Map<string, string>, o: DrawioOptions): string {
  const b = d.boxes[n.id]!;
  const parentBox = n.parent ? d.boxes[n.parent] : undefined;
  const tone = o.overlay?.tones.get(n.id);
  const paint = paintOf(n, tone);
  const container = CONTAINER_KINDS.has(n.kind) && n.hidden === undefined;
  const head = tone ? `${n.label}  ${TONE_MARK[tone]}` : n.label;
  const badges = n.badges.length > 0 ? [n.badges.map((b) => `[${b.text}]`).join(" ")] : [];
  const value = [head, ...n.lines, ...badges].join("\n");
  const s = style({
    rounded: 1,
    arcSize: 6,
    absoluteArcSize: 1,
    whiteSpace: "wrap",
    html: 0,
    fillColor: paint.fill,
    strokeColor: o.overlay?.sourceNode === n.id ? "#6a1b9a" : paint.stroke,
    strokeWidth: tone || o.overlay?.sourceNode === n.id ? 2 : 1,
    fontColor: paint.text,
    fontFamily,
    fontSize: 11,
    align: "left",
    verticalAlign: "top",
    spacingLeft: 8,
    spacingTop: 4,
    ...(n.kind === "service" || n.kind === "group" ? { dashed: 1 } : {}),
    ...(container ? { container: 1, collapsible: 0 } : {}),
  });
  const gx = b.x - (parentBox?.x ?? 0);
  const gy = b.y - (parentBox?.y ?? 0);
  const parent = n.parent ? (ids.get(n.parent) ?? "1") : "1";
  return (
    `<mxCell id="${ids.get(n.id)}" value="${x(value)}" tooltip="${x(describeNode(n, o.overlay))}" style="${x(s)}" vertex="1" parent="${parent}">` +
    `<mxGeometry x="${gx}" y="${gy}" width="${b.width}" height="${b.height}" as="geometry"/></mxCell>`
  );
}

function edge(id: string, source: string, target: string, label: string, s: string): string {
  return (
    `<mxCell id="${id}" value="${x(label)}" style="${x(s)}" edge="1" parent="1" source="${source}" target="${target}">` +
    `<mxGeometry relative="1" as="geometry"/></mxCell>`
  );
}

export function renderDrawio(d: LaidOutDiagram, o: DrawioOptions = {}): string {
  const order = readingOrder(d).filter((n) => d.boxes[n.id]);
  const ids = new Map(order.map((n, i) => [n.id, `n${i}`]));
  const cells = order.map((n) => vertex(n, d, ids, o));
  const edgeStyle = (stroke: string, extra: Record<string, string | number> = {}): string =>
    style({
      edgeStyle: "orthogonalEdgeStyle",
      curved: 1,
      rounded: 1,
      html: 0,
      endArrow: "none",
      strokeColor: stroke,
      fontSize: 10,
      fontColor: stroke,
      labelBackgroundColor: "#ffffff",
      ...extra,
    });
  d.edges.forEach((e, i) => {
    const a = ids.get(e.source);
    const b = ids.get(e.target);
    if (!a || !b) return;
    const p = EDGE_PAINT[e.kind];
    cells.push(
      edge(
        `e${i}`,
        a,
        b,
        e.label ?? "",
        edgeStyle(p.stroke, {
          ...(p.dash ? { dashed: 1 } : {}),
          ...(e.kind === "privateLink" ? { endArrow: "block" } : {}),
        }),
      ),
    );
  });
  (o.overlay?.edges ?? []).forEach((e, i) => {
    const a = ids.get(e.source);
    const b = ids.get(e.target);
    if (!a || !b) return;
    const color = VERDICT_PAINT[e.tone].stroke;
    cells.push(
      edge(
        `r${i}`,
        a,
        b,
        e.label,
        edgeStyle(color, { endArrow: "block", ...(e.tone === "deny" ? { dashed: 1 } : {}) }),
      ),
    );
  });
  const title = o.title ?? "vnetlab topology";
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<mxfile host="vnetlab" agent="vnetlab" version="24.0.0" type="device">` +
    `<diagram id="vnetlab-topology" name="${x(title)}">` +
    `<mxGraphModel dx="${d.width}" dy="${d.height}" grid="0" gridSize="10" guides="1" tooltips="1" connect="1" arrows="1" fold="1" page="0" pageScale="1" pageWidth="${d.width}" pageHeight="${d.height}" math="0" shadow="0">` +
    `<root><mxCell id="0"/><mxCell id="1" parent="0"/>${cells.join("")}</root></mxGraphModel></diagram></mxfile>\n`
  );
}
