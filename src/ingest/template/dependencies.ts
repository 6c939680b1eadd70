// dependsOn (resource-dependency): an entry names a resource by id, by `type/name`, by name, by the name of a
// copy loop (every instance), or, in languageVersion 2.0, by symbolic name. Entries naming a resource whose
// condition is false are dropped, as ARM drops them; an entry naming nothing is an error. The order is a
// topological order that keeps template order where dependencies allow; a cycle fails naming its resources.
import { idKey, parentId } from "../../model/resourceId.js";
import { templateError } from "./errors.js";
import type { ResourceInstance } from "./resources.js";

/** Whether a dependsOn entry (or, without loops, a reference() target) names an instance. */
export function refersTo(entry: string, r: ResourceInstance, loops = true): boolean {
  const e = entry.toLowerCase();
  if (r.symbol?.toLowerCase() === e || (loops && r.loopName?.toLowerCase() === e)) return true;
  if (e.startsWith("/")) return idKey(entry) === idKey(r.id);
  return r.name.toLowerCase() === e || `${r.type}/${r.name}`.toLowerCase() === e;
}

/** The instances each deployed instance waits for. */
function dependenciesOf(all: readonly ResourceInstance[]): Map<ResourceInstance, Set<ResourceInstance>> {
  const byId = new Map(all.filter((r) => r.deploy && !r.existing).map((r) => [idKey(r.id), r]));
  const deps = new Map<ResourceInstance, Set<ResourceInstance>>();
  for (const r of all) {
    if (!r.deploy || r.existing) continue;
    const set = new Set<ResourceInstance>();
    for (const d of r.dependsOn) {
      const found = all.filter((x) => refersTo(d.entry, x));
      if (found.length === 0) {
        throw templateError(d.path, `The resource '${d.entry}' is not defined in the template.`);
      }
      for (const x of found) if (x !== r && x.deploy && !x.existing) set.add(x);
    }
    // A nested child depends on its parent; so does a top-level child whose parent the template deploys (ARM
    // would otherwise race the two PUTs; the parent must exist first).
    const parent = r.parent ?? byId.get(idKey(parentId(r.id) ?? ""));
    if (parent && parent !== r && parent.deploy && !parent.existing) set.add(parent);
    deps.set(r, set);
  }
  return deps;
}

function label(r: ResourceInstance): string {
  return `'${r.name}' (${r.path})`;
}

function cycleFrom(
  start: ResourceInstance,
  deps: Map<ResourceInstance, Set<ResourceInstance>>,
): ResourceInstance[] {
  const stack: ResourceInstance[] = [];
  const seen = new Set<ResourceInstance>();
  const visit = (r: ResourceInstance): ResourceInstance[] | undefined => {
    const at = stack.indexOf(r);
    if (at >= 0) return [...stack.slice(at), r];
    if (seen.has(r)) return undefined;
    seen.add(r);
    stack.push(r);
    for (const d of deps.get(r) ?? []) {
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    return undefined;
  };
  return visit(start) ?? [start];
}

export interface DependencyGraph {
  /** The deployed instances in an order where every dependency comes first. */
  order: ResourceInstance[];
  /** What each deployed instance waits for. */
  deps: Map<ResourceInstance, Set<ResourceInstance>>;
}

export function dependencyGraph(all: readonly ResourceInstance[]): DependencyGraph {
  const deps = dependenciesOf(all);
  const order: ResourceInstance[] = [];
  const placed = new Set<ResourceInstance>();
  const pending = all.filter((r) => deps.has(r));
  while (pending.length > 0) {
    const i = pending.findIndex((r) => [...deps.get(r)!].every((d) => placed.has(d)));
    if (i < 0) {
      const cycle = cycleFrom(pending[0]!, deps);
      throw templateError(
        cycle[0]!.path,
        `Circular dependency detected on resources: ${cycle.map(label).join(" → ")}.`,
      );
    }
    const [r] = pending.splice(i, 1);
    order.push(r!);
    placed.add(r!);
  }
  return { order, deps };
}
