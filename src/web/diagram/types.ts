// The diagram model: what the topology view, `vnetlab diagram` and every export draw. Built from an estate on
// the server (build.ts), grouped and collapsed (group.ts), laid out by elkjs (layout.ts), then rendered as
// SVG, draw.io or Mermaid (../render/*) in Node and in the browser alike — so this file and everything it is
// rendered with stay free of Node and DOM APIs.

export type NodeKind =
  | "group"
  | "vnet"
  | "subnet"
  | "vm"
  | "privateEndpoint"
  | "gateway"
  | "onPremises"
  | "internet"
  | "service"
  | "paas";

/** Kinds that contain other nodes (a collapsed group is drawn as a leaf). */
export const CONTAINER_KINDS: ReadonlySet<NodeKind> = new Set(["group", "vnet", "subnet", "service"]);

export type BadgeKind = "endpoint" | "policy" | "nsg" | "routeTable" | "nat" | "delegation" | "firewall";

export interface Badge {
  kind: BadgeKind;
  /** Short text drawn in the badge, e.g. `Storage`, `NSG`. */
  text: string;
  /** The full statement, for tooltips and screen readers, e.g. `NSG nsg-app`. */
  title: string;
}

export interface DiagramNode {
  /** Unique and stable: the lower-cased ARM id, or `internet`, `service:<type>`, `group:<key>`. */
  id: string;
  kind: NodeKind;
  label: string;
  /** Secondary lines: address spaces, a prefix, an IP, a firewall mode. */
  lines: string[];
  badges: Badge[];
  parent?: string;
  /** The ARM ids (lower case) this node stands for: a finding naming any of them selects the node. */
  refs: string[];
  /** The matrix source this node is (a NIC, a subnet, `internet`, `onprem:RANGE`), when it is one. */
  sources?: string[];
  subscription?: string;
  resourceGroup?: string;
  /** A collapsed group: how many resources it hides. */
  hidden?: number;
  /** A group that can be collapsed or expanded. */
  collapsible?: boolean;
}

export type EdgeKind = "peering" | "connection" | "privateLink";

export interface DiagramEdge {
  id: string;
  kind: EdgeKind;
  source: string;
  target: string;
  label?: string;
}

export interface Diagram {
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A diagram with each node's box in absolute coordinates. */
export interface LaidOutDiagram extends Diagram {
  boxes: Record<string, Box>;
  width: number;
  height: number;
}

export type GroupBy = "none" | "resourceGroup" | "subscription";

export interface ViewOptions {
  groupBy: GroupBy;
  /** Ids of the groups drawn collapsed. */
  collapsed: string[];
}

export const DEFAULT_VIEW: ViewOptions = { groupBy: "none", collapsed: [] };

/** The nodes by id. */
export function indexNodes(d: Diagram): Map<string, DiagramNode> {
  return new Map(d.nodes.map((n) => [n.id, n]));
}

/** Parents before children, siblings in their order: the reading (and tab) order of a diagram. */
export function readingOrder(d: Diagram): DiagramNode[] {
  const children = new Map<string | undefined, DiagramNode[]>();
  for (const n of d.nodes) {
    const list = children.get(n.parent) ?? [];
    list.push(n);
    children.set(n.parent, list);
  }
  const out: DiagramNode[] = [];
  const visit = (parent: string | undefined): void => {
    for (const n of children.get(parent) ?? []) {
      out.push(n);
      visit(n.id);
    }
  };
  visit(undefined);
  return out;
}

/** The nodes a set of ARM ids names (by `refs`), lower-cased ids in. */
export function nodesNaming(d: Diagram, ids: Iterable<string>): string[] {
  const wanted = new Set([...ids].map((i) => i.toLowerCase()));
  return d.nodes.filter((n) => n.refs.some((r) => wanted.has(r))).map((n) => n.id);
}
