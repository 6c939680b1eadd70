// A vnetlab trace as Network Watcher's connectivity check reports it (§10 [S25]): hops from the source NIC
// through each virtual appliance to the destination, each with the issues found there. Every blocker of the
// trace becomes one issue on the hop where it acts:
//   NSG deny              → NetworkSecurityRule, origin Outbound (leaving a NIC) or Inbound (arriving at one)
//   route None / no route → UserDefinedRoute, origin Outbound (Azure uses it for system routes too)
//   DNS failure           → DnsResolution, origin Local, on the source
//   SE policy denial      → Platform, origin Outbound, on the NIC whose subnet applies the policy (vnetlab)
//   service firewall deny → Platform, origin Local, on the destination (vnetlab: Azure does not see it)
// Hop types follow Azure's examples (Source, VirtualAppliance, VirtualNetwork, Internet, Destination for a
// flow that never arrives); a service reached over a service endpoint is a `VirtualNetworkServiceEndpoint`
// hop and one behind a forced tunnel a `VirtualNetworkGateway` hop, which Azure does not report.
import type { Estate } from "../../../model/estate.js";
import { sameId } from "../../../model/resourceId.js";
import { formatIp } from "../../../net/index.js";
import type { Decision, Stage, Trace } from "../../../engine/index.js";
import { type NicSource, ipConfigurationId, nicSource } from "./targets.js";

export type IssueType = "DnsResolution" | "NetworkSecurityRule" | "UserDefinedRoute" | "Platform";

export interface ConnectivityIssue {
  origin: "Local" | "Inbound" | "Outbound";
  severity: "Error" | "Warning";
  type: IssueType;
  /** Key/value pairs, as Azure's examples show them: `[{ key: "RuleName", value: "..." }]`. */
  context: { key: string; value: string }[];
}

export interface ConnectivityHop {
  type: string;
  id: string;
  address?: string;
  resourceId?: string;
  nextHopIds: string[];
  previousHopIds: string[];
  issues: ConnectivityIssue[];
}

/** Hop ids are GUIDs in Azure; vnetlab's are deterministic so that the same estate gives the same answer. */
function hopId(index: number): string {
  return `00000000-0000-0000-0000-${index.toString(16).padStart(12, "0")}`;
}

const kv = (pairs: Record<string, string | undefined>): { key: string; value: string }[] =>
  Object.entries(pairs)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([key, value]) => ({ key, value }));

interface NicHop {
  hop: Omit<ConnectivityHop, "nextHopIds" | "previousHopIds">;
  nicId?: string;
  subnetId?: string;
}

const DESTINATION_TYPES: Record<string, string> = {
  virtualNetwork: "VirtualNetwork",
  peering: "VirtualNetwork",
  privateEndpoint: "VirtualNetwork",
  internet: "Internet",
  serviceEndpoint: "VirtualNetworkServiceEndpoint",
  gateway: "VirtualNetworkGateway",
};

function applianceHop(estate: Estate, stages: readonly Stage[], at: number): NicHop {
  const route = stages
    .slice(0, at)
    .reverse()
    .find((s) => s.stage === "route");
  const address = route?.stage === "route" ? route.route.nextHopIpAddress : undefined;
  let nva: NicSource | undefined;
  try {
    nva = address ? nicSource(estate, address) : undefined;
  } catch {
    nva = undefined; // overlapping address spaces: the trace's summary still names the appliance
  }
  return {
    hop: {
      type: "VirtualAppliance",
      id: "",
      address,
      resourceId: nva ? ipConfigurationId(nva) : undefined,
      issues: [],
    },
    nicId: nva?.nicId,
    subnetId: nva?.subnetId,
  };
}

function destinationHop(estate: Estate, trace: Trace, path: Stage | undefined): NicHop["hop"] | undefined {
  const address = trace.destination.ip;
  if (address === undefined) return undefined; // DNS failed: there is nowhere to go
  const kind = path?.stage === "path" ? path.path : "dropped";
  const type = DESTINATION_TYPES[kind] ?? "Destination";
  let resourceId = trace.destination.resourceId;
  if (kind === "virtualNetwork" || kind === "peering") {
    try {
      resourceId = ipConfigurationId(nicSource(estate, address));
    } catch {
      resourceId ??= "Unknown";
    }
  }
  resourceId ??= type === "Internet" ? "Internet" : "Unknown";
  return { type, id: "", address, resourceId, issues: [] };
}

function issueFor(d: Decision, stage: Stage | undefined): ConnectivityIssue {
  const reason = d.reason;
  switch (d.stage) {
    case "nsg":
      return {
        origin: stage?.stage === "nsg" && stage.direction === "Inbound" ? "Inbound" : "Outbound",
        severity: "Error",
        type: "NetworkSecurityRule",
        context: kv({ RuleName: d.rule, NetworkSecurityGroupId: d.resourceId, Reason: reason }),
      };
    case "route": {
      const source = stage?.stage === "route" ? stage.route.source : undefined;
      return {
        origin: "Outbound",
        severity: "Error",
        type: "UserDefinedRoute",
        context: kv({
          RouteType: source === undefined ? undefined : source === "Default" ? "System" : source,
          Route: d.rule,
          ResourceId: d.resourceId,
          Reason: reason,
        }),
      };
    }
    case "dns":
      return { origin: "Local", severity: "Error", type: "DnsResolution", context: kv({ Reason: reason }) };
    case "policy":
      return {
        origin: "Outbound",
        severity: "Error",
        type: "Platform",
        context: kv({ ServiceEndpointPolicyId: d.resourceId, Definition: d.rule, Reason: reason }),
      };
    case "firewall": {
      const response =
        stage?.stage === "firewall" && stage.result.decision === "Deny" ? stage.result.response : undefined;
      return {
        origin: "Local",
        severity: "Error",
        type: "Platform",
        context: kv({
          ServiceFirewall: d.resourceId,
          Rule: d.rule,
          StatusCode: response && response.status > 0 ? String(response.status) : undefined,
          ErrorCode: response?.code,
          Reason: reason,
        }),
      };
    }
  }
}

/** The stage that produced a blocker, when one did (NSG deny, route None, DNS, policy, firewall deny). */
function blockingStage(stages: readonly Stage[], used: Set<Stage>, d: Decision): Stage | undefined {
  return stages.find((s) => {
    if (used.has(s) || s.stage !== d.stage) return false;
    switch (s.stage) {
      case "nsg":
        return s.access === "Deny" && sameId(s.nsgId, d.resourceId) && s.rule === d.rule;
      case "route":
        return (
          s.outcome === "block" &&
          (d.rule === `${s.route.source} ${s.route.addressPrefix} → ${s.route.nextHopType}` ||
            (s.routeTableId !== undefined && sameId(s.routeTableId, d.resourceId)))
        );
      case "dns":
        return s.outcome === "block";
      case "policy":
        return s.outcome === "block" && sameId(s.policyIds[0], d.resourceId);
      case "firewall":
        return s.result.decision === "Deny" && sameId(s.resourceId, d.resourceId);
      default:
        return false;
    }
  });
}

/** The hops of a connectivity check from a NIC source, with one issue per blocker of the trace. */
export function hopsOf(estate: Estate, source: NicSource, trace: Trace): ConnectivityHop[] {
  const stages = trace.stages;
  const nicHops: NicHop[] = [
    {
      hop: {
        type: "Source",
        id: "",
        address: formatIp(source.privateIp),
        resourceId: ipConfigurationId(source),
        issues: [],
      },
      nicId: source.nicId,
      subnetId: source.subnetId,
    },
  ];
  stages.forEach((s, i) => {
    if (s.stage === "path" && s.path === "virtualAppliance") nicHops.push(applianceHop(estate, stages, i));
  });
  const lastPath = [...stages].reverse().find((s) => s.stage === "path" && s.path !== "virtualAppliance");
  const destination = destinationHop(estate, trace, lastPath);
  const hops = [...nicHops.map((h) => h.hop), ...(destination ? [destination] : [])];
  const last = hops.length - 1;
  const used = new Set<Stage>();
  for (const d of trace.blockers) {
    const stage = blockingStage(stages, used, d);
    if (stage) used.add(stage);
    hops[hopIndex(d, stage, nicHops, last, destination !== undefined)]!.issues.push(issueFor(d, stage));
  }
  return hops.map((h, i) => ({
    ...h,
    id: hopId(i),
    nextHopIds: i < last ? [hopId(i + 1)] : [],
    previousHopIds: i > 0 ? [hopId(i - 1)] : [],
  }));
}

function hopIndex(
  d: Decision,
  stage: Stage | undefined,
  nicHops: NicHop[],
  last: number,
  hasDestination: boolean,
): number {
  if (d.stage === "dns") return 0;
  if (d.stage === "firewall") return last; // the service, or a private endpoint that is not approved
  if (stage) return Math.min(stage.hop, last); // inbound NSGs sit one hop on: the appliance or destination
  // Blockers without a stage of their own (no route, appliance missing or not forwarding, no egress).
  const i = nicHops.findIndex((h) => sameId(h.nicId, d.resourceId) || sameId(h.subnetId, d.resourceId));
  if (i >= 0) return i;
  return hasDestination ? last : nicHops.length - 1;
}
