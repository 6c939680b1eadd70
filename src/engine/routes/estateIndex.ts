// Per-estate indexes that route building needs: VNet address spaces, connected peerings, the gateways in a
// VNet and their connections, private endpoint IPs by VNet. Built once per estate (it is immutable).
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { idKey, parentId, sameId } from "../../model/resourceId.js";
import {
  type ConnectionProperties,
  type LocalNetworkGatewayProperties,
  NetworkTypes as N,
  type PrivateEndpointProperties,
  type SubnetProperties,
  type VirtualNetworkGatewayProperties,
  type VirtualNetworkPeeringProperties,
  type VirtualNetworkProperties,
} from "../../model/resources/network.js";
import { type IpAddress, type Prefix, parseIp, parsePrefix } from "../../net/index.js";

export type Vnet = ArmResource<VirtualNetworkProperties>;
export type Gateway = ArmResource<VirtualNetworkGatewayProperties>;

export interface PeerLink {
  peering: ArmResource<VirtualNetworkPeeringProperties>;
  remoteVnetId: string;
  remote?: Vnet;
  /** The remote VNet's address space: from the estate, else the peering's `remoteAddressSpace`. */
  prefixes: readonly Prefix[];
}

export interface PrivateEndpointAddress {
  privateEndpoint: ArmResource<PrivateEndpointProperties>;
  subnet?: ArmResource<SubnetProperties>;
  ip: IpAddress;
}

export interface RouteIndex {
  addressSpace(vnet: Vnet | undefined): readonly Prefix[];
  /** Peerings of a VNet that carry traffic (Connected). */
  connectedPeerings(vnetId: string): readonly PeerLink[];
  gatewaysIn(vnetId: string): readonly Gateway[];
  /** Connections whose either end is this gateway. */
  connectionsOf(gatewayId: string): readonly ArmResource<ConnectionProperties>[];
  privateEndpointsIn(vnetId: string): readonly PrivateEndpointAddress[];
}

const cache = new WeakMap<Estate, RouteIndex>();

export function routeIndexOf(estate: Estate): RouteIndex {
  let index = cache.get(estate);
  if (!index) {
    index = buildIndex(estate);
    cache.set(estate, index);
  }
  return index;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function prefixesOf(texts: readonly string[] | undefined): Prefix[] {
  const out: Prefix[] = [];
  for (const t of texts ?? []) {
    const p = parsePrefix(t);
    if (p) out.push(p);
  }
  return out;
}

/** Connection ends that `ConnectionProperties` does not type (Vnet2Vnet's second gateway). */
interface ConnectionEnds {
  virtualNetworkGateway1?: { id: string };
  virtualNetworkGateway2?: { id: string };
}

function buildIndex(estate: Estate): RouteIndex {
  const spaces = new WeakMap<Vnet, Prefix[]>();
  const addressSpace = (vnet: Vnet | undefined): readonly Prefix[] => {
    if (!vnet) return [];
    let s = spaces.get(vnet);
    if (!s) {
      s = prefixesOf(vnet.properties?.addressSpace?.addressPrefixes);
      spaces.set(vnet, s);
    }
    return s;
  };

  const peerings = new Map<string, PeerLink[]>();
  for (const vnet of estate.ofType<VirtualNetworkProperties>(N.virtualNetwork)) {
    const links: PeerLink[] = [];
    for (const peering of vnet.properties?.virtualNetworkPeerings ?? []) {
      const remoteVnetId = peering.properties?.remoteVirtualNetwork?.id;
      if (!remoteVnetId || !peeringConnected(estate, vnet, peering)) continue;
      const remote = estate.get<VirtualNetworkProperties>(remoteVnetId);
      const prefixes = remote
        ? addressSpace(remote)
        : prefixesOf(peering.properties?.remoteAddressSpace?.addressPrefixes);
      links.push({ peering, remoteVnetId, ...(remote ? { remote } : {}), prefixes });
    }
    peerings.set(idKey(vnet.id), links);
  }

  // A gateway sits in the GatewaySubnet; its ipConfigurations name that subnet, whose parent is the VNet.
  const gateways = new Map<string, Gateway[]>();
  for (const gw of estate.ofType<VirtualNetworkGatewayProperties>(N.virtualNetworkGateway)) {
    const vnets = new Set<string>();
    for (const c of gw.properties?.ipConfigurations ?? []) {
      const vnetId = c.properties?.subnet?.id ? parentId(c.properties.subnet.id) : undefined;
      if (vnetId) vnets.add(idKey(vnetId));
    }
    for (const v of vnets) push(gateways, v, gw);
  }

  const connections = new Map<string, ArmResource<ConnectionProperties>[]>();
  for (const conn of estate.ofType<ConnectionProperties>(N.connection)) {
    const ends = conn.properties as ConnectionEnds | undefined;
    for (const end of [ends?.virtualNetworkGateway1, ends?.virtualNetworkGateway2]) {
      if (end?.id) push(connections, idKey(end.id), conn);
    }
  }

  const endpoints = new Map<string, PrivateEndpointAddress[]>();
  for (const pe of estate.ofType<PrivateEndpointProperties>(N.privateEndpoint)) {
    const subnetId = pe.properties?.subnet?.id;
    const vnetId = subnetId ? parentId(subnetId) : undefined;
    if (!subnetId || !vnetId) continue;
    const subnet = estate.get<SubnetProperties>(subnetId);
    for (const ip of privateEndpointIps(pe)) {
      push(endpoints, idKey(vnetId), { privateEndpoint: pe, ...(subnet ? { subnet } : {}), ip });
    }
  }

  return {
    addressSpace,
    connectedPeerings: (vnetId) => peerings.get(idKey(vnetId)) ?? [],
    gatewaysIn: (vnetId) => gateways.get(idKey(vnetId)) ?? [],
    connectionsOf: (gatewayId) => connections.get(idKey(gatewayId)) ?? [],
    privateEndpointsIn: (vnetId) => endpoints.get(idKey(vnetId)) ?? [],
  };
}

/**
 * Connected peerings carry routes [S3]. ARM reports `peeringState`; estates built from templates often omit
 * it, so then a peering counts as connected when the remote side peers back, or when the remote VNet is not
 * in the estate (nothing contradicts the given peering) [INF].
 */
function peeringConnected(
  estate: Estate,
  vnet: Vnet,
  peering: ArmResource<VirtualNetworkPeeringProperties>,
): boolean {
  const state = peering.properties?.peeringState;
  if (state !== undefined) return state === "Connected";
  const remote = estate.get<VirtualNetworkProperties>(peering.properties?.remoteVirtualNetwork?.id);
  if (!remote) return true;
  return (remote.properties?.virtualNetworkPeerings ?? []).some((p) =>
    sameId(p.properties?.remoteVirtualNetwork?.id, vnet.id),
  );
}

/** PE addresses: ipConfigurations[].privateIPAddress, else customDnsConfigs[].ipAddresses, deduplicated. */
function privateEndpointIps(pe: ArmResource<PrivateEndpointProperties>): IpAddress[] {
  const seen = new Set<string>();
  const out: IpAddress[] = [];
  const add = (text: string | undefined): void => {
    const ip = text ? parseIp(text) : undefined;
    if (!ip || seen.has(text!)) return;
    seen.add(text!);
    out.push(ip);
  };
  for (const c of pe.properties?.ipConfigurations ?? []) add(c.properties?.privateIPAddress);
  for (const c of pe.properties?.customDnsConfigs ?? []) for (const a of c.ipAddresses ?? []) add(a);
  return out;
}

/** The local network gateway's address space, for IPsec connections. */
export function localNetworkPrefixes(estate: Estate, conn: ArmResource<ConnectionProperties>): Prefix[] {
  const lng = estate.get<LocalNetworkGatewayProperties>(conn.properties?.localNetworkGateway2?.id);
  return prefixesOf(lng?.properties?.localNetworkAddressSpace?.addressPrefixes);
}
