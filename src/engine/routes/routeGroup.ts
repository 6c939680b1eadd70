// A route as Azure lists it (one line of the effective route table), holding one entry per prefix, and the
// rank that settles ties between routes with the same prefix.
import { formatPrefix, type IpAddress, type Prefix } from "../../net/index.js";
import type { NextHopType, RouteEntry, RouteSource } from "./types.js";

/**
 * Lower wins among routes with an identical prefix. [S3] UDR > BGP > System; among UDRs an explicit prefix
 * beats a service tag, then regional tag > top-level tag > AzureCloud.<region> > AzureCloud. A VnetLocal,
 * VNetPeering or SE system route ranks above BGP: the special rule drops BGP whenever the destination
 * matches one of them [S3][S7], so it wins the tie too.
 */
export const Rank = {
  udrExplicit: 0,
  udrRegionalTag: 1,
  udrTopLevelTag: 2,
  udrAzureCloudRegional: 3,
  udrAzureCloud: 4,
  preferredSystem: 5,
  bgp: 10,
  system: 20,
} as const;

/** What lets a UDR invalidate a private endpoint /32 route (§2.4, [S22]). */
export interface PrivateEndpointRule {
  /** The address-space ranges of the PE's VNet. */
  vnetSpace: readonly Prefix[];
  /** privateEndpointNetworkPolicies is Enabled or RouteTableEnabled on the PE's subnet. */
  routeTablePoliciesEnabled: boolean;
}

export interface RouteGroup {
  source: RouteSource;
  nextHopType: NextHopType;
  nextHopIpAddress?: IpAddress;
  name?: string;
  routeTableId?: string;
  serviceTag?: string;
  origin?: string;
  rank: number;
  entries: RouteEntry[];
  privateEndpoint?: PrivateEndpointRule;
}

export type GroupFields = Omit<RouteGroup, "entries" | "rank">;

/** The preferred system routes of the special rule: VnetLocal, VNetPeering and SE system routes [S3]. */
export function isPreferredSystem(source: RouteSource, nextHopType: NextHopType): boolean {
  return (
    source === "Default" &&
    (nextHopType === "VnetLocal" ||
      nextHopType === "VNetPeering" ||
      nextHopType === "VirtualNetworkServiceEndpoint")
  );
}

function defaultRank(source: RouteSource, nextHopType: NextHopType): number {
  if (source === "User") return Rank.udrExplicit;
  if (source === "VirtualNetworkGateway") return Rank.bgp;
  return isPreferredSystem(source, nextHopType) ? Rank.preferredSystem : Rank.system;
}

export function makeGroup(fields: GroupFields, prefixes: readonly Prefix[], rank?: number): RouteGroup {
  const entries: RouteEntry[] = [];
  const seen = new Set<string>();
  for (const prefix of prefixes) {
    const addressPrefix = formatPrefix(prefix);
    if (seen.has(addressPrefix)) continue;
    seen.add(addressPrefix);
    const e: RouteEntry = { prefix, addressPrefix, nextHopType: fields.nextHopType, source: fields.source };
    if (fields.nextHopIpAddress) e.nextHopIpAddress = fields.nextHopIpAddress;
    if (fields.name !== undefined) e.name = fields.name;
    if (fields.routeTableId !== undefined) e.routeTableId = fields.routeTableId;
    if (fields.serviceTag !== undefined) e.serviceTag = fields.serviceTag;
    if (fields.origin !== undefined) e.origin = fields.origin;
    entries.push(e);
  }
  return { ...fields, rank: rank ?? defaultRank(fields.source, fields.nextHopType), entries };
}
