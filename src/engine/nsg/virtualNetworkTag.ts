// The `VirtualNetwork` tag as seen from one subnet [S6] §3.4: its VNet's address space, peered VNets,
// connected on-premises ranges (gateway routes), the host's virtual IP 168.63.129.16 and every UDR prefix
// of the subnet's route table ("might also contain default routes"). Derived from the subnet's effective
// routes, so gateway ranges follow route propagation [INF].
import type { Estate } from "../../model/estate.js";
import type { ArmResource } from "../../model/arm.js";
import { parentId } from "../../model/resourceId.js";
import type { SubnetProperties, VirtualNetworkPeeringProperties } from "../../model/resources/network.js";
import { type Prefix, PrefixSet, parsePrefix } from "../../net/index.js";
import { subnetRouteEntries } from "../routes/index.js";

export interface VirtualNetworkTag {
  set: PrefixSet;
  /** In the effective-view order: VNet space, 168.63.129.16/32, peers, gateway ranges, UDR prefixes. */
  prefixes: readonly Prefix[];
}

const HOST_VIP = parsePrefix("168.63.129.16/32")!;
const cache = new WeakMap<Estate, Map<string, VirtualNetworkTag>>();
const NO_SUBNET: VirtualNetworkTag = { set: PrefixSet.of([HOST_VIP]), prefixes: [HOST_VIP] };

export function virtualNetworkTag(estate: Estate, subnetId: string | undefined): VirtualNetworkTag {
  if (subnetId === undefined) return NO_SUBNET;
  let bySubnet = cache.get(estate);
  if (!bySubnet) {
    bySubnet = new Map();
    cache.set(estate, bySubnet);
  }
  let tag = bySubnet.get(subnetId);
  if (!tag) {
    tag = shared(estate, subnetId);
    bySubnet.set(subnetId, tag);
  }
  return tag;
}

/**
 * The tag reads only the VNet's own, peering and gateway routes and the UDRs, which the VNet and the subnet's
 * route table decide: subnets that share both share one tag.
 */
// Per estate: estates derived from one another share unchanged resource objects, not their routes.
const byVnet = new WeakMap<Estate, WeakMap<ArmResource, Map<ArmResource | undefined, VirtualNetworkTag>>>();

function shared(estate: Estate, subnetId: string): VirtualNetworkTag {
  const subnet = estate.get<SubnetProperties>(subnetId);
  const vnet = estate.get(parentId(subnetId));
  if (!subnet || !vnet) return build(estate, subnetId);
  const table = estate.get(subnet.properties?.routeTable?.id);
  let vnets = byVnet.get(estate);
  if (!vnets) {
    vnets = new WeakMap();
    byVnet.set(estate, vnets);
  }
  let byTable = vnets.get(vnet);
  if (!byTable) {
    byTable = new Map();
    vnets.set(vnet, byTable);
  }
  let tag = byTable.get(table);
  if (!tag) {
    tag = build(estate, subnetId);
    byTable.set(table, tag);
  }
  return tag;
}

function build(estate: Estate, subnetId: string): VirtualNetworkTag {
  const own: Prefix[] = [];
  const others: Prefix[] = [];
  for (const r of subnetRouteEntries(estate, subnetId)) {
    if (r.source === "Default" && r.nextHopType === "VnetLocal") own.push(r.prefix);
    else if (r.source === "Default" && r.nextHopType === "VNetPeering") {
      // [INF] a peering that disallows access to the remote VNet leaves it out of the tag.
      const peering = estate.get<VirtualNetworkPeeringProperties>(r.origin);
      if (peering?.properties?.allowVirtualNetworkAccess !== false) others.push(r.prefix);
    } else if (r.source === "VirtualNetworkGateway" || r.source === "User") others.push(r.prefix);
  }
  const seen = new Set<string>();
  const prefixes = [...own, HOST_VIP, ...others].filter((p) => {
    const key = `${p.family}/${p.network}/${p.length}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { set: PrefixSet.of(prefixes), prefixes };
}
