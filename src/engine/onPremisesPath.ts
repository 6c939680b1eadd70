// Flows from on-premises [S1][S12]: they can never use a service endpoint. To a PaaS public endpoint they
// leave through the on-premises internet edge (the service sees the on-premises NAT address); to private
// addresses (private endpoints, VMs) they arrive through a VPN or ExpressRoute gateway.
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import { idKey, parentId, sameId } from "../model/resourceId.js";
import {
  type ConnectionProperties,
  type LocalNetworkGatewayProperties,
  NetworkTypes as N,
  type VirtualNetworkGatewayProperties,
  type VirtualNetworkProperties,
} from "../model/resources/network.js";
import {
  containsIp,
  formatIp,
  type IpAddress,
  isRfc1918,
  type Prefix,
  parsePrefix,
  prefixOf,
} from "../net/index.js";
import type { Flow, FlowSource } from "./flow.js";
import { privateDestination } from "./nicPath.js";
import { topologyOf } from "./topology.js";
import type { TraceBuilder } from "./traceBuilder.js";
import type { PathEnd, Target } from "./traceFlow.js";

type OnPremSource = Extract<FlowSource, { kind: "onprem" }>;

/** Address texts parsed once; a list holding something that is not text is kept as given (see `covers`). */
type Space = { parsed: (Prefix | undefined)[] } | { raw: readonly string[] };

interface OnPremisesIndex {
  /** Per connection, in order: the local network's prefixes and the connection's VNet gateway. */
  connections: { space: Space; gateway: ArmResource<VirtualNetworkGatewayProperties> | undefined }[];
  /** Per gateway, in order: the prefixes it learned over BGP. */
  learned: { space: Space; gateway: ArmResource<VirtualNetworkGatewayProperties> }[];
  /** VNets a gateway's VNet serves, by that VNet's id as given. */
  served: Map<string, Set<string>>;
  /** `idKey` of a subnet's VNet id, by subnet id as given. */
  vnetKeys: Map<string, string | undefined>;
}

const indexes = new WeakMap<Estate, OnPremisesIndex>();

function parsed(texts: readonly string[]): Space {
  return texts.every((t) => typeof t === "string") ? { parsed: texts.map(parsePrefix) } : { raw: texts };
}

function covers(space: Space, ip: IpAddress): boolean {
  if ("parsed" in space) return space.parsed.some((x) => x !== undefined && containsIp(x, ip));
  return space.raw.some((p) => {
    const x = parsePrefix(p);
    return x !== undefined && containsIp(x, ip);
  });
}

function indexOf(estate: Estate): OnPremisesIndex {
  let idx = indexes.get(estate);
  if (!idx) {
    idx = {
      connections: estate.ofType<ConnectionProperties>(N.connection).map((conn) => ({
        space: parsed(
          estate.get<LocalNetworkGatewayProperties>(conn.properties?.localNetworkGateway2?.id)?.properties
            ?.localNetworkAddressSpace?.addressPrefixes ?? [],
        ),
        gateway: estate.get<VirtualNetworkGatewayProperties>(conn.properties?.virtualNetworkGateway1?.id),
      })),
      learned: estate.ofType<VirtualNetworkGatewayProperties>(N.virtualNetworkGateway).map((gateway) => ({
        space: parsed((gateway.properties?.learnedRoutes ?? []).map((r) => r?.addressPrefix)),
        gateway,
      })),
      served: new Map(),
      vnetKeys: new Map(),
    };
    indexes.set(estate, idx);
  }
  return idx;
}

/** The VNet gateway whose connected local network (or BGP-learned routes) covers the on-premises address. */
export function gatewayFor(
  estate: Estate,
  src: OnPremSource,
): ArmResource<VirtualNetworkGatewayProperties> | undefined {
  if (src.gatewayId) return estate.get(src.gatewayId);
  const idx = indexOf(estate);
  for (const c of idx.connections) if (covers(c.space, src.ip)) return c.gateway;
  for (const l of idx.learned) if (covers(l.space, src.ip)) return l.gateway;
  return undefined;
}

export function gatewayVnetId(gw: ArmResource<VirtualNetworkGatewayProperties>): string | undefined {
  const subnetId = gw.properties?.ipConfigurations?.[0]?.properties?.subnet?.id;
  return subnetId ? parentId(subnetId) : undefined;
}

/** VNets a gateway serves: its own, and peered VNets that use it as their remote gateway. */
function servedVnets(estate: Estate, gatewayVnet: string): Set<string> {
  const idx = indexOf(estate);
  let served = idx.served.get(gatewayVnet);
  if (served) return served;
  served = new Set([idKey(gatewayVnet)]);
  for (const vnet of estate.ofType<VirtualNetworkProperties>(N.virtualNetwork)) {
    for (const p of (vnet.properties?.virtualNetworkPeerings ?? []) as ArmResource<{
      remoteVirtualNetwork?: { id: string };
      useRemoteGateways?: boolean;
      peeringState?: string;
    }>[]) {
      if (p.properties?.useRemoteGateways && sameId(p.properties.remoteVirtualNetwork?.id, gatewayVnet))
        served.add(idKey(vnet.id));
    }
  }
  idx.served.set(gatewayVnet, served);
  return served;
}

/** `idKey` of the id of the VNet holding a subnet (by parsing the subnet id, as ARM would). */
function vnetKeyOf(estate: Estate, subnetId: string): string | undefined {
  const keys = indexOf(estate).vnetKeys;
  let key = keys.get(subnetId);
  if (key === undefined && !keys.has(subnetId)) {
    const vnetId = parentId(subnetId);
    key = vnetId === undefined ? undefined : idKey(vnetId);
    keys.set(subnetId, key);
  }
  return key;
}

export function onPremisesSourceStage(b: TraceBuilder, estate: Estate, src: OnPremSource): void {
  const gw = gatewayFor(estate, src);
  const ip = formatIp(src.ip);
  b.push({
    stage: "source",
    hop: 0,
    summary: `on-premises client ${ip}${gw ? ` behind gateway ${gw.name}` : ""}`,
    ip,
  });
}

export function walkFromOnPremises(
  b: TraceBuilder,
  estate: Estate,
  flow: Flow,
  src: OnPremSource,
  target: Target,
): PathEnd {
  const ip = formatIp(src.ip);
  const gw = gatewayFor(estate, src);
  const isPrivateTarget =
    target.privateEndpoint !== undefined || topologyOf(estate).ipConfigsByIp(target.ip).length > 0;
  if (!isPrivateTarget) {
    // The public endpoint is reached from the on-premises internet edge; a private client address is NATed there.
    const seen = isRfc1918(prefixOf(src.ip)) ? undefined : ip;
    b.push({
      stage: "path",
      hop: 0,
      summary: `from on-premises over the internet${seen ? ` from ${seen}` : " through the on-premises NAT"}: on-premises traffic can never use a service endpoint`,
      path: "internet",
      sourceIpSeenByService: seen,
    });
    return {
      reached: true,
      origin: { kind: "public", ip: seen ? src.ip : undefined, fromOnPremises: true },
      sourceIpSeenByService: seen,
    };
  }
  const vnetOfGw = gw && gatewayVnetId(gw);
  const destSubnet =
    target.privateEndpoint?.privateEndpoint.properties?.subnet?.id ??
    topologyOf(estate).ipConfigsByIp(target.ip)[0]?.subnetId;
  const destVnet = destSubnet ? vnetKeyOf(estate, destSubnet) : undefined;
  if (!vnetOfGw || !destVnet || !servedVnets(estate, vnetOfGw).has(destVnet)) {
    const reason = gw
      ? `gateway ${gw.name} does not serve the virtual network of ${formatIp(target.ip)} (no peering with useRemoteGateways)`
      : `no VPN or ExpressRoute gateway connects the on-premises address ${ip}`;
    b.push({
      stage: "route",
      hop: 0,
      summary: reason,
      route: { addressPrefix: `${formatIp(target.ip)}/32`, nextHopType: "None", source: "Default" },
      why: reason,
      outcome: "block",
    });
    b.block({ stage: "route", resourceId: gw?.id, reason });
    return { reached: false };
  }
  b.push({
    stage: "route",
    hop: 0,
    summary: `through gateway ${gw!.name} into the virtual network`,
    routeTableId: undefined,
    route: {
      addressPrefix: `${formatIp(target.ip)}/32`,
      nextHopType: "VirtualNetworkGateway",
      source: "VirtualNetworkGateway",
    },
    why: "the gateway advertises the virtual network's address space to on-premises",
    outcome: "pass",
  });
  return privateDestination(b, estate, flow, { ip: src.ip }, target, 0, "gateway");
}
