// Every source's network path to one destination class, grouped: sources whose paths end alike form a
// group that one of them stands for, and an index finds the sources a resource's own rules could name.
import type { NetworkPhase } from "../../engine/index.js";
import type { Estate } from "../../model/estate.js";
import { idKey } from "../../model/resourceId.js";
import { containsIp, type IpAddress } from "../../net/index.js";
import type { Mentions } from "./mentions.js";
import { decisionKey, type Outcomes } from "./outcome.js";

export interface Group {
  members: number[];
  /** The first member's path, which finishes for the whole group. */
  phase: NetworkPhase;
  /** The outcome, when the path alone decides it (a blocker on the way): the same for every resource. */
  fixed?: number;
}

export class ClassPaths {
  readonly groups: Group[] = [];
  /** Each member's group, and the address the service would see (undefined: not reached), by slot. */
  private readonly groupAt: Int32Array;
  private readonly seenAt: (string | undefined)[];
  private readonly keys = new Map<string, number>();
  private readonly idKeys = new Map<string, string>();
  private readonly bySubnet = new Map<string, number[]>();
  private v4: [number, number][] = [];
  private v4Values = new Float64Array(0);
  private v4Sources = new Int32Array(0);
  private readonly v6: [IpAddress, number][] = [];

  /**
   * `slotOf` numbers the sources this class's paths start from 0..size-1 (a view's sources), so that what is
   * kept per source is an array entry, not a map entry: there are millions of them at scale.
   */
  constructor(
    private readonly estate: Estate,
    private readonly outcomes: Outcomes,
    private readonly slotOf: Int32Array,
    readonly size: number,
  ) {
    this.groupAt = new Int32Array(size);
    this.seenAt = new Array<string | undefined>(size);
  }

  /** `idKey`, remembered per id string (the same few ids come back for every path). */
  private keyOf(id: string): string {
    let k = this.idKeys.get(id);
    if (k === undefined) {
      k = idKey(id);
      this.idKeys.set(id, k);
    }
    return k;
  }

  groupOf(i: number): number {
    return this.groupAt[this.slotOf[i]!]!;
  }

  seen(i: number): string | undefined {
    return this.seenAt[this.slotOf[i]!];
  }

  /** Files source `i`'s path (traced with `privateIp` as its own address, when it has one). */
  add(i: number, phase: NetworkPhase, privateIp: IpAddress | undefined): void {
    const end = phase.end;
    const origin = end.reached ? end.origin : undefined;
    const slot = this.slotOf[i]!;
    if (end.reached) this.seenAt[slot] = end.sourceIpSeenByService;
    const key = this.groupKey(phase);
    let g = this.keys.get(key);
    if (g === undefined) {
      g = this.groups.length;
      this.keys.set(key, g);
      const fixed = key.startsWith("R|") ? undefined : this.outcomes.intern(phase.builder.fork().build());
      this.groups.push(fixed === undefined ? { members: [i], phase } : { members: [i], phase, fixed });
    } else this.groups[g]!.members.push(i);
    this.groupAt[slot] = g;
    // Who a resource's rules could name: by the subnet a service endpoint request comes from, and by address.
    if (this.groups[g]!.fixed !== undefined) return;
    if (origin?.kind === "serviceEndpoint") {
      const s = this.keyOf(origin.subnetId);
      const list = this.bySubnet.get(s);
      if (list) list.push(i);
      else this.bySubnet.set(s, [i]);
    }
    const ips = [
      privateIp,
      origin?.kind === "public" ? origin.ip : undefined,
      origin?.kind === "serviceEndpoint" ? origin.privateIp : undefined,
      origin?.kind === "privateEndpoint" ? origin.sourceIp : undefined,
    ];
    for (const ip of ips) {
      if (!ip) continue;
      if (ip.family === 4) this.v4.push([ip.value, i]);
      else this.v6.push([ip, i]);
    }
  }

  /** Ends filing: sorts the address index. */
  seal(): void {
    this.v4.sort((a, b) => a[0] - b[0]);
    this.v4Values = Float64Array.from(this.v4, (x) => x[0]);
    this.v4Sources = Int32Array.from(this.v4, (x) => x[1]);
    this.v4 = [];
  }

  /** The members on open paths that a resource's rules name. */
  named(m: Mentions): Set<number> {
    const out = new Set<number>();
    for (const s of m.subnets) for (const i of this.bySubnet.get(s) ?? []) out.add(i);
    const values = this.v4Values;
    for (const [a, b] of m.v4) {
      let lo = 0;
      let hi = values.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (values[mid]! < a) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < values.length && values[k]! <= b; k++) out.add(this.v4Sources[k]!);
    }
    for (const [ip, i] of this.v6) if (m.v6.some((x) => containsIp(x, ip))) out.add(i);
    return out;
  }

  /**
   * What the rest of a trace depends on besides the resource. A path with a blocker is decided by its first
   * blocker whatever follows; otherwise the firewall (when it runs) or the policy decide, so the path's own
   * allowing rule matters only when neither runs. Then: the path taken, the policies, and the kind of origin.
   */
  private groupKey(phase: NetworkPhase): string {
    const b = phase.builder;
    let paths = "";
    for (const st of b.stages) if (st.stage === "path") paths += `${st.path},`;
    if (b.blockers.length > 0) return `B|${decisionKey(b.blockers[0]!)}|${paths}`;
    const end = phase.end;
    if (!end.reached) return `U|${decisionKey(b.decidedBy)}|${paths}`;
    const o = end.origin;
    let origin = "-";
    if (o?.kind === "serviceEndpoint") {
      origin = `se|${o.region}|${this.estate.tenantOf(o.vnetId)}|${o.vnetId.split("/")[2]?.toLowerCase()}`;
    } else if (o?.kind === "public") {
      origin = `pub|${o.azureRegion ?? ""}|${o.fromOnPremises ? 1 : 0}|${o.ip ? o.ip.family : "-"}`;
    } else if (o?.kind === "privateEndpoint") origin = `pe|${o.privateEndpointId}`;
    const policies = (end.policySubnet?.properties?.serviceEndpointPolicies ?? []).map((p) =>
      this.keyOf(p.id),
    );
    const seen = end.sourceIpSeenByService === undefined ? "-" : "seen";
    const allow = o ? "" : decisionKey(b.decidedBy);
    return `R|${allow}|${paths}|${origin}|${seen}|${policies.join(",")}`;
  }
}
