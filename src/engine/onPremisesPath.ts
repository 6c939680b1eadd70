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
import { containsIp, formatIp, isRfc1918, parsePrefix, prefixOf } from "../net/index.js";
import type { Flow, FlowSource } from "./flow.js";
import { privateDestination } from "./nicPath.js";
import { topologyOf } from "./topology.js";
import type { TraceBuilder } from "./traceBuilder.js";
import type { PathEnd, Target } from "./traceFlow.js";

type OnPremSource = Extract<FlowSource, { kind: "onprem" }>;

/** The VNet gateway whose connected local network (or BGP-learned routes) covers the on-premises address. */
export function gatewayFor(
  estate: Estate,
  src: OnPremSource,
): ArmResource<VirtualNetworkGatewayProperties> | undefined {
  if (src.gatewayId) return estate.get(src.gatewayId);
  for (const conn of estate.ofType<ConnectionProperties>(N.connection)) {
    const lng = estate.get<LocalNetworkGatewayProperties>(conn.properties?.localNetworkGateway2?.id);
    const space = lng?.properties?.localNetworkAddressSpace?.addressPrefixes ?? [];
    if (
      space.some((p) => {
        const x = parsePrefix(p);
        return x !== undefined && containsIp(x, src.ip);
      })
    ) {
      return estate.get(conn.properties?.virtualNetworkGateway1?.id);
    }
  }
  for (const gw of estate.ofType<VirtualNetworkGatewayProperties>(N.virtualNetworkGateway)) {
    const learned = gw.properties?.learnedRoutes ?? [];
    if (
      learned.some((r) => {
        const x = parsePrefix(r.addressPrefix);
        return x !== undefined && containsIp(x, src.ip);
      })
    )
      return gw;
  }
  return undefined;
}

export function gatewayVnetId(gw: ArmResource<VirtualNetworkGatewayProperties>): string | undefined {
  const subnetId = gw.properties?.ipConfigurations?.[0]?.properties?.subnet?.id;
  return subnetId ? parentId(subnetId) : undefined;
}

/** VNets a gateway serves: its own, and peered VNets that use it as their remote gateway. */
function servedVnets(estate: Estate, gatewayVnet: string): Set<string> {
  const served = new Set([idKey(gatewayVnet)]);
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
  return served;
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
  const destVnet = destSubnet ? parentId(destSubnet) : undefined;
  if (!vnetOfGw || !destVnet || !servedVnets(estate, vnetOfGw).has(idKey(destVnet))) {
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
