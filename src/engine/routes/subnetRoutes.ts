// Effective routes of a subnet, built once per (estate, subnet): every NIC in a subnet shares them [S3].
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { idKey, parentId } from "../../model/resourceId.js";
import type {
  RouteTableProperties,
  SubnetProperties,
  VirtualNetworkProperties,
} from "../../model/resources/network.js";
import { routeIndexOf } from "./estateIndex.js";
import type { RouteGroup } from "./routeGroup.js";
import { RouteTable } from "./routeTable.js";
import {
  defaultRoutes,
  gatewayRoutes,
  peeringRoutes,
  privateEndpointRoutes,
  serviceEndpointRoutes,
} from "./systemRoutes.js";
import type { SubnetRoutes } from "./types.js";
import { userRoutes } from "./userRoutes.js";

const cache = new WeakMap<Estate, Map<string, SubnetRoutes>>();

/**
 * The effective routes of a subnet (cached per estate). A subnet missing from the estate gets an empty
 * table: `select` finds no route.
 */
export function subnetRoutes(estate: Estate, subnetId: string): SubnetRoutes {
  let bySubnet = cache.get(estate);
  if (!bySubnet) {
    bySubnet = new Map();
    cache.set(estate, bySubnet);
  }
  // Callers pass the same id strings again and again: look up the raw string before lower-casing it.
  let routes = bySubnet.get(subnetId);
  if (!routes) {
    const key = idKey(subnetId);
    routes = bySubnet.get(key) ?? new RouteTable(subnetId, buildGroups(estate, subnetId));
    bySubnet.set(key, routes);
    bySubnet.set(subnetId, routes);
  }
  return routes;
}

function buildGroups(estate: Estate, subnetId: string): RouteGroup[] {
  const subnet = estate.get<SubnetProperties>(subnetId);
  const vnet = estate.get<VirtualNetworkProperties>(parentId(subnetId));
  if (!subnet || !vnet) return [];
  const index = routeIndexOf(estate);
  const table = estate.get<RouteTableProperties>(subnet.properties?.routeTable?.id) as
    ArmResource<RouteTableProperties> | undefined;
  const udrs = table ? userRoutes(estate, table) : [];
  const udrDefaultRoute = udrs.some((g) => g.serviceTag === undefined && g.entries[0]?.prefix.length === 0);
  const links = index.connectedPeerings(vnet.id);
  return [
    ...defaultRoutes(index.addressSpace(vnet), udrDefaultRoute),
    ...peeringRoutes(links),
    ...privateEndpointRoutes(estate, index, vnet, links),
    ...serviceEndpointRoutes(estate, subnet, vnet),
    // [S3] disableBgpRoutePropagation drops every gateway route, static and BGP alike.
    ...(table?.properties?.disableBgpRoutePropagation ? [] : gatewayRoutes(estate, index, vnet, links)),
    ...udrs,
  ];
}
