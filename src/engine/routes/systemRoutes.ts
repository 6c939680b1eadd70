// System routes of a subnet (§2.1, §2.2): VNet ranges, the Internet default, the reserved None prefixes,
// peering, gateway, service endpoint and private endpoint routes.

import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { idKey, parentId, sameId } from "../../model/resourceId.js";
import type { SubnetProperties, VirtualNetworkGatewayProperties } from "../../model/resources/network.js";
import { defaultEndpointLocations, endpointRouteTags, endpointService } from "../../model/serviceCatalog.js";
import { containsPrefix, type Prefix, parsePrefix, prefixEquals, prefixOf } from "../../net/index.js";
import {
  type Gateway,
  localNetworkPrefixes,
  type PeerLink,
  prefixesOf,
  type RouteIndex,
  type Vnet,
} from "./estateIndex.js";
import { makeGroup, type RouteGroup } from "./routeGroup.js";

const RESERVED: readonly Prefix[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map(
  (t) => parsePrefix(t)!,
);
const ANY_V4 = parsePrefix("0.0.0.0/0")!;
const ANY_V6 = parsePrefix("::/0")!;

/**
 * [S3] One VnetLocal route per address-space range, 0.0.0.0/0 → Internet, and None for the reserved
 * prefixes. A reserved prefix equal to a range is that range's VnetLocal route; a range that contains one
 * (but differs) removes it. `udrDefaultRoute`: [S3] a UDR for 0.0.0.0/0 removes the reserved None routes
 * from the subnet (the doc's routing example), so forced-tunnelled private traffic reaches the appliance.
 */
export function defaultRoutes(space: readonly Prefix[], udrDefaultRoute: boolean): RouteGroup[] {
  const groups = space.map((p) => makeGroup({ source: "Default", nextHopType: "VnetLocal" }, [p]));
  groups.push(makeGroup({ source: "Default", nextHopType: "Internet" }, [ANY_V4]));
  // [INF] a dual-stack VNet also gets ::/0 → Internet.
  if (space.some((p) => p.family === 6)) {
    groups.push(makeGroup({ source: "Default", nextHopType: "Internet" }, [ANY_V6]));
  }
  if (udrDefaultRoute) return groups;
  for (const r of RESERVED) {
    if (space.some((a) => prefixEquals(a, r) || containsPrefix(a, r))) continue;
    groups.push(makeGroup({ source: "Default", nextHopType: "None" }, [r]));
  }
  return groups;
}

/** [S3] One VNetPeering route per address range of each connected peered VNet, on every subnet. */
export function peeringRoutes(links: readonly PeerLink[]): RouteGroup[] {
  return links.flatMap((l) =>
    l.prefixes.map((p) =>
      makeGroup({ source: "Default", nextHopType: "VNetPeering", origin: l.peering.id }, [p]),
    ),
  );
}

/**
 * [S22b][OBS] A /32 InterfaceEndpoint route per private endpoint address, in the PE's VNet and in VNets
 * directly peered with it (peering is not transitive).
 */
export function privateEndpointRoutes(
  estate: Estate,
  index: RouteIndex,
  vnet: Vnet,
  links: readonly PeerLink[],
): RouteGroup[] {
  const groups: RouteGroup[] = [];
  for (const vnetId of [vnet.id, ...links.map((l) => l.remoteVnetId)]) {
    for (const pe of index.privateEndpointsIn(vnetId)) {
      const policies = (pe.subnet?.properties as SubnetProperties | undefined)
        ?.privateEndpointNetworkPolicies;
      const peVnetId = pe.subnet ? parentId(pe.subnet.id) : undefined;
      const group = makeGroup(
        { source: "Default", nextHopType: "InterfaceEndpoint", origin: pe.privateEndpoint.id },
        [prefixOf(pe.ip)],
      );
      group.privateEndpoint = {
        vnetSpace: index.addressSpace(estate.get(peVnetId)),
        // [S22] only Enabled / RouteTableEnabled let a UDR override the PE route.
        routeTablePoliciesEnabled: policies === "Enabled" || policies === "RouteTableEnabled",
      };
      groups.push(group);
    }
  }
  return groups;
}

/** The gateways whose routes a VNet learns: its own, and with `useRemoteGateways` the peer's [S3]. */
function gatewaysFor(index: RouteIndex, vnet: Vnet, links: readonly PeerLink[]): Gateway[] {
  const out = [...index.gatewaysIn(vnet.id)];
  for (const l of links) {
    if (l.peering.properties?.useRemoteGateways) out.push(...index.gatewaysIn(l.remoteVnetId));
  }
  return out;
}

/** Gateway fields `VirtualNetworkGatewayProperties` does not type. */
interface GatewayExtras {
  vpnClientConfiguration?: { vpnClientAddressPool?: { addressPrefixes?: string[] } };
}

/** Connection fields `ConnectionProperties` does not type. */
interface ConnectionExtras {
  virtualNetworkGateway1?: { id: string };
  virtualNetworkGateway2?: { id: string };
}

/** The VNet a gateway sits in (through its GatewaySubnet). */
function vnetOfGateway(estate: Estate, gatewayId: string | undefined): Vnet | undefined {
  const gw = estate.get<VirtualNetworkGatewayProperties>(gatewayId);
  const subnetId = gw?.properties?.ipConfigurations?.[0]?.properties?.subnet?.id;
  return subnetId ? estate.get(parentId(subnetId)) : undefined;
}

/**
 * [S3] Gateway routes (source and next hop VirtualNetworkGateway), on every subnet: the local network
 * gateway prefixes of IPsec connections, the remote VNet of Vnet2Vnet connections, the point-to-site
 * client pool, and the routes the gateway learned over BGP (`learnedRoutes`, vnetlab input).
 */
export function gatewayRoutes(
  estate: Estate,
  index: RouteIndex,
  vnet: Vnet,
  links: readonly PeerLink[],
): RouteGroup[] {
  const groups: RouteGroup[] = [];
  const seen = new Set<string>();
  for (const gw of gatewaysFor(index, vnet, links)) {
    const prefixes: Prefix[] = [];
    for (const conn of index.connectionsOf(gw.id)) {
      const type = conn.properties?.connectionType;
      const ends = conn.properties as ConnectionExtras | undefined;
      if (type === "Vnet2Vnet") {
        const other = sameId(ends?.virtualNetworkGateway1?.id, gw.id)
          ? ends?.virtualNetworkGateway2?.id
          : ends?.virtualNetworkGateway1?.id;
        prefixes.push(...index.addressSpace(vnetOfGateway(estate, other)));
      } else if (type !== "ExpressRoute" && sameId(ends?.virtualNetworkGateway1?.id, gw.id)) {
        // ExpressRoute prefixes only arrive over BGP (learnedRoutes).
        prefixes.push(...localNetworkPrefixes(estate, conn));
      }
    }
    const extras = gw.properties as GatewayExtras | undefined;
    prefixes.push(...prefixesOf(extras?.vpnClientConfiguration?.vpnClientAddressPool?.addressPrefixes));
    for (const r of gw.properties?.learnedRoutes ?? []) {
      // getLearnedRoutes also lists the gateway's own VNet ranges (origin Network): not BGP routes.
      if ((r as { origin?: string }).origin?.toLowerCase() === "network") continue;
      const p = parsePrefix(r.addressPrefix);
      if (p) prefixes.push(p);
    }
    for (const p of prefixes) {
      const key = `${p.network}/${p.length}/${p.family}`;
      if (seen.has(key)) continue;
      seen.add(key);
      groups.push(
        makeGroup({ source: "VirtualNetworkGateway", nextHopType: "VirtualNetworkGateway", origin: gw.id }, [
          p,
        ]),
      );
    }
  }
  return groups;
}

const LIVE_SE_STATES = new Set(["succeeded", "updating"]);

/** SE route groups by service and tags: subnets with the same endpoint share one (groups are immutable). */
const seGroups = new WeakMap<Estate, Map<string, RouteGroup>>();

/**
 * [S3][S6] One VirtualNetworkServiceEndpoint route per endpoint service, only on the subnet with the SE,
 * covering the service-tag prefixes of its `locations` (ARM's defaults when omitted, §1.2). [S2] S5: a
 * subnet with a service endpoint policy has its Microsoft.Storage SE upgraded to global scope.
 */
export function serviceEndpointRoutes(
  estate: Estate,
  subnet: ArmResource<SubnetProperties>,
  vnet: Vnet,
): RouteGroup[] {
  const groups: RouteGroup[] = [];
  const hasPolicy = (subnet.properties?.serviceEndpointPolicies?.length ?? 0) > 0;
  const done = new Set<string>();
  for (const se of subnet.properties?.serviceEndpoints ?? []) {
    const state = se.provisioningState?.toLowerCase();
    if (state !== undefined && !LIVE_SE_STATES.has(state)) continue;
    const info = endpointService(se.service);
    if (!info || done.has(idKey(info.name))) continue;
    done.add(idKey(info.name));
    let locations = se.locations?.length
      ? se.locations
      : defaultEndpointLocations(info.name, vnet.location ?? "", estate.regions);
    if (hasPolicy && info.name.toLowerCase() === "microsoft.storage") locations = ["*"];
    const tags = endpointRouteTags(info.name, locations, estate.serviceTags);
    if (tags.length === 0) continue;
    const serviceTag = tags.map((t) => t.name).join(",");
    let known = seGroups.get(estate);
    if (!known) {
      known = new Map();
      seGroups.set(estate, known);
    }
    const key = `${info.name}\n${serviceTag}`;
    let group = known.get(key);
    if (!group) {
      group = makeGroup(
        { source: "Default", nextHopType: "VirtualNetworkServiceEndpoint", origin: info.name, serviceTag },
        tags.flatMap((t) => t.prefixes),
      );
      known.set(key, group);
    }
    groups.push(group);
  }
  return groups;
}
