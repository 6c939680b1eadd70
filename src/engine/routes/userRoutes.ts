// User-defined routes of the subnet's route table (§2.3), with service-tag prefixes expanded.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import type { RouteProperties, RouteTableProperties } from "../../model/resources/network.js";
import type { ServiceTag } from "../../model/serviceTags.js";
import { parseIp, parsePrefix } from "../../net/index.js";
import { makeGroup, Rank, type RouteGroup } from "./routeGroup.js";
import type { NextHopType } from "./types.js";

/** [S3] Next hops a UDR may use: not VNetPeering nor VirtualNetworkServiceEndpoint. */
const UDR_NEXT_HOPS: ReadonlyMap<string, NextHopType> = new Map(
  (["VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None"] as const).map((h) => [
    h.toLowerCase(),
    h,
  ]),
);

/** [S6] Tags that UDRs do not accept. */
const UNSUPPORTED_UDR_TAGS = new Set([
  "azureplatformdns",
  "azureplatformimds",
  "azureplatformlkm",
  "virtualnetwork",
  "azureloadbalancer",
  "internet",
]);

/** [S3] Among tag routes with the same prefix: regional > top-level > AzureCloud.<region> > AzureCloud. */
export function tagRank(tag: ServiceTag): number {
  const cloud = tag.base.toLowerCase() === "azurecloud";
  const regional = tag.region !== undefined;
  if (cloud) return regional ? Rank.udrAzureCloudRegional : Rank.udrAzureCloud;
  return regional ? Rank.udrRegionalTag : Rank.udrTopLevelTag;
}

/** The UDRs of a route table; routes ARM would refuse (bad prefix, hop or appliance IP) are left out. */
export function userRoutes(estate: Estate, table: ArmResource<RouteTableProperties>): RouteGroup[] {
  const groups: RouteGroup[] = [];
  for (const route of (table.properties?.routes ?? []) as ArmResource<RouteProperties>[]) {
    const p = route.properties;
    const hop = p?.nextHopType ? UDR_NEXT_HOPS.get(p.nextHopType.toLowerCase()) : undefined;
    if (!p || !hop || typeof p.addressPrefix !== "string") continue;
    const nextHopIpAddress = hop === "VirtualAppliance" ? parseIp(p.nextHopIpAddress ?? "") : undefined;
    if (hop === "VirtualAppliance" && !nextHopIpAddress) continue;
    const fields = {
      source: "User" as const,
      nextHopType: hop,
      ...(nextHopIpAddress ? { nextHopIpAddress } : {}),
      name: route.name,
      routeTableId: table.id,
      origin: route.id,
    };
    const prefix = parsePrefix(p.addressPrefix);
    if (prefix) {
      groups.push(makeGroup(fields, [prefix], Rank.udrExplicit));
      continue;
    }
    if (UNSUPPORTED_UDR_TAGS.has(p.addressPrefix.toLowerCase())) continue;
    const tag = estate.serviceTags.get(p.addressPrefix);
    if (tag) groups.push(makeGroup({ ...fields, serviceTag: tag.name }, tag.prefixes, tagRank(tag)));
  }
  return groups;
}
