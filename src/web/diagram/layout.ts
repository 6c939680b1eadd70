// Automatic layout with elkjs. Every container packs its children with ELK's `box` algorithm (fast, and a
// compact grid reads better than a tall column at a few hundred resources); the top level, and each group,
// is laid out left to right in three columns — where traffic comes from (the internet, on-premises), the
// virtual networks (ELK `layered`, so peered VNets sit side by side; unpeered ones are packed by aspect
// ratio), and the PaaS services. Edges are not routed by ELK: the renderers draw them between the laid-out
// boxes, which keeps the layout independent of the overlay (picking another source moves nothing).
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";
import { headerHeight, naturalWidth } from "./measure.js";
import { type Box, CONTAINER_KINDS, type Diagram, type DiagramNode, type LaidOutDiagram } from "./types.js";

/** What layout needs of an ELK instance: in-process (elk.bundled.js) or in a worker thread. */
export interface ElkLike {
  layout(graph: ElkNode): Promise<ElkNode>;
}

const SPACING = "18";
const BOX = { "elk.algorithm": "box", "elk.spacing.nodeNode": SPACING, "elk.aspectRatio": "1.6" };
const LAYERED = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.spacing.nodeNode": "28",
  "elk.layered.spacing.nodeNodeBetweenLayers": "60",
  "elk.spacing.componentComponent": "28",
  "elk.aspectRatio": "1.6",
};

type Column = "sources" | "network" | "services";

function columnOf(n: DiagramNode): Column {
  if (n.kind === "internet" || n.kind === "onPremises") return "sources";
  if (n.kind === "service" || n.kind === "paas") return "services";
  return "network";
}

const padding = (top: number): string => `[top=${top},left=10,bottom=10,right=10]`;

interface Tree {
  elk: Map<string, ElkNode>;
  parentOf: Map<string, string>;
}

function isContainer(n: DiagramNode, hasChildren: boolean): boolean {
  return CONTAINER_KINDS.has(n.kind) && n.hidden === undefined && hasChildren;
}

/**
 * Children of the root or of a group, split into columns (each an ELK-only box with no drawing) when more than
 * one column is present; the columns are kept in order by two invisible edges.
 */
function arrange(owner: ElkNode, kids: ElkNode[], nodes: Map<string, DiagramNode>, tree: Tree): void {
  const by = new Map<Column, ElkNode[]>();
  for (const k of kids) {
    const n = nodes.get(k.id);
    const c = n ? columnOf(n) : "network";
    by.set(c, [...(by.get(c) ?? []), k]);
  }
  owner.layoutOptions = { ...owner.layoutOptions, ...LAYERED };
  if (by.size <= 1) {
    owner.children = kids;
    return;
  }
  const cols: ElkNode[] = [];
  for (const c of ["sources", "network", "services"] as const) {
    const members = by.get(c);
    if (!members) continue;
    const col: ElkNode = {
      id: `${owner.id}#${c}`,
      children: members,
      layoutOptions: { ...(c === "network" ? LAYERED : BOX), "elk.padding": padding(0) },
    };
    for (const m of members) tree.parentOf.set(m.id, col.id);
    tree.parentOf.set(col.id, owner.id);
    tree.elk.set(col.id, col);
    cols.push(col);
  }
  owner.children = cols;
  owner.edges = cols
    .slice(1)
    .map((c, i) => ({ id: `${owner.id}#order${i}`, sources: [cols[i]!.id], targets: [c.id] }));
}

function buildTree(d: Diagram): { root: ElkNode; tree: Tree } {
  const nodes = new Map(d.nodes.map((n) => [n.id, n]));
  const kids = new Map<string | undefined, DiagramNode[]>();
  for (const n of d.nodes) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n]);
  const tree: Tree = { elk: new Map(), parentOf: new Map() };
  const make = (n: DiagramNode): ElkNode => {
    const children = kids.get(n.id) ?? [];
    const width = naturalWidth(n);
    const header = headerHeight(n, width);
    const e: ElkNode = { id: n.id };
    tree.elk.set(n.id, e);
    if (n.parent) tree.parentOf.set(n.id, n.parent);
    if (!isContainer(n, children.length > 0)) {
      e.width = width;
      e.height = header;
      return e;
    }
    const built = children.map(make);
    e.layoutOptions = {
      "elk.padding": padding(header + 4),
      "elk.nodeSize.constraints": "[MINIMUM_SIZE]",
      "elk.nodeSize.minimum": `(${width}, ${header + 10})`,
    };
    if (n.kind === "group") arrange(e, built, nodes, tree);
    else {
      e.layoutOptions = { ...e.layoutOptions, ...BOX };
      e.children = built;
    }
    return e;
  };
  const root: ElkNode = { id: "#root", layoutOptions: { "elk.padding": padding(10) } };
  arrange(root, (kids.get(undefined) ?? []).map(make), nodes, tree);
  for (const c of root.children ?? []) if (!tree.parentOf.has(c.id)) tree.parentOf.set(c.id, root.id);
  tree.elk.set(root.id, root);
  return { root, tree };
}

/** Each diagram edge, lifted to the pair of siblings it joins, on the containers laid out with `layered`. */
function liftEdges(d: Diagram, tree: Tree): void {
  const chain = (id: string): string[] => {
    const out = [id];
    for (let p = tree.parentOf.get(id); p; p = tree.parentOf.get(p)) out.push(p);
    return out;
  };
  const seen = new Set<string>();
  for (const e of d.edges) {
    const a = chain(e.source);
    const b = chain(e.target);
    const common = a.find((x) => b.includes(x) && x !== e.source && x !== e.target);
    if (!common) continue;
    const sa = a[a.indexOf(common) - 1];
    const sb = b[b.indexOf(common) - 1];
    const owner = tree.elk.get(common);
    if (!sa || !sb || sa === sb || !owner || owner.layoutOptions?.["elk.algorithm"] !== "layered") continue;
    // Columns keep their fixed order: an edge between two (a gateway to on-premises) would make a cycle.
    if (sa.includes("#") || sb.includes("#")) continue;
    const key = `${sa}|${sb}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const edge: ElkExtendedEdge = { id: `${e.id}@lift`, sources: [sa], targets: [sb] };
    owner.edges = [...(owner.edges ?? []), edge];
  }
}

function collect(n: ElkNode, x: number, y: number, nodes: Set<string>, boxes: Record<string, Box>): void {
  for (const c of n.children ?? []) {
    const cx = x + (c.x ?? 0);
    const cy = y + (c.y ?? 0);
    if (nodes.has(c.id)) boxes[c.id] = { x: cx, y: cy, width: c.width ?? 0, height: c.height ?? 0 };
    collect(c, cx, cy, nodes, boxes);
  }
}

export async function layoutDiagram(d: Diagram, elk: ElkLike): Promise<LaidOutDiagram> {
  const { root, tree } = buildTree(d);
  liftEdges(d, tree);
  // `layered` puts boxes that no edge joins in one tall column; `box` packs them into rows instead.
  for (const n of tree.elk.values())
    if (n.layoutOptions?.["elk.algorithm"] === "layered" && (n.edges ?? []).length === 0)
      n.layoutOptions = { ...n.layoutOptions, ...BOX };
  const out = await elk.layout(root);
  const boxes: Record<string, Box> = {};
  collect(out, 0, 0, new Set(d.nodes.map((n) => n.id)), boxes);
  return { ...d, boxes, width: Math.ceil(out.width ?? 0), height: Math.ceil(out.height ?? 0) };
}
