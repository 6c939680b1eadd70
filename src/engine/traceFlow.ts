// The whole pipeline of semantics §0 for one flow: DNS, outbound NSGs, route selection (hop by hop through
// appliances), the path and the source IP the service sees, service endpoint policies, the service firewall.
// Evaluation goes on past the first blocker, so a trace lists every blocker on the path.
import type { ArmResource } from "../model/arm.js";
import { VnetlabError } from "../model/errors.js";
import type { Estate } from "../model/estate.js";
import type { SubnetProperties } from "../model/resources/network.js";
import { formatIp, type IpAddress } from "../net/index.js";
import { linkedZones } from "./dns.js";
import { type DnsTarget, type DnsTargets, dnsTargets, resourceAt } from "./dnsTarget.js";
import { evaluateWith, type FirewallResult, type ServiceFirewall } from "./firewalls/index.js";
import type { RequestOrigin } from "./firewalls/types.js";
import type { Flow } from "./flow.js";
import { type NicSource, nicSourceStage, subnetSourceStage, walkFromNic } from "./nicPath.js";
import { evaluateServiceEndpointPolicies } from "./policy.js";
import { onPremisesSourceStage, walkFromOnPremises } from "./onPremisesPath.js";
import {
  contextOf,
  type EstateContext,
  type NicContext,
  namesFrom,
  nicSourceContext,
  publicNames,
  subnetSourceContext,
} from "./sourceContext.js";
import type { PrivateEndpointIp } from "./topology.js";
import type { Trace } from "./trace.js";
import { TraceBuilder } from "./traceBuilder.js";

/** What the destination address turned out to be. */
export interface Target {
  ip: IpAddress;
  host?: string;
  port: number;
  /** The flow's URL scheme said https (true) or http (false); undefined without a scheme. */
  secure?: boolean;
  /** The PaaS resource behind the address (via its public address or a private endpoint). */
  resource?: ArmResource;
  privateEndpoint?: PrivateEndpointIp;
  /** The resource is a PaaS service, and its firewall (see dnsTarget.ts). */
  paas: boolean;
  firewall?: ServiceFirewall;
  /** The name the address came from, which keeps the firewall bound to the resource. */
  name?: DnsTarget;
  /** `storageRegionOf` the resource. */
  storageRegion: string | undefined | null;
}

/**
 * Where the network path ended and how the service sees the request; `policySubnet` is the subnet whose
 * service endpoint policies filter the request (it left over that subnet's endpoint).
 */
export type PathEnd =
  | { reached: false }
  | {
      reached: true;
      origin?: RequestOrigin;
      sourceIpSeenByService?: string;
      policySubnet?: ArmResource<SubnetProperties>;
    };

/**
 * A trace up to the end of the network path: DNS, NSGs, routes, appliances and the path. What follows —
 * the service endpoint policies and the service's firewall — depends on the destination resource alone, so
 * analyses that share a network path between resources finish it per resource (`finishTrace`).
 */
export interface NetworkPhase {
  builder: TraceBuilder;
  /** Undefined when the name did not resolve. */
  target?: Target;
  end: PathEnd;
}

function dnsStage(b: TraceBuilder, host: string, t: DnsTarget): IpAddress | undefined {
  const answer = t.answer;
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

function policyStage(
  b: TraceBuilder,
  estate: Estate,
  subnet: ArmResource<SubnetProperties>,
  resource: ArmResource,
  hop: number,
): void {
  const policy = evaluateServiceEndpointPolicies(estate, subnet, resource);
  if (policy.outcome === "none") return;
  b.push({
    stage: "policy",
    hop,
    summary: policy.reason,
    policyIds: policy.policyIds,
    outcome: policy.outcome,
    definition: policy.definition,
  });
  const d = {
    stage: "policy" as const,
    resourceId: policy.policyIds[0],
    rule: policy.definition,
    reason: policy.reason,
  };
  if (policy.outcome === "block") b.block(d);
  else b.allowBy(d);
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
  const request = { origin, host: target.host, port: target.port, secure: target.secure };
  const name = target.name;
  let result: FirewallResult;
  if (name) {
    const firewall = target.firewall;
    name.check ??= firewall?.bind?.(resource, estate) ?? ((r) => evaluateWith(firewall, resource, r, estate));
    result = name.check(request);
  } else {
    result = evaluateWith(target.firewall, resource, request, estate);
  }
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

/** Names as the source resolves them: a NIC through the zones linked to its subnet's VNet, others publicly. */
function namesSeenFrom(
  estate: Estate,
  c: EstateContext,
  src: Flow["source"],
  nic: NicContext | undefined,
): DnsTargets {
  if (src.kind !== "nic" && src.kind !== "subnet") return publicNames(estate, c);
  // The flow's own subnet names the VNet (its configuration's, unless the source was built by hand).
  if (nic && src.subnetId === nic.subnetId) return namesFrom(estate, nic);
  return dnsTargets(estate, linkedZones(estate, c.topo.vnetOf(src.subnetId)?.id));
}

/** The NIC configuration a flow starts from (a subnet source's stand-in); none outside Azure. */
function configOf(estate: Estate, c: EstateContext, src: Flow["source"]): NicContext | undefined {
  if (src.kind === "nic") return nicSourceContext(estate, c, src);
  return src.kind === "subnet" ? subnetSourceContext(estate, c, src) : undefined;
}

/** The names as a flow's source resolves them (one object per set of linked zones). */
export function namesSeenBy(estate: Estate, src: Flow["source"]): DnsTargets {
  const c = contextOf(estate);
  const nic = configOf(estate, c, src);
  return namesSeenFrom(estate, c, src, nic);
}

export function trace(estate: Estate, flow: Flow): Trace {
  return finishTrace(estate, traceNetwork(estate, flow));
}

/** The rest of a trace: the service endpoint policies and the firewall of the target's resource. */
export function finishTrace(estate: Estate, phase: NetworkPhase): Trace {
  const { builder: b, target, end } = phase;
  if (target && end.reached) {
    if (end.policySubnet && target.resource)
      policyStage(b, estate, end.policySubnet, target.resource, b.lastHop);
    if (end.origin && target.resource && target.paas) firewallStage(b, estate, target, end.origin, b.lastHop);
  }
  return b.build();
}

/** The target a resolved name stands for. */
export function targetOfName(t: DnsTarget, ip: IpAddress, host: string, port: number): Target {
  return {
    ip,
    host,
    port,
    resource: t.resource,
    privateEndpoint: t.privateEndpoint,
    paas: t.paas,
    firewall: t.firewall,
    name: t,
    storageRegion: t.storageRegion,
  };
}

/** A subnet source as a NIC source of its stand-in configuration (see subnetSourceContext). */
function asNicSource(src: Extract<Flow["source"], { kind: "subnet" }>, n: NicContext): NicSource {
  return {
    kind: "nic",
    nicId: n.nicId,
    ipConfigName: n.name,
    privateIp: src.privateIp,
    subnetId: src.subnetId,
  };
}

export function traceNetwork(estate: Estate, flow: Flow): NetworkPhase {
  const b = new TraceBuilder();
  const src = flow.source;
  const c = contextOf(estate);
  const nic = configOf(estate, c, src);
  // An internet client's address, as text (the stages name it several times).
  const clientIp = src.kind === "internet" ? formatIp(src.ip) : "";
  if (src.kind === "nic") nicSourceStage(b, estate, src, nic);
  else if (src.kind === "subnet") subnetSourceStage(b, src, nic);
  else if (src.kind === "onprem") onPremisesSourceStage(b, estate, src);
  else b.push({ stage: "source", hop: 0, summary: `internet client ${clientIp}`, ip: clientIp });

  let ip: IpAddress | undefined;
  let target: Target | undefined;
  const dst = flow.destination;
  if (dst.kind === "fqdn") {
    const t = namesSeenFrom(estate, c, src, nic).get(dst.host);
    if (!t) throw new VnetlabError("UnknownDestination", `no resource in the estate answers to ${dst.host}`);
    ip = dnsStage(b, dst.host, t);
    if (!ip) {
      b.destination = { host: dst.host, ip: t.ipText, port: dst.port };
      return { builder: b, end: { reached: false } };
    }
    target = targetOfName(t, ip, dst.host, dst.port);
  } else {
    ip = dst.ip;
    target = { ip, port: dst.port, ...resourceAt(estate, ip, undefined) };
  }
  // Only a URL says whether the request is TLS; `host:port` leaves it unknown, which the services take as TLS.
  if (dst.scheme) target.secure = dst.scheme === "https";
  const host = dst.kind === "fqdn" ? dst.host : undefined;
  const ipText = dst.kind === "fqdn" ? target.name!.ipText : formatIp(ip);
  const resource = target.resource;
  b.destination = resource
    ? { host, ip: ipText, port: dst.port, resourceId: resource.id, resourceType: resource.type }
    : { host, ip: ipText, port: dst.port };

  let end: PathEnd;
  if (src.kind === "nic") {
    end = walkFromNic(b, estate, flow, src, target, nic);
  } else if (src.kind === "subnet") {
    if (!nic) throw new VnetlabError("UnknownSource", `no subnet ${src.subnetId} in the estate`);
    end = walkFromNic(b, estate, flow, asNicSource(src, nic), target, nic);
  } else if (src.kind === "onprem") {
    end = walkFromOnPremises(b, estate, flow, src, target);
  } else {
    end = target.privateEndpoint
      ? unreachableFromInternet(b, target)
      : { reached: true, origin: { kind: "public", ip: src.ip }, sourceIpSeenByService: clientIp };
    if (end.reached) {
      b.push({
        stage: "path",
        hop: 0,
        summary: `over the internet from ${clientIp}`,
        path: "internet",
        sourceIpSeenByService: clientIp,
      });
    }
  }
  if (end.reached) b.sourceIpSeenByService = end.sourceIpSeenByService;
  return { builder: b, target, end };
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
