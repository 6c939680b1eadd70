// What a destination means for a trace from one place: for a name, the DNS answer, the DNS stage's texts and
// the resource behind the address, worked out once per (host name, zones linked to the source's VNet); for
// an address, the private endpoint or PaaS resource that holds it.
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import { formatIp, type IpAddress } from "../net/index.js";
import { type DnsAnswer, type LinkedZones, resourceAtPublicAddress, resolveIn } from "./dns.js";
import { type PrivateEndpointIp, topologyOf } from "./topology.js";

/** A host name as seen from one set of linked zones. */
export interface DnsTarget {
  readonly answer: DnsAnswer;
  /** The DNS stage's summary. */
  readonly summary: string;
  /** The answer's address as text (undefined for NXDOMAIN). */
  readonly ipText?: string;
  readonly resource?: ArmResource;
  readonly privateEndpoint?: PrivateEndpointIp;
}

/** The private endpoint and the resource behind an address. */
export function resourceAt(
  estate: Estate,
  ip: IpAddress,
  answer: DnsAnswer | undefined,
): { resource?: ArmResource; privateEndpoint?: PrivateEndpointIp } {
  const pe = topologyOf(estate).privateEndpointByIp(ip)[0];
  if (pe) return { resource: estate.get(pe.targetId), privateEndpoint: pe };
  const named = answer && answer.kind !== "nxdomain" ? answer.name : undefined;
  return { resource: named?.resource ?? resourceAtPublicAddress(estate, ip)?.resource };
}

function targetOf(estate: Estate, host: string, answer: DnsAnswer): DnsTarget {
  if (answer.kind === "nxdomain") return { answer, summary: `${host} does not resolve: ${answer.reason}` };
  const via =
    answer.kind === "public"
      ? "public DNS"
      : `private DNS zone ${answer.record.split(".").slice(1).join(".")}`;
  const alias = answer.cname ? ` (CNAME ${answer.cname})` : "";
  const ipText = formatIp(answer.ip);
  const { resource, privateEndpoint } = resourceAt(estate, answer.ip, answer);
  return {
    answer,
    summary: `${host}${alias} → ${ipText} via ${via}`,
    ipText,
    ...(resource ? { resource } : {}),
    ...(privateEndpoint ? { privateEndpoint } : {}),
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
