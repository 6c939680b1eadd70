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
import type { RouteEntry, SubnetRoutes } from "./types.js";
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

/**
 * Every route entry of a subnet, active or not, in display order: `subnetRoutes(...).routes()` without
 * building the selection tables (the VirtualNetwork tag of a subnet that flows only arrive in needs no more).
 */
export function subnetRouteEntries(estate: Estate, subnetId: string): readonly RouteEntry[] {
  const built = cache.get(estate)?.get(subnetId);
  if (built) return built.routes();
  return buildGroups(estate, subnetId).flatMap((g) => g.entries);
}

/** Route groups that depend on the VNet (and its route table's propagation setting) only: shared by its subnets. */
interface VnetGroups {
  defaults: Map<boolean, RouteGroup[]>;
  peering: RouteGroup[];
  privateEndpoints: RouteGroup[];
  gateway?: RouteGroup[];
}

interface SharedGroups {
  vnets: WeakMap<ArmResource, VnetGroups>;
  udrs: WeakMap<ArmResource, RouteGroup[]>;
}

const shared = new WeakMap<Estate, SharedGroups>();

function sharedGroups(estate: Estate): SharedGroups {
  let s = shared.get(estate);
  if (!s) {
    s = { vnets: new WeakMap(), udrs: new WeakMap() };
    shared.set(estate, s);
  }
  return s;
}

function buildGroups(estate: Estate, subnetId: string): RouteGroup[] {
  const subnet = estate.get<SubnetProperties>(subnetId);
  const vnet = estate.get<VirtualNetworkProperties>(parentId(subnetId));
  if (!subnet || !vnet) return [];
  const index = routeIndexOf(estate);
  const table = estate.get<RouteTableProperties>(subnet.properties?.routeTable?.id) as
    ArmResource<RouteTableProperties> | undefined;
  // Route groups are immutable once built, so subnets of one VNet (or one route table) share them.
  const s = sharedGroups(estate);
  let udrs: RouteGroup[] = [];
  if (table) {
    udrs = s.udrs.get(table) ?? userRoutes(estate, table);
    s.udrs.set(table, udrs);
  }
  const udrDefaultRoute = udrs.some((g) => g.serviceTag === undefined && g.entries[0]?.prefix.length === 0);
  let v = s.vnets.get(vnet);
  if (!v) {
    const links = index.connectedPeerings(vnet.id);
    v = {
      defaults: new Map(),
      peering: peeringRoutes(links),
      privateEndpoints: privateEndpointRoutes(estate, index, vnet, links),
    };
    s.vnets.set(vnet, v);
  }
  let defaults = v.defaults.get(udrDefaultRoute);
  if (!defaults) {
    defaults = defaultRoutes(index.addressSpace(vnet), udrDefaultRoute);
    v.defaults.set(udrDefaultRoute, defaults);
  }
  // [S3] disableBgpRoutePropagation drops every gateway route, static and BGP alike.
  const propagate = !table?.properties?.disableBgpRoutePropagation;
  if (propagate) v.gateway ??= gatewayRoutes(estate, index, vnet, index.connectedPeerings(vnet.id));
  return [
    ...defaults,
    ...v.peering,
    ...v.privateEndpoints,
    ...serviceEndpointRoutes(estate, subnet, vnet),
    ...(propagate ? v.gateway! : []),
    ...udrs,
  ];
}
