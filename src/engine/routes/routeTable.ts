// The compiled route table of one subnet: route states (Active/Invalid), the selection algorithm of §2.4
// on precomputed longest-prefix tables, and the effective-route view.
import {
  containsIp,
  formatIp,
  type IpAddress,
  type LpmEntry,
  LpmTable,
  type Prefix,
  PrefixSet,
  prefixRange,
} from "../../net/index.js";
import type { EffectiveRoute } from "../trace.js";
import { isPreferredSystem, Rank, type RouteGroup } from "./routeGroup.js";
import type { RouteDecision, RouteEntry, RouteTexts, SubnetRoutes } from "./types.js";

interface Slot {
  entry: RouteEntry;
  group: RouteGroup;
  rank: number;
  order: number;
  state: "Active" | "Invalid";
  /** Not a candidate at all: a PE /32 invalidated by a UDR. */
  excluded: boolean;
  /** A BGP route that a VnetLocal/VNetPeering/SE system route always overrides. */
  droppedBgp: boolean;
}

/** A piece's decision: undefined until first needed, null when no route holds the piece. */
type Decided = RouteDecision | null | undefined;

const bySlotRank = (a: Slot, b: Slot): number => a.rank - b.rank || a.order - b.order;

const TAG_LABELS: Record<number, string> = {
  [Rank.udrExplicit]: "explicit-prefix UDR",
  [Rank.udrRegionalTag]: "regional service-tag UDR",
  [Rank.udrTopLevelTag]: "top-level service-tag UDR",
  [Rank.udrAzureCloudRegional]: "AzureCloud regional-tag UDR",
  [Rank.udrAzureCloud]: "AzureCloud-tag UDR",
};

function systemLabel(s: Slot): string {
  switch (s.entry.nextHopType) {
    case "VnetLocal":
      return "system VNet route";
    case "VNetPeering":
      return "system peering route";
    case "VirtualNetworkServiceEndpoint":
      return "system SE route";
    default:
      return "system route";
  }
}

function label(s: Slot): string {
  if (s.entry.source === "User") return "UDR";
  if (s.entry.source === "VirtualNetworkGateway") return "BGP route";
  return systemLabel(s);
}

export class RouteTable implements SubnetRoutes {
  private readonly slots: Slot[] = [];
  private readonly slotOf = new Map<RouteEntry, Slot>();
  /**
   * Every slot, best-ranked first per prefix, for selection, ties and explanations. Candidates are the slots
   * not excluded; where the special rule applies, BGP routes are not candidates either.
   */
  private readonly everything = new LpmTable<Slot>();
  /** Where the special rule applies: active VnetLocal, VNetPeering and SE system routes. */
  private readonly preferred: PrefixSet;
  /**
   * The decision for every destination whose longest match in `everything` is a given entry. The prefixes
   * holding an address are nested, so that entry fixes all of them, hence whether the special rule applies,
   * the winner and its explanation: one decision per entry serves every address under it.
   */
  private readonly decided = new Map<LpmEntry<Slot>, RouteDecision | null>();
  /**
   * IPv4 space cut where any prefix starts or ends: inside one piece every address has the same longest
   * match, so a binary search finds its decision (built on first use).
   */
  private pieces?: { starts: Uint32Array; longest: (LpmEntry<Slot> | undefined)[]; decisions: Decided[] };

  constructor(
    readonly subnetId: string,
    private readonly groups: readonly RouteGroup[],
  ) {
    for (const group of groups) {
      for (const entry of group.entries) {
        const slot: Slot = {
          entry,
          group,
          rank: group.rank,
          order: this.slots.length,
          state: "Active",
          excluded: false,
          droppedBgp: false,
        };
        this.slots.push(slot);
        this.slotOf.set(entry, slot);
        this.everything.insert(entry.prefix, slot);
      }
    }
    for (const e of this.everything.entries()) e.values.sort(bySlotRank);
    this.invalidatePrivateEndpointRoutes();

    // A preferred system route is a candidate unless a UDR with the same prefix overrides it [S3].
    const preferred: Prefix[] = [];
    for (const e of this.everything.entries()) {
      const first = e.values.find((s) => !s.excluded);
      for (const s of e.values) {
        if (
          isPreferredSystem(s.entry.source, s.entry.nextHopType) &&
          first &&
          first.rank >= Rank.preferredSystem
        ) {
          preferred.push(s.entry.prefix);
        }
      }
    }
    this.preferred = PrefixSet.of(preferred);

    for (const s of this.slots) {
      // [S3][S7] dst inside a VNet, peering or SE system route drops BGP: a BGP route wholly inside one
      // can never be chosen, so it is listed as Invalid [INF].
      if (s.entry.source === "VirtualNetworkGateway" && this.preferred.containsPrefix(s.entry.prefix)) {
        s.droppedBgp = true;
        s.state = "Invalid";
      }
    }
    // [S3] Equal prefixes: the best-ranked candidate is Active, the others are listed as Invalid.
    for (const e of this.everything.entries()) {
      let winner: Slot | undefined;
      for (const s of e.values) {
        if (s.excluded || s.droppedBgp) continue;
        if (!winner) winner = s;
        else s.state = "Invalid";
      }
    }
  }

  /**
   * The best candidate of the longest prefix holding `ip` that has one. With the special rule (`ip` inside a
   * preferred system route) BGP routes are no candidates.
   */
  private winnerFor(ip: IpAddress, special: boolean): Slot | undefined {
    for (const e of this.everything.lookupAll(ip)) {
      for (const s of e.values) {
        if (s.excluded || (special && s.entry.source === "VirtualNetworkGateway")) continue;
        return s;
      }
    }
    return undefined;
  }

  /**
   * [S22] A UDR in this subnet's table invalidates a private endpoint /32 only when its prefix length is at
   * least the length of the PE VNet's address range holding the PE, and the PE subnet has route-table
   * network policies enabled; 0.0.0.0/0 therefore never does.
   */
  private invalidatePrivateEndpointRoutes(): void {
    for (const s of this.slots) {
      const rule = s.group.privateEndpoint;
      if (!rule?.routeTablePoliciesEnabled) continue;
      const ip = ipOfPrefix(s.entry.prefix);
      const range = rule.vnetSpace.find((r) => containsIp(r, ip));
      if (!range) continue;
      const overriding = this.everything
        .lookupAll(ip)
        .some((e) =>
          e.values.some((u) => u.entry.source === "User" && u.entry.prefix.length >= range.length),
        );
      if (overriding) {
        s.excluded = true;
        s.state = "Invalid";
      }
    }
  }

  select(ip: IpAddress): RouteDecision | undefined {
    if (ip.family === 4) {
      this.pieces ??= this.cut();
      const { starts, longest, decisions } = this.pieces;
      let lo = 0;
      let hi = starts.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (starts[mid]! <= ip.value) lo = mid + 1;
        else hi = mid - 1;
      }
      let d = decisions[hi];
      if (d === undefined) {
        d = this.decide(ip, longest[hi]);
        decisions[hi] = d;
      }
      return d ?? undefined;
    }
    return this.decide(ip, this.everything.lookup(ip)) ?? undefined;
  }

  private cut(): { starts: Uint32Array; longest: (LpmEntry<Slot> | undefined)[]; decisions: Decided[] } {
    const cuts = new Set<number>([0]);
    for (const e of this.everything.entries()) {
      if (e.prefix.family !== 4) continue;
      const { first, last } = prefixRange(e.prefix);
      cuts.add(first.value as number);
      if ((last.value as number) < 0xffffffff) cuts.add((last.value as number) + 1);
    }
    const starts = Uint32Array.from([...cuts].sort((a, b) => a - b));
    const longest = Array.from(starts, (value) => this.everything.lookup({ family: 4, value }));
    return { starts, longest, decisions: new Array<Decided>(starts.length).fill(undefined) };
  }

  /** The decision for `ip`, whose longest match in `everything` is `longest`. */
  private decide(ip: IpAddress, longest: LpmEntry<Slot> | undefined): RouteDecision | null {
    if (!longest) return null; // no route at all contains the address
    let d = this.decided.get(longest);
    if (d === undefined) {
      const winner = this.winnerFor(ip, this.preferred.has(ip));
      if (winner) {
        const why = this.explain(ip, winner);
        d = { route: winner.entry, why, texts: routeTexts(winner.entry, why) };
      } else d = null;
      this.decided.set(longest, d);
    }
    return d;
  }

  /** The one-sentence reason `winner` was chosen for `ip`. */
  explain(ip: IpAddress, winner: Slot): string {
    const matches = this.everything.lookupAll(ip);
    const length = winner.entry.prefix.length;
    let candidates = 0;
    let dropped: Slot | undefined;
    let invalidatedPe: Slot | undefined;
    const special = this.preferred.has(ip);
    for (const m of matches) {
      for (const s of m.values) {
        if (s.state === "Active" || s.droppedBgp) candidates++;
        if (
          special &&
          !dropped &&
          s.entry.source === "VirtualNetworkGateway" &&
          s.entry.prefix.length > length
        ) {
          dropped = s;
        }
        if (s.excluded) invalidatedPe = s;
      }
    }
    if (dropped) {
      const system = matches
        .flatMap((m) => m.values)
        .find((s) => isPreferredSystem(s.entry.source, s.entry.nextHopType));
      const what = system ? systemLabel(system) : "system route";
      return winner === system
        ? `${what} preferred over more specific BGP route ${dropped.entry.addressPrefix}`
        : `BGP route ${dropped.entry.addressPrefix} dropped because a ${what} contains the destination; ${label(winner)} ${winner.entry.addressPrefix} is the longest remaining prefix`;
    }
    if (invalidatedPe && winner.entry.source === "User") {
      return `UDR ${winner.entry.addressPrefix} invalidates the private endpoint route ${invalidatedPe.entry.addressPrefix} (prefix at least as long as the PE VNet's range, route-table network policies enabled on the PE subnet)`;
    }
    const same = matches.find((m) => m.prefix.length === length)?.values ?? [];
    const loser = same.find((s) => s !== winner && !s.excluded && !s.droppedBgp);
    if (loser) {
      const bothUdr = winner.entry.source === "User" && loser.entry.source === "User";
      return `${tieLabel(winner, bothUdr)} beats ${tieLabel(loser, bothUdr)} on equal prefix`;
    }
    return candidates <= 1
      ? `the only route containing the destination (${winner.entry.addressPrefix})`
      : `longest prefix /${length} among ${candidates} candidates`;
  }

  effective(): EffectiveRoute[] {
    const out: EffectiveRoute[] = [];
    for (const g of this.groups) {
      for (const state of ["Active", "Invalid"] as const) {
        const entries = g.entries.filter((e) => this.slotOf.get(e)!.state === state);
        if (entries.length === 0) continue;
        out.push({
          ...(g.name !== undefined ? { name: g.name } : {}),
          source: g.source,
          state,
          addressPrefix: entries.map((e) => e.addressPrefix),
          nextHopType: g.nextHopType,
          nextHopIpAddress: g.nextHopIpAddress ? [formatIp(g.nextHopIpAddress)] : [],
          ...(g.origin !== undefined ? { origin: g.origin } : {}),
        });
      }
    }
    return out;
  }

  routes(): readonly RouteEntry[] {
    return this.slots.map((s) => s.entry);
  }

  stateOf(route: RouteEntry): "Active" | "Invalid" {
    return this.slotOf.get(route)?.state ?? "Invalid";
  }
}

/** What a trace shows for a decision: built once per decision, as decisions are cached. */
export function routeTexts(r: RouteEntry, why: string): RouteTexts {
  const nextHopIp = r.nextHopIpAddress ? formatIp(r.nextHopIpAddress) : undefined;
  return {
    nextHopIp,
    summary: `${r.addressPrefix} → ${r.nextHopType}${nextHopIp ? ` ${nextHopIp}` : ""} (${r.source}${r.name ? ` route ${r.name}` : ""}): ${why}`,
    rule: r.name ?? `${r.source} ${r.addressPrefix} → ${r.nextHopType}`,
    passReason: `route ${r.addressPrefix} → ${r.nextHopType}`,
    blockReason: `the route ${r.addressPrefix} has next hop None: the traffic is dropped`,
  };
}

/** Two UDRs tie on the kind of prefix they were written with (explicit, regional tag, ...). */
function tieLabel(s: Slot, bothUdr: boolean): string {
  return bothUdr ? (TAG_LABELS[s.rank] ?? "UDR") : label(s);
}

function ipOfPrefix(p: Prefix): IpAddress {
  return p.family === 4 ? { family: 4, value: p.network } : { family: 6, value: p.network };
}
