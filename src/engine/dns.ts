// Name resolution as a source sees it [S22c]: a PaaS name CNAMEs to its privatelink name; a private DNS
// zone linked to the source's VNet answers for it (NXDOMAIN when the linked zone has no record, unless the
// link falls back to the internet), otherwise public DNS answers with the service's public address.
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import { publicAddressOf, publicHostsOf } from "../model/publicEndpoints.js";
import { idKey } from "../model/resourceId.js";
import {
  NetworkTypes as N,
  type PrivateDnsARecordProperties,
  type PrivateDnsVirtualNetworkLinkProperties,
} from "../model/resources/network.js";
import { paasServiceByType } from "../model/serviceCatalog.js";
import { formatIp, type IpAddress, parseIp } from "../net/index.js";
import { topologyOf } from "./topology.js";

export interface PublicName {
  resource: ArmResource;
  subresource: string;
  secondary: boolean;
  privateLinkZone?: string;
  address?: IpAddress;
}

export type DnsAnswer =
  | { kind: "public"; ip: IpAddress; name?: PublicName; cname?: string }
  | {
      kind: "privateDnsZone";
      ip: IpAddress;
      zoneId: string;
      record: string;
      name?: PublicName;
      cname?: string;
    }
  /** The name does not resolve from here: `zoneId` names the linked zone that lacks the record. */
  | { kind: "nxdomain"; reason: string; zoneId?: string; name?: PublicName };

interface LinkedZone {
  zone: ArmResource;
  name: string;
  fallbackToInternet: boolean;
}

interface DnsIndex {
  hosts: Map<string, PublicName>;
  /** Each key of `hosts`, by itself. */
  hostNames: Map<string, string>;
  /** The PaaS resource behind a public address: IPv4 by number, IPv6 by text. */
  publicAddresses: Map<string, PublicName>;
  publicAddresses4: Map<number, PublicName>;
  zonesByVnet: Map<string, LinkedZone[]>;
  /** `zonesByVnet` by the VNet id strings callers pass. */
  zonesByVnetId: Map<string, LinkedZones>;
}

/** The private DNS zones linked to one VNet (none for sources outside Azure): what a name resolves against. */
export type LinkedZones = readonly LinkedZone[];

const NO_ZONES: LinkedZones = [];

const cache = new WeakMap<Estate, DnsIndex>();

function dnsIndex(estate: Estate): DnsIndex {
  let idx = cache.get(estate);
  if (idx) return idx;
  const hosts = new Map<string, PublicName>();
  const hostNames = new Map<string, string>();
  const publicAddresses = new Map<string, PublicName>();
  const publicAddresses4 = new Map<number, PublicName>();
  for (const r of estate.resources) {
    if (!paasServiceByType(r.type)) continue;
    for (const h of publicHostsOf(r)) {
      const address = publicAddressOf(r, estate.serviceTags, estate.regions, {
        secondary: h.secondary ?? false,
      });
      const entry: PublicName = {
        resource: r,
        subresource: h.subresource,
        secondary: h.secondary ?? false,
        privateLinkZone: h.privateLinkZone,
        address,
      };
      const key = h.host.toLowerCase();
      hosts.set(key, entry);
      hostNames.set(key, key);
      if (address && !publicAddresses.has(formatIp(address))) {
        publicAddresses.set(formatIp(address), entry);
        if (address.family === 4) publicAddresses4.set(address.value, entry);
      }
    }
  }
  const zonesByVnet = new Map<string, LinkedZone[]>();
  for (const link of estate.ofType<PrivateDnsVirtualNetworkLinkProperties & { resolutionPolicy?: string }>(
    N.privateDnsVirtualNetworkLink,
  )) {
    const vnetId = link.properties?.virtualNetwork?.id;
    const zone = estate.get(link.id.split("/").slice(0, -2).join("/"));
    if (!vnetId || !zone) continue;
    const list = zonesByVnet.get(idKey(vnetId)) ?? [];
    list.push({
      zone,
      name: zone.name.toLowerCase(),
      // Since API 2024-06-01 a link can fall back to internet resolution on NXDOMAIN.
      fallbackToInternet: link.properties?.resolutionPolicy === "NxDomainRedirect",
    });
    zonesByVnet.set(idKey(vnetId), list);
  }
  idx = {
    hosts,
    hostNames,
    publicAddresses,
    publicAddresses4,
    zonesByVnet,
    zonesByVnetId: new Map(),
  };
  cache.set(estate, idx);
  return idx;
}

/**
 * The host as the estate's own string when a PaaS name matches it exactly (else `host` itself): flows that
 * carry the shared string are looked up by pointer, not by comparing characters.
 */
export function canonicalHost(estate: Estate, host: string): string {
  return dnsIndex(estate).hostNames.get(host) ?? host;
}

/** The PaaS name entry for a host, if the estate holds the resource behind it. */
export function publicName(estate: Estate, host: string): PublicName | undefined {
  return dnsIndex(estate).hosts.get(host.toLowerCase());
}

/** The PaaS resource whose public address this is. */
export function resourceAtPublicAddress(estate: Estate, ip: IpAddress): PublicName | undefined {
  const idx = dnsIndex(estate);
  return ip.family === 4 ? idx.publicAddresses4.get(ip.value) : idx.publicAddresses.get(formatIp(ip));
}

function lookupZone(zone: LinkedZone, fqdn: string): IpAddress | undefined {
  const record = fqdn === zone.name ? "@" : fqdn.slice(0, -(zone.name.length + 1));
  for (const a of (zone.zone.properties as { A?: ArmResource<PrivateDnsARecordProperties>[] } | undefined)
    ?.A ?? []) {
    if (a.name.toLowerCase() !== record) continue;
    const first = a.properties?.aRecords?.[0]?.ipv4Address;
    const ip = first ? parseIp(first) : undefined;
    if (ip) return ip;
  }
  return undefined;
}

/** The most specific linked zone that holds `fqdn` (the zone apex or a name under it). */
function zoneFor(zones: readonly LinkedZone[], fqdn: string): LinkedZone | undefined {
  let best: LinkedZone | undefined;
  for (const z of zones) {
    if ((fqdn === z.name || fqdn.endsWith(`.${z.name}`)) && (!best || z.name.length > best.name.length))
      best = z;
  }
  return best;
}

/**
 * Resolves `host` as seen from a VNet (undefined for sources outside Azure, which use public DNS).
 * Returns undefined when nothing in the estate knows the name.
 */
export function resolve(estate: Estate, host: string, vnetId: string | undefined): DnsAnswer | undefined {
  return resolveIn(estate, host, linkedZones(estate, vnetId));
}

/** The zones linked to a VNet (by id; the same array for every call), or none without a VNet. */
export function linkedZones(estate: Estate, vnetId: string | undefined): LinkedZones {
  if (!vnetId) return NO_ZONES;
  const idx = dnsIndex(estate);
  let zones = idx.zonesByVnetId.get(vnetId);
  if (!zones) {
    zones = idx.zonesByVnet.get(idKey(vnetId)) ?? NO_ZONES;
    idx.zonesByVnetId.set(vnetId, zones);
  }
  return zones;
}

/** Resolves `host` against a VNet's linked zones (see `linkedZones`), else public DNS. */
export function resolveIn(estate: Estate, host: string, zones: LinkedZones): DnsAnswer | undefined {
  const idx = dnsIndex(estate);
  const fqdn = host.toLowerCase().replace(/\.$/, "");
  const name = idx.hosts.get(fqdn);
  // A PaaS name first becomes <label>.privatelink.<suffix>; the private zone may answer for that alias.
  const label = fqdn.split(".")[0]!;
  // [S22c] Public DNS CNAMEs a name to its privatelink alias only once the resource has a private endpoint;
  // before that a linked privatelink zone is never consulted for it.
  const hasPrivateEndpoint = name
    ? topologyOf(estate).privateEndpointsOf(name.resource.id).length > 0
    : false;
  const cname = name?.privateLinkZone && hasPrivateEndpoint ? `${label}.${name.privateLinkZone}` : undefined;
  for (const candidate of cname ? [cname, fqdn] : [fqdn]) {
    const zone = zoneFor(zones, candidate);
    if (!zone) continue;
    const ip = lookupZone(zone, candidate);
    if (ip) return { kind: "privateDnsZone", ip, zoneId: zone.zone.id, record: candidate, name, cname };
    if (!zone.fallbackToInternet) {
      return {
        kind: "nxdomain",
        reason: `private DNS zone ${zone.name} is linked to the source's virtual network but has no record for ${candidate}`,
        zoneId: zone.zone.id,
        name,
      };
    }
  }
  if (name?.address) return { kind: "public", ip: name.address, name, cname };
  return undefined;
}
