// Subnets as the lint rules see them: the service endpoints in force on each, the regions they reach, and
// the NIC addresses in it.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { idKey, parentId } from "../../model/resourceId.js";
import {
  NetworkTypes as N,
  type NetworkInterfaceProperties,
  type SubnetProperties,
} from "../../model/resources/network.js";
import {
  defaultEndpointLocations,
  type EndpointServiceInfo,
  endpointService,
  endpointServicesForKind,
  type PaasKind,
} from "../../model/serviceCatalog.js";
import { addressAt, type IpAddress, parsePrefix } from "../../net/index.js";
import { regionKey } from "../../engine/firewalls/common.js";
import { type NicIpConfig, topologyOf } from "../../engine/topology.js";
import { perEstate, pushTo } from "./perEstate.js";

export { subnetLabel } from "../../engine/firewalls/common.js";

export interface LiveEndpoint {
  info: EndpointServiceInfo;
  /** The regions its route covers, lower case; `*` for all. */
  locations: string[];
}

// [S25a] an endpoint being deleted or that failed to provision carries no route (as systemRoutes.ts reads it)
const LIVE_STATES = new Set(["succeeded", "updating"]);

/**
 * The service endpoints in force on a subnet, one per endpoint service, with the regions they reach:
 * `locations` as written, else ARM's defaults (§1.2); [S2] S5 a service endpoint policy makes the
 * Microsoft.Storage endpoint global.
 */
export function liveEndpoints(
  estate: Estate,
  subnet: ArmResource<SubnetProperties>,
): readonly LiveEndpoint[] {
  const bySubnet = endpointsBySubnet(estate);
  let list = bySubnet.get(subnet);
  if (!list) {
    list = readEndpoints(estate, subnet);
    bySubnet.set(subnet, list);
  }
  return list;
}

const endpointsBySubnet = perEstate(() => new WeakMap<ArmResource, readonly LiveEndpoint[]>());

function readEndpoints(estate: Estate, subnet: ArmResource<SubnetProperties>): LiveEndpoint[] {
  const vnetRegion = estate.get(parentId(subnet.id))?.location ?? "";
  const hasPolicy = (subnet.properties?.serviceEndpointPolicies?.length ?? 0) > 0;
  const out: LiveEndpoint[] = [];
  for (const se of subnet.properties?.serviceEndpoints ?? []) {
    const state = se.provisioningState?.toLowerCase();
    if (state !== undefined && !LIVE_STATES.has(state)) continue;
    const info = typeof se.service === "string" ? endpointService(se.service) : undefined;
    if (!info || out.some((e) => e.info === info)) continue;
    let locations = se.locations?.length
      ? se.locations
      : defaultEndpointLocations(info.name, vnetRegion, estate.regions);
    if (hasPolicy && info.name === "Microsoft.Storage") locations = ["*"];
    out.push({ info, locations: locations.map((l) => (l === "*" ? l : (regionKey(l) ?? l))) });
  }
  return out;
}

/** The endpoint on a subnet whose traffic a PaaS kind's firewall sees as coming from the subnet. */
export function endpointForKind(
  estate: Estate,
  subnet: ArmResource<SubnetProperties>,
  kind: PaasKind,
): LiveEndpoint | undefined {
  return liveEndpoints(estate, subnet).find((e) => e.info.kinds.includes(kind));
}

/** The endpoint services a kind's VNet rules need, for messages: "Microsoft.Storage or Microsoft.Storage.Global". */
export function endpointNames(kind: PaasKind): string {
  return endpointServicesForKind(kind)
    .map((s) => s.name)
    .join(" or ");
}

/** Whether some endpoint for a kind, with ARM's default locations (§1.2), would reach a region from a VNet's. */
export function endpointCouldReach(
  estate: Estate,
  kind: PaasKind,
  vnetRegion: string,
  region: string | undefined,
): boolean {
  return endpointServicesForKind(kind).some((s) => {
    const locations = defaultEndpointLocations(s.name, vnetRegion, estate.regions);
    return locations.includes("*") || (region !== undefined && locations.includes(region));
  });
}

export function coversRegion(endpoint: LiveEndpoint, region: string | undefined): boolean {
  return endpoint.locations.includes("*") || (region !== undefined && endpoint.locations.includes(region));
}

export function subnetsOf(estate: Estate): readonly ArmResource<SubnetProperties>[] {
  return estate.ofType<SubnetProperties>(N.subnet);
}

/** NIC IP configurations by subnet (lower-cased id). */
const nicsBySubnet = perEstate((estate) => {
  const bySubnet = new Map<string, NicIpConfig[]>();
  const topology = topologyOf(estate);
  for (const nic of estate.ofType<NetworkInterfaceProperties>(N.networkInterface)) {
    for (const c of topology.ipConfigsOf(nic.id)) pushTo(bySubnet, idKey(c.subnetId), c);
  }
  return bySubnet;
});

/** The NIC IP configurations in a subnet. */
export function nicConfigsIn(estate: Estate, subnetId: string): readonly NicIpConfig[] {
  return nicsBySubnet(estate).get(idKey(subnetId)) ?? [];
}

/** An address a packet from the subnet carries: its first NIC's, else the first one Azure hands out (.4). */
export function sourceAddressIn(
  estate: Estate,
  subnet: ArmResource<SubnetProperties>,
): IpAddress | undefined {
  const nic = nicConfigsIn(estate, subnet.id)[0];
  if (nic) return nic.privateIp;
  const text = subnet.properties?.addressPrefix ?? subnet.properties?.addressPrefixes?.[0];
  const prefix = text ? parsePrefix(text) : undefined;
  return prefix ? addressAt(prefix, 4) : undefined;
}
