// The whole pipeline of semantics §0 for one flow: DNS, outbound NSGs, route selection (hop by hop through
// appliances), the path and the source IP the service sees, service endpoint policies, the service firewall.
// Evaluation goes on past the first blocker, so a trace lists every blocker on the path.
import type { ArmResource } from "../model/arm.js";
import { VnetlabError } from "../model/errors.js";
import type { Estate } from "../model/estate.js";
import { paasServiceByType } from "../model/serviceCatalog.js";
import { formatIp, type IpAddress } from "../net/index.js";
import { type DnsAnswer, resolve, resourceAtPublicAddress } from "./dns.js";
import { evaluateFirewall } from "./firewalls/index.js";
import type { RequestOrigin } from "./firewalls/types.js";
import type { Flow } from "./flow.js";
import { nicSourceStage, walkFromNic } from "./nicPath.js";
import { onPremisesSourceStage, walkFromOnPremises } from "./onPremisesPath.js";
import { nicSourceContext } from "./sourceContext.js";
import { type PrivateEndpointIp, topologyOf } from "./topology.js";
import type { Trace } from "./trace.js";
import { TraceBuilder } from "./traceBuilder.js";

/** What the destination address turned out to be. */
export interface Target {
  ip: IpAddress;
  host?: string;
  port: number;
  /** The PaaS resource behind the address (via its public address or a private endpoint). */
  resource?: ArmResource;
  privateEndpoint?: PrivateEndpointIp;
}

/** Where the network path ended and how the service sees the request. */
export type PathEnd =
  { reached: false } | { reached: true; origin?: RequestOrigin; sourceIpSeenByService?: string };

/** What a DNS answer means for a trace: the stage's texts and the target behind it, built once per answer. */
interface AnswerTexts {
  summary: string;
  /** The answer's address as text (resolved answers). */
  ipText?: string;
  via?: string;
  resource?: ArmResource;
  privateEndpoint?: PrivateEndpointIp;
}

// An answer object belongs to one (host, linked zones) pair (dns.ts caches them so), so its texts may name the host.
const answerTexts = new WeakMap<DnsAnswer, AnswerTexts>();

function textsOf(estate: Estate, host: string, answer: DnsAnswer): AnswerTexts {
  let t = answerTexts.get(answer);
  if (t) return t;
  if (answer.kind === "nxdomain") {
    t = { summary: `${host} does not resolve: ${answer.reason}` };
  } else {
    const via =
      answer.kind === "public"
        ? "public DNS"
        : `private DNS zone ${answer.record.split(".").slice(1).join(".")}`;
    const alias = answer.cname ? ` (CNAME ${answer.cname})` : "";
    const ipText = formatIp(answer.ip);
    const target = targetOf(estate, answer.ip, answer, host, 0);
    t = {
      summary: `${host}${alias} → ${ipText} via ${via}`,
      ipText,
      via,
      ...(target.resource ? { resource: target.resource } : {}),
      ...(target.privateEndpoint ? { privateEndpoint: target.privateEndpoint } : {}),
    };
  }
  answerTexts.set(answer, t);
  return t;
}

function dnsStage(b: TraceBuilder, host: string, answer: DnsAnswer, t: AnswerTexts): IpAddress | undefined {
  if (answer.kind === "nxdomain") {
    b.push({
      stage: "dns",
      hop: 0,
      summary: t.summary,
      name: host,
      via: "privateDnsZone",
      zoneId: answer.zoneId,
      outcome: "block",
    });
    b.block({ stage: "dns", resourceId: answer.zoneId, rule: "NXDOMAIN", reason: answer.reason });
    return undefined;
  }
  b.push({
    stage: "dns",
    hop: 0,
    summary: t.summary,
    name: host,
    answer: t.ipText,
    via: answer.kind,
    zoneId: answer.kind === "privateDnsZone" ? answer.zoneId : undefined,
    outcome: "pass",
  });
  return answer.ip;
}

function targetOf(
  estate: Estate,
  ip: IpAddress,
  answer: DnsAnswer | undefined,
  host: string | undefined,
  port: number,
): Target {
  const pe = topologyOf(estate).privateEndpointByIp(ip)[0];
  if (pe) {
    const resource = estate.get(pe.targetId);
    return { ip, host, port, resource, privateEndpoint: pe };
  }
  const named = answer && answer.kind !== "nxdomain" ? answer.name : undefined;
  const resource = named?.resource ?? resourceAtPublicAddress(estate, ip)?.resource;
  return { ip, host, port, resource };
}

function firewallStage(
  b: TraceBuilder,
  estate: Estate,
  target: Target,
  origin: RequestOrigin,
  hop: number,
): void {
  const resource = target.resource;
  if (!resource) return;
  const result = evaluateFirewall(resource, { origin, host: target.host, port: target.port }, estate);
  b.push({
    stage: "firewall",
    hop,
    summary: `${resource.name}: ${result.decision} by ${result.rule} — ${result.reason}`,
    resourceId: resource.id,
    resourceType: resource.type,
    result,
  });
  if (result.decision === "Deny") {
    b.block(
      { stage: "firewall", resourceId: resource.id, rule: result.rule, reason: result.reason },
      result.response,
    );
  } else {
    b.allowBy({ stage: "firewall", resourceId: resource.id, rule: result.rule, reason: result.reason });
  }
}

export function trace(estate: Estate, flow: Flow): Trace {
  const b = new TraceBuilder();
  const src = flow.source;
  const nic = src.kind === "nic" ? nicSourceContext(estate, src) : undefined;
  let vnetId: string | undefined;
  if (src.kind === "nic") {
    // The flow's own subnet names the VNet whose DNS applies (its configuration's, unless built by hand).
    vnetId =
      nic?.at && src.subnetId === nic.config.subnetId
        ? nic.at.vnet.id
        : topologyOf(estate).vnetOf(src.subnetId)?.id;
    nicSourceStage(b, estate, src, nic);
  } else if (src.kind === "onprem") onPremisesSourceStage(b, estate, src);
  else
    b.push({ stage: "source", hop: 0, summary: `internet client ${formatIp(src.ip)}`, ip: formatIp(src.ip) });

  let ip: IpAddress | undefined;
  let target: Target | undefined;
  const dst = flow.destination;
  if (dst.kind === "fqdn") {
    const answer = resolve(estate, dst.host, vnetId);
    if (!answer)
      throw new VnetlabError("UnknownDestination", `no resource in the estate answers to ${dst.host}`);
    const t = textsOf(estate, dst.host, answer);
    ip = dnsStage(b, dst.host, answer, t);
    b.destination = { host: dst.host, ip: t.ipText, port: dst.port };
    if (!ip) return b.build();
    target = { ip, host: dst.host, port: dst.port, resource: t.resource, privateEndpoint: t.privateEndpoint };
  } else {
    ip = dst.ip;
    b.destination = { host: undefined, ip: formatIp(ip), port: dst.port };
    target = targetOf(estate, ip, undefined, undefined, dst.port);
  }
  if (target.resource) {
    b.destination.resourceId = target.resource.id;
    b.destination.resourceType = target.resource.type;
  }

  let end: PathEnd;
  if (src.kind === "nic") {
    end = walkFromNic(b, estate, flow, src, target, nic);
  } else if (src.kind === "onprem") {
    end = walkFromOnPremises(b, estate, flow, src, target);
  } else {
    end = target.privateEndpoint
      ? unreachableFromInternet(b, target)
      : { reached: true, origin: { kind: "public", ip: src.ip }, sourceIpSeenByService: formatIp(src.ip) };
    if (end.reached) {
      b.push({
        stage: "path",
        hop: 0,
        summary: `over the internet from ${formatIp(src.ip)}`,
        path: "internet",
        sourceIpSeenByService: formatIp(src.ip),
      });
    }
  }

  if (end.reached) {
    b.sourceIpSeenByService = end.sourceIpSeenByService;
    if (end.origin && target.resource && paasServiceByType(target.resource.type)) {
      firewallStage(b, estate, target, end.origin, b.lastHop);
    }
  }
  return b.build();
}

function unreachableFromInternet(b: TraceBuilder, target: Target): PathEnd {
  const reason = `${formatIp(target.ip)} is a private endpoint address, not reachable from the internet`;
  b.push({
    stage: "route",
    hop: 0,
    summary: reason,
    route: { addressPrefix: `${formatIp(target.ip)}/32`, nextHopType: "None", source: "Default" },
    why: "private addresses are not routed on the internet",
    outcome: "block",
  });
  b.block({ stage: "route", reason });
  return { reached: false };
}
