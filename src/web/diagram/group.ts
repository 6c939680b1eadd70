// Grouping and collapsing, for estates too large to read box by box: the top-level boxes go into one box per
// resource group or subscription (a service's resources split by where they live), and a collapsed group is
// one box standing for everything inside it — it keeps their refs and sources, so findings, the overlay and
// edges still land on it.
import { type Diagram, type DiagramEdge, type DiagramNode, indexNodes, type ViewOptions } from "./types.js";

const shortSub = (s: string): string => (s.length > 13 ? `${s.slice(0, 8)}…${s.slice(-4)}` : s);

function groupKeyOf(n: DiagramNode, view: ViewOptions): string | undefined {
  if (!n.subscription) return undefined;
  if (view.groupBy === "subscription") return n.subscription.toLowerCase();
  return n.resourceGroup ? `${n.subscription}/${n.resourceGroup}`.toLowerCase() : undefined;
}

function groupNode(n: DiagramNode, view: ViewOptions, key: string): DiagramNode {
  const bySub = view.groupBy === "subscription";
  return {
    id: `group:${key}`,
    kind: "group",
    label: bySub ? `subscription ${shortSub(n.subscription!)}` : n.resourceGroup!,
    lines: bySub ? [] : [`subscription ${shortSub(n.subscription!)}`],
    badges: [],
    refs: [],
    collapsible: true,
    subscription: n.subscription,
    ...(bySub ? {} : { resourceGroup: n.resourceGroup }),
  };
}

/** Puts the top-level boxes into groups; PaaS resources into a per-group copy of their service box. */
function grouped(d: Diagram, view: ViewOptions): DiagramNode[] {
  const byId = indexNodes(d);
  const groups = new Map<string, DiagramNode>();
  const services = new Map<string, DiagramNode>();
  const kept = new Set<string>();
  const enter = (n: DiagramNode): string | undefined => {
    const key = groupKeyOf(n, view);
    if (key === undefined) return undefined;
    if (!groups.has(key)) groups.set(key, groupNode(n, view, key));
    return `group:${key}`;
  };
  const body: DiagramNode[] = [];
  for (const n of d.nodes) {
    if (n.kind === "service") continue;
    const parent = n.parent ? byId.get(n.parent) : undefined;
    if (parent?.kind === "service") {
      const group = enter(n);
      if (!group) {
        kept.add(parent.id);
        body.push(n);
        continue;
      }
      const id = `${parent.id}@${group.slice("group:".length)}`;
      const copy = services.get(id) ?? { ...parent, id, parent: group, lines: [], refs: [] };
      services.set(id, copy);
      body.push({ ...n, parent: id });
    } else if (!n.parent) {
      const group = enter(n);
      body.push(group ? { ...n, parent: group } : n);
    } else body.push(n);
  }
  const count = new Map<string, number>();
  for (const n of body) if (n.parent) count.set(n.parent, (count.get(n.parent) ?? 0) + 1);
  for (const s of services.values()) s.lines = [`${count.get(s.id) ?? 0} resources`];
  const originals = d.nodes.filter((n) => n.kind === "service" && kept.has(n.id));
  const sortedGroups = [...groups.values()].sort((a, b) => a.label.localeCompare(b.label));
  return [...sortedGroups, ...originals, ...services.values(), ...body];
}

/** Replaces each collapsed group's contents with the group itself, and moves their edges onto it. */
function collapse(nodes: DiagramNode[], edges: DiagramEdge[], ids: ReadonlySet<string>): Diagram {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  /** The collapsed group a node disappears into, if any (the outermost one). */
  const holder = (n: DiagramNode): string | undefined => {
    let found: string | undefined;
    for (let p = n.parent; p; p = byId.get(p)?.parent) if (ids.has(p)) found = p;
    return found;
  };
  const into = new Map<string, string>();
  for (const n of nodes) {
    const h = holder(n);
    if (h) into.set(n.id, h);
  }
  const kept: DiagramNode[] = [];
  for (const n of nodes) {
    if (into.has(n.id)) continue;
    if (!ids.has(n.id)) {
      kept.push(n);
      continue;
    }
    const inside = nodes.filter((m) => into.get(m.id) === n.id);
    const resources = inside.filter((m) => m.kind !== "service" && m.kind !== "group");
    kept.push({
      ...n,
      hidden: resources.length,
      lines: [...n.lines, `${resources.length} resources (collapsed)`],
      refs: [...new Set(inside.flatMap((m) => m.refs))],
      sources: [...new Set(inside.flatMap((m) => m.sources ?? []))],
    });
  }
  const seen = new Set<string>();
  const moved: DiagramEdge[] = [];
  for (const e of edges) {
    const source = into.get(e.source) ?? e.source;
    const target = into.get(e.target) ?? e.target;
    if (source === target) continue;
    const key = `${e.kind}|${source}|${target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    moved.push(source === e.source && target === e.target ? e : { ...e, id: `${e.id}~`, source, target });
  }
  return { nodes: kept, edges: moved };
}

export function groupDiagram(d: Diagram, view: ViewOptions): Diagram {
  if (view.groupBy === "none") return d;
  const nodes = grouped(d, view);
  const collapsible = new Set(nodes.filter((n) => n.collapsible).map((n) => n.id));
  // "*" collapses every group (the toolbar's "Collapse all").
  const ids = view.collapsed.includes("*")
    ? collapsible
    : new Set(view.collapsed.filter((id) => collapsible.has(id)));
  return ids.size === 0 ? { nodes, edges: d.edges } : collapse(nodes, d.edges, ids);
}
