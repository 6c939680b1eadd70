// A reachability analysis run, computed by the engine: the intent's traffic as a set of packets (protocol x
// destination port), each traced from the source resource to the destination resource, and the result as the
// service returns it — `analysisResult` is a JSON string (networkVerifier.json ReachabilityAnalysisRunProperties).
//
// The result's shape. Published (stable/2024-07-01 examples/ReachabilityAnalysisRunGet.json, and the how-to's
// "whether all packets reached, some packets reached, or no packets reached"):
//   { "resultOutcome": "NoPacketsReached", "unreachedTrace": "<JSON array of hops, as a string>" }
// [INF] not published, chosen to match: the outcomes AllPacketsReached / SomePacketsReached; `reachedTrace`
// (the hops of a packet that arrives) beside `unreachedTrace` (of one that does not); and `vnetlab`, an
// extension with the verdict, the deciding rule and every packet's verdict, which Azure does not return.
//
// Choices, each [INF]: "Any" is TCP, UDP and ICMP (TCP only to a PaaS endpoint, which serves TCP); a port
// range is analysed at its first port; "*" and "0" (the spec example's "any") are the service's own port for a
// PaaS destination and otherwise port 0, which — like the engine's unknown port — only all-port rules admit.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { Estate } from "../../../model/estate.js";
import { publicHostsOf } from "../../../model/publicEndpoints.js";
import { NetworkTypes as N, type SubnetProperties } from "../../../model/resources/network.js";
import { containsIp, type IpAddress, parseIp, parsePrefix } from "../../../net/index.js";
import {
  type Decision,
  firstUsableAddress,
  type FlowDestination,
  type FlowSource,
  parseDestination,
  parseSource,
  type Protocol,
  type Trace,
  trace,
} from "../../../engine/index.js";
import { type VerifierHop, hopsOf } from "./hops.js";
import { type IntentContent, isDestinationType, isSourceType, portRange } from "./intents.js";

export type ResultOutcome = "AllPacketsReached" | "SomePacketsReached" | "NoPacketsReached";

export interface Packet {
  protocol: Protocol;
  destinationPort: number;
  sourcePort?: number;
}

export interface AnalysisResult {
  resultOutcome: ResultOutcome;
  reachedTrace?: string;
  unreachedTrace?: string;
  vnetlab: {
    /** Allow when every packet reaches the destination. */
    verdict: "Allow" | "Deny";
    /** What decided: the first packet that does not arrive, else the first packet. */
    decidedBy: Decision;
    packets: (Packet & { verdict: "Allow" | "Deny"; decidedBy: Decision; blockers: Decision[] })[];
  };
}

/** What a run stores: the result, or why the analysis could not run (provisioningState Failed). */
export interface RunOutcome {
  analysisResult: string;
  errorMessage: string;
  provisioningState: "Succeeded" | "Failed";
}

/** The source and destination of an intent, resolved in the estate. */
export interface Ends {
  source: FlowSource;
  sourceResource: ArmResource;
  destinationResource: ArmResource;
  /** A PaaS destination, reached by its public name. */
  paas: boolean;
  /** The port a client of the destination uses when the intent names none (PaaS only). */
  defaultPort: number;
  at(port: number): FlowDestination;
}

function subnetAddress(subnet: ArmResource, listed: readonly string[]): IpAddress | undefined {
  const p = (subnet as ArmResource<SubnetProperties>).properties;
  const prefixes = [p?.addressPrefix, ...(p?.addressPrefixes ?? [])].flatMap((t) => {
    const prefix = t === undefined ? undefined : parsePrefix(t);
    return prefix ? [prefix] : [];
  });
  for (const text of listed) {
    const ip = parseIp(text);
    if (ip && prefixes.some((x) => containsIp(x, ip))) return ip;
  }
  return firstUsableAddress(subnet as ArmResource<SubnetProperties>);
}

function unknownDestination(message: string): VnetlabError {
  return new VnetlabError("UnknownDestination", message);
}

/** Resolves an intent against the estate; what no longer resolves fails the run (VnetlabError). */
export function resolveEnds(estate: Estate, content: IntentContent): Ends {
  const sourceResource = estate.get(content.sourceResourceId);
  if (!sourceResource || !isSourceType(sourceResource))
    throw new VnetlabError("UnknownSource", `source ${content.sourceResourceId} is not in the estate`);
  let source = parseSource(estate, sourceResource.id);
  if (source.kind === "subnet") {
    const ip = subnetAddress(sourceResource, content.ipTraffic.sourceIps);
    if (ip) source = { ...source, privateIp: ip };
  }
  const dest = estate.get(content.destinationResourceId);
  if (!dest || !isDestinationType(dest))
    throw unknownDestination(`destination ${content.destinationResourceId} is not in the estate`);
  const base = { source, sourceResource, destinationResource: dest };
  const type = dest.type.toLowerCase();
  if (type === N.subnet.toLowerCase()) {
    const ip = subnetAddress(dest, content.ipTraffic.destinationIps);
    if (!ip) throw unknownDestination(`subnet ${dest.name} has no address prefix`);
    return { ...base, paas: false, defaultPort: 0, at: (port) => ({ kind: "ip", ip, port }) };
  }
  if (type === N.virtualMachine.toLowerCase() || type === N.networkInterface.toLowerCase()) {
    let target: FlowSource;
    try {
      target = parseSource(estate, dest.id);
    } catch (e) {
      if (e instanceof VnetlabError && e.code === "UnknownSource") throw unknownDestination(e.message);
      throw e;
    }
    if (target.kind !== "nic") throw unknownDestination(`${dest.id} is not a network interface`);
    const ip = target.privateIp;
    return { ...base, paas: false, defaultPort: 0, at: (port) => ({ kind: "ip", ip, port }) };
  }
  const host = publicHostsOf(dest).find((h) => !h.secondary && !h.scm)?.host;
  if (!host) throw unknownDestination(`${dest.type} ${dest.name} has no public endpoint`);
  const named = parseDestination(estate, host);
  return { ...base, paas: true, defaultPort: named.port, at: (port) => ({ ...named, port }) };
}

const ENGINE_PROTOCOLS: Record<string, Protocol[]> = {
  TCP: ["Tcp"],
  UDP: ["Udp"],
  ICMP: ["Icmp"],
  Any: ["Tcp", "Udp", "Icmp"],
};

/** The packets an intent's traffic stands for (see the choices at the top). */
export function packetsOf(content: IntentContent, ends: Ends): Packet[] {
  const t = content.ipTraffic;
  const anyPort = ends.paas ? ends.defaultPort : 0;
  const ports = [
    ...new Set(
      (t.destinationPorts.length > 0 ? t.destinationPorts : ["*"]).map((spec) => {
        const [first, last] = portRange(spec) ?? [0, 65535];
        return (first === 0 && last === 65535) || (first === 0 && last === 0) ? anyPort : first;
      }),
    ),
  ];
  const sourcePort = t.sourcePorts.map(portRange).find((r) => r && r[0] === r[1] && r[0] > 0)?.[0];
  const protocols = [
    ...new Set(
      (t.protocols.length > 0 ? t.protocols : ["Any"]).flatMap((p) =>
        ends.paas && p === "Any" ? (["Tcp"] as Protocol[]) : (ENGINE_PROTOCOLS[p] ?? []),
      ),
    ),
  ];
  return protocols.flatMap((protocol) =>
    (protocol === "Icmp" ? [anyPort] : ports).map((destinationPort) => ({
      protocol,
      destinationPort,
      ...(sourcePort !== undefined ? { sourcePort } : {}),
    })),
  );
}

function analyse(estate: Estate, content: IntentContent): AnalysisResult {
  const ends = resolveEnds(estate, content);
  const traced = packetsOf(content, ends).map((packet) => ({
    packet,
    trace: trace(estate, {
      source: ends.source,
      destination: ends.at(packet.destinationPort),
      protocol: packet.protocol,
      ...(packet.sourcePort !== undefined ? { sourcePort: packet.sourcePort } : {}),
    }),
  }));
  const reached = traced.find((t) => t.trace.verdict === "Allow");
  const unreached = traced.find((t) => t.trace.verdict === "Deny");
  const hops = (t: { packet: Packet; trace: Trace }): string =>
    JSON.stringify(hopsOf(estate, ends, t.packet, t.trace) satisfies VerifierHop[]);
  return {
    resultOutcome: !unreached ? "AllPacketsReached" : !reached ? "NoPacketsReached" : "SomePacketsReached",
    ...(reached ? { reachedTrace: hops(reached) } : {}),
    ...(unreached ? { unreachedTrace: hops(unreached) } : {}),
    vnetlab: {
      verdict: unreached ? "Deny" : "Allow",
      decidedBy: (unreached ?? traced[0]!).trace.decidedBy,
      packets: traced.map(({ packet, trace: t }) => ({
        ...packet,
        verdict: t.verdict,
        decidedBy: t.decidedBy,
        blockers: t.blockers,
      })),
    },
  };
}

/** Runs the analysis of an intent; an intent that no longer resolves gives a Failed run with its reason. */
export function runAnalysis(estate: Estate, content: IntentContent): RunOutcome {
  try {
    const result = analyse(estate, content);
    return { analysisResult: JSON.stringify(result), errorMessage: "", provisioningState: "Succeeded" };
  } catch (e) {
    if (!(e instanceof VnetlabError)) throw e;
    return { analysisResult: "", errorMessage: `${e.code}: ${e.message}`, provisioningState: "Failed" };
  }
}
