// The reachability matrix: for every source and every PaaS resource, the verdict, the path and the deciding
// rule — computed over classes, not pair by pair.
//
// A flow's fate splits at the end of its network path. Up to there (DNS, NSGs, routes, appliances) it depends
// on the source and on the destination's DNS answer and *address class* (addressClasses.ts), not on which
// resource it is; after it, the service endpoint policies depend on the subnet's policy set and the resource,
// and the firewall on the resource and on who the request comes from. So the network path is traced once per
// source and destination class (`traceNetwork`); sources whose paths end alike — blocked by the same rule, or
// open with the same policies and the same kind of origin — form a group (classPaths.ts), and each resource
// is finished (`finishTrace`) once per open group, its first member standing for all. Sources the resource's
// own rules name (its VNet rules' subnets, addresses in its IP rules) are finished one by one. Every cell is
// what `trace` gives for the pair; the tests check so on random estates.
import {
  type DnsTarget,
  type DnsTargets,
  finishTrace,
  namesSeenBy,
  type NetworkPhase,
  targetOfName,
  traceNetwork,
} from "../../engine/index.js";
import type { Estate } from "../../model/estate.js";
import { addressClassesOf } from "./addressClasses.js";
import { ClassPaths } from "./classPaths.js";
import { type MatrixResource, type MatrixSource, matrixResources, matrixSources } from "./endpoints.js";
import { mentionsAny, mentionsOf } from "./mentions.js";
import { type CellOutcome, Outcomes } from "./outcome.js";

export { type CellOutcome, outcomeOf } from "./outcome.js";

export interface MatrixCell {
  source: MatrixSource;
  resource: MatrixResource;
  outcome: CellOutcome;
  /** The address the service sees the request come from, when it is reached. */
  sourceIpSeenByService?: string;
}

export interface MatrixOptions {
  /** The address standing for "anyone on the internet" (default: one no rule names). */
  internetIp?: string;
}

export interface MatrixCounts {
  allow: number;
  deny: number;
  cells: number;
  /** Destination classes, network paths traced, source groups finished, sources finished one by one. */
  classes: number;
  paths: number;
  groups: number;
  singles: number;
}

/** One set of linked zones (`namesSeenBy`): the sources that resolve through it, and its classes. */
interface View {
  names: DnsTargets;
  sources: number[];
  /** Class id of each resource's name as seen here (-1: the name does not resolve to anything). */
  classOf: Int32Array;
  /** The first resource of each class, as seen here. */
  reps: Map<number, number>;
  paths: Map<number, ClassPaths>;
}

/**
 * One resource's column: per view, each group's outcome id and how many of its members were finished one by
 * one; then those members' outcome ids.
 */
interface Column {
  byGroup: Int32Array[];
  singlesIn: Int32Array[];
  singles: Map<number, number>;
}

export class Matrix {
  private readonly outcomes = new Outcomes();
  private readonly views: View[];
  private readonly columns: Column[] = [];

  constructor(
    readonly estate: Estate,
    readonly sources: readonly MatrixSource[],
    readonly resources: readonly MatrixResource[],
  ) {
    const classes = addressClassesOf(estate);
    const classIds = new Map<string, number>();
    const byNames = new Map<DnsTargets, View>();
    sources.forEach((s, i) => {
      const names = namesSeenBy(estate, s.flow);
      let v = byNames.get(names);
      if (!v) {
        v = {
          names,
          sources: [],
          classOf: new Int32Array(resources.length),
          reps: new Map(),
          paths: new Map(),
        };
        byNames.set(names, v);
        for (let j = 0; j < resources.length; j++) {
          const r = resources[j]!;
          const t = names.get(r.host);
          let id = -1;
          if (t) {
            const key = classes.key(t, r.destination.port);
            id = classIds.get(key) ?? classIds.size;
            classIds.set(key, id);
            if (!v.reps.has(id)) v.reps.set(id, j);
          }
          v.classOf[j] = id;
        }
      }
      v.sources.push(i);
    });
    this.views = [...byNames.values()];
    const slotOf = new Int32Array(sources.length);
    for (const v of this.views) v.sources.forEach((i, slot) => (slotOf[i] = slot));
    for (const v of this.views) {
      for (const [c, rep] of v.reps) {
        const paths = new ClassPaths(estate, this.outcomes, slotOf, v.sources.length);
        for (const i of v.sources) {
          const flow = this.sources[i]!.flow;
          const own = flow.kind === "nic" || flow.kind === "subnet" ? flow.privateIp : undefined;
          paths.add(i, this.networkPath(i, rep), own);
        }
        paths.seal();
        v.paths.set(c, paths);
      }
    }
    for (let j = 0; j < resources.length; j++) this.columns.push(this.finishColumn(j));
  }

  private networkPath(i: number, j: number): NetworkPhase {
    const destination = this.resources[j]!.destination;
    return traceNetwork(this.estate, { source: this.sources[i]!.flow, destination, protocol: "Tcp" });
  }

  private finishColumn(j: number): Column {
    const r = this.resources[j]!;
    const mentions = mentionsOf(r.resource, this.estate);
    const named = mentionsAny(mentions);
    const byGroup: Int32Array[] = [];
    const singlesIn: Int32Array[] = [];
    const singles = new Map<number, number>();
    for (const v of this.views) {
      const c = v.classOf[j]!;
      const paths = c < 0 ? undefined : v.paths.get(c)!;
      const ids = new Int32Array(paths?.groups.length ?? 0).fill(-1);
      const counted = new Int32Array(ids.length);
      byGroup.push(ids);
      singlesIn.push(counted);
      if (!paths) continue;
      const t = v.names.get(r.host)!;
      // Sources the resource names get a look of their own (their paths traced again: only group heads are
      // kept); the first other member of a group stands for it.
      const own = named ? paths.named(mentions) : NONE;
      for (const i of own) {
        singles.set(i, this.finish(this.networkPath(i, v.reps.get(c)!), t, r));
        counted[paths.groupOf(i)]!++;
      }
      paths.groups.forEach((g, k) => {
        if (g.fixed !== undefined) ids[k] = g.fixed;
        else if (!own.has(g.members[0]!)) ids[k] = this.finish(g.phase, t, r);
        else {
          const rep = g.members.find((i) => !own.has(i));
          if (rep !== undefined) ids[k] = this.finish(this.networkPath(rep, v.reps.get(c)!), t, r);
        }
      });
    }
    return { byGroup, singlesIn, singles };
  }

  /** Finishes one network path towards one resource and files the outcome. */
  private finish(phase: NetworkPhase, t: DnsTarget, r: MatrixResource): number {
    const ip = t.answer.kind === "nxdomain" ? undefined : t.answer.ip;
    const target = ip && phase.target ? targetOfName(t, ip, r.host, r.destination.port) : undefined;
    return this.outcomes.intern(
      finishTrace(this.estate, { builder: phase.builder.fork(), target, end: phase.end }),
    );
  }

  /** One resource's groups, view by view: the class's paths and each group's outcome id. */
  private *groupsOf(j: number): IterableIterator<{ view: number; paths: ClassPaths; ids: Int32Array }> {
    for (let k = 0; k < this.views.length; k++) {
      const v = this.views[k]!;
      const c = v.classOf[j]!;
      if (c >= 0) yield { view: k, paths: v.paths.get(c)!, ids: this.columns[j]!.byGroup[k]! };
    }
  }

  /** Every cell of one resource's column. */
  *column(j: number): IterableIterator<MatrixCell> {
    const r = this.resources[j]!;
    const singles = this.columns[j]!.singles;
    for (const { paths, ids } of this.groupsOf(j)) {
      for (let g = 0; g < paths.groups.length; g++) {
        for (const i of paths.groups[g]!.members) {
          const seen = paths.seen(i);
          yield {
            source: this.sources[i]!,
            resource: r,
            outcome: this.outcomes.get(singles.get(i) ?? ids[g]!),
            ...(seen !== undefined ? { sourceIpSeenByService: seen } : {}),
          };
        }
      }
    }
  }

  *cells(): IterableIterator<MatrixCell> {
    for (let j = 0; j < this.resources.length; j++) yield* this.column(j);
  }

  /** Cells by verdict, counted group by group and single by single (no cell is visited). */
  counts(): MatrixCounts {
    let allow = 0;
    let deny = 0;
    let groups = 0;
    let singles = 0;
    const add = (id: number, n: number): void => {
      if (this.outcomes.get(id).verdict === "Allow") allow += n;
      else deny += n;
    };
    for (let j = 0; j < this.resources.length; j++) {
      const col = this.columns[j]!;
      singles += col.singles.size;
      for (const id of col.singles.values()) add(id, 1);
      for (const { view, paths, ids } of this.groupsOf(j)) {
        for (let g = 0; g < paths.groups.length; g++) {
          if (ids[g]! < 0) continue;
          if (paths.groups[g]!.fixed === undefined) groups++;
          add(ids[g]!, paths.groups[g]!.members.length - col.singlesIn[view]![g]!);
        }
      }
    }
    let classes = 0;
    let paths = 0;
    for (const v of this.views) {
      classes += v.reps.size;
      for (const p of v.paths.values()) paths += p.size;
    }
    return { allow, deny, cells: allow + deny, classes, paths, groups, singles };
  }
}

const NONE: ReadonlySet<number> = new Set();

export function computeMatrix(estate: Estate, options: MatrixOptions = {}): Matrix {
  return new Matrix(estate, matrixSources(estate, options.internetIp), matrixResources(estate));
}
