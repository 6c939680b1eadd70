// What a destination means for a trace from one place: for a name, the DNS answer, the DNS stage's texts and
// the resource behind the address, worked out once per (host name, zones linked to the source's VNet); for
// an address, the private endpoint or PaaS resource that holds it.
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import { formatIp, type IpAddress } from "../net/index.js";
import { type DnsAnswer, type LinkedZones, resourceAtPublicAddress, resolveIn } from "./dns.js";
import { ServiceTypes, type StorageAccountProperties } from "../model/resources/services.js";
import { paasServiceByType } from "../model/serviceCatalog.js";
import {
  type FirewallRequest,
  type FirewallResult,
  firewallFor,
  type ServiceFirewall,
} from "./firewalls/index.js";
import { type PrivateEndpointIp, topologyOf } from "./topology.js";

/** The resource behind an address, and what the trace asks of it. */
export interface Destination {
  readonly resource?: ArmResource;
  readonly privateEndpoint?: PrivateEndpointIp;
  /** The resource is a PaaS service (its firewall stage runs). */
  readonly paas: boolean;
  /** Its firewall (`firewallFor` its type); none for types vnetlab does not model. */
  readonly firewall?: ServiceFirewall;
  /** `storageRegionOf` the resource (null: not a storage account, or no resource). */
  readonly storageRegion: string | undefined | null;
}

/** A name's destination, with its firewall bound to the resource on first use (see `ServiceFirewall.bind`). */
export interface BoundDestination extends Destination {
  check?: (request: FirewallRequest) => FirewallResult;
}

/** A host name as seen from one set of linked zones. */
export interface DnsTarget extends BoundDestination {
  readonly answer: DnsAnswer;
  /** The DNS stage's summary. */
  readonly summary: string;
  /** The answer's address as text (undefined for NXDOMAIN). */
  readonly ipText?: string;
}

const STORAGE = ServiceTypes.storageAccount.toLowerCase();

/** The region key of a storage account's primary location; null for other resources. */
export function storageRegionOf(resource: ArmResource): string | undefined | null {
  if (resource.type.toLowerCase() !== STORAGE) return null;
  const primary =
    (resource.properties as StorageAccountProperties | undefined)?.primaryLocation ?? resource.location;
  return primary?.replace(/\s+/g, "").toLowerCase();
}

function destination(resource: ArmResource | undefined, privateEndpoint?: PrivateEndpointIp): Destination {
  const firewall = resource && firewallFor(resource.type);
  return {
    ...(resource ? { resource } : {}),
    ...(privateEndpoint ? { privateEndpoint } : {}),
    paas: resource !== undefined && paasServiceByType(resource.type) !== undefined,
    ...(firewall ? { firewall } : {}),
    storageRegion: resource ? storageRegionOf(resource) : null,
  };
}

/** The private endpoint and the resource behind an address. */
export function resourceAt(estate: Estate, ip: IpAddress, answer: DnsAnswer | undefined): Destination {
  const pe = topologyOf(estate).privateEndpointByIp(ip)[0];
  if (pe) return destination(estate.get(pe.targetId), pe);
  const named = answer && answer.kind !== "nxdomain" ? answer.name : undefined;
  return destination(named?.resource ?? resourceAtPublicAddress(estate, ip)?.resource);
}

function targetOf(estate: Estate, host: string, answer: DnsAnswer): DnsTarget {
  if (answer.kind === "nxdomain") {
    return {
      answer,
      summary: `${host} does not resolve: ${answer.reason}`,
      paas: false,
      storageRegion: null,
    };
  }
  const via =
    answer.kind === "public"
      ? "public DNS"
      : `private DNS zone ${answer.record.split(".").slice(1).join(".")}`;
  const alias = answer.cname ? ` (CNAME ${answer.cname})` : "";
  const ipText = formatIp(answer.ip);
  return {
    answer,
    summary: `${host}${alias} → ${ipText} via ${via}`,
    ipText,
    ...resourceAt(estate, answer.ip, answer),
  };
}

/** Names as seen from one set of linked zones, by host as given (null: nothing in the estate answers). */
export class DnsTargets {
  private readonly byHost = new Map<string, DnsTarget | null>();

  constructor(
    private readonly estate: Estate,
    private readonly zones: LinkedZones,
  ) {}

  get(host: string): DnsTarget | undefined {
    let t = this.byHost.get(host);
    if (t === undefined) {
      const answer = resolveIn(this.estate, host, this.zones);
      t = answer ? targetOf(this.estate, host, answer) : null;
      this.byHost.set(host, t);
    }
    return t ?? undefined;
  }
}

const targets = new WeakMap<Estate, WeakMap<LinkedZones, DnsTargets>>();

/** The names as seen from sources with these linked zones (one object per zone set). */
export function dnsTargets(estate: Estate, zones: LinkedZones): DnsTargets {
  let byZones = targets.get(estate);
  if (!byZones) {
    byZones = new WeakMap();
    targets.set(estate, byZones);
  }
  let t = byZones.get(zones);
  if (!t) {
    t = new DnsTargets(estate, zones);
    byZones.set(zones, t);
  }
  return t;
}
