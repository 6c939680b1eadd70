// The `VirtualNetwork` tag as seen from one subnet [S6] §3.4: its VNet's address space, peered VNets,
// connected on-premises ranges (gateway routes), the host's virtual IP 168.63.129.16 and every UDR prefix
// of the subnet's route table ("might also contain default routes"). Derived from the subnet's effective
// routes, so gateway ranges follow route propagation [INF].
import type { Estate } from "../../model/estate.js";
import type { VirtualNetworkPeeringProperties } from "../../model/resources/network.js";
import { type Prefix, PrefixSet, parsePrefix } from "../../net/index.js";
import { subnetRoutes } from "../routes/index.js";

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
    tag = build(estate, subnetId);
    bySubnet.set(subnetId, tag);
  }
  return tag;
}

function build(estate: Estate, subnetId: string): VirtualNetworkTag {
  const own: Prefix[] = [];
  const others: Prefix[] = [];
  for (const r of subnetRoutes(estate, subnetId).routes()) {
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
