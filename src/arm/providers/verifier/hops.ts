// A vnetlab trace as the verifier's analysis result lists it: one hop per resource that acted on the packet,
// each with the packet as it stands there and an explanation. The hop shape and the explanation codes
// MATCHED_NETWORK_INTERFACE_IP_SOURCE, MATCHED_NETWORK_SECURITY_RULE, MATCHED_SYSTEM_ROUTE and
// MATCHED_SUBNET_PREFIX (with matchedNetworkInterfaceAddress, matchedSecurityRule, matchedSubnetRoute,
// matchedSubnetPrefix) follow stable/2024-07-01 examples/ReachabilityAnalysisRunGet.json. Every other code
// and detail key is [INF]: the service's full list is not published. The description is vnetlab's stage summary.
import type { Estate } from "../../../model/estate.js";
import { parentId, parseResourceId, sameId } from "../../../model/resourceId.js";
import {
  NetworkTypes as N,
  type NetworkSecurityGroupProperties,
  type SecurityRuleProperties,
  type SubnetProperties,
} from "../../../model/resources/network.js";
import { type Decision, parseSource, type Stage, type Trace } from "../../../engine/index.js";
import { DEFAULT_RULES } from "../../../engine/nsg/index.js";
import type { Ends, Packet } from "./analysis.js";

export interface PacketView {
  destinationAddress: string;
  destinationPort: string;
  sourceAddress: string;
  sourcePort: string;
  protocol: string;
}

export interface VerifierHop {
  name: string;
  resourceId: string;
  resourceType: string;
  packet: PacketView;
  explanation: { description: string; explanationCode: string } & Record<string, unknown>;
}

type Explanation = VerifierHop["explanation"];
type Step = { at: string | undefined; explanation: Explanation };

function resourceOf(
  estate: Estate,
  id: string | undefined,
): Pick<VerifierHop, "name" | "resourceId" | "resourceType"> {
  const r = id ? estate.get(id) : undefined;
  if (r) return { name: r.name, resourceId: r.id, resourceType: r.type };
  const parts = id ? parseResourceId(id) : undefined;
  return { name: parts?.name ?? "", resourceId: id ?? "", resourceType: parts?.type ?? "" };
}

const joined = (one: string | undefined, many: string[] | undefined): string | undefined =>
  one ?? (many && many.length > 0 ? many.join(",") : undefined);

function securityRule(estate: Estate, s: Extract<Stage, { stage: "nsg" }>): Record<string, unknown> {
  const nsg = estate.get<NetworkSecurityGroupProperties>(s.nsgId)?.properties;
  const [kind, name] = s.rule.split("/");
  const rules: readonly { name: string; properties?: SecurityRuleProperties }[] =
    kind === "defaultSecurityRules"
      ? (nsg?.defaultSecurityRules ?? DEFAULT_RULES)
      : (nsg?.securityRules ?? []);
  const p = rules.find((r) => r.name.toLowerCase() === name?.toLowerCase())?.properties;
  return {
    name: s.rule,
    action: s.access,
    priority: s.priority,
    direction: s.direction,
    ...(p
      ? {
          sourceAddress: joined(p.sourceAddressPrefix, p.sourceAddressPrefixes),
          destinationAddress: joined(p.destinationAddressPrefix, p.destinationAddressPrefixes),
          sourcePort: joined(p.sourcePortRange, p.sourcePortRanges),
          destinationPort: joined(p.destinationPortRange, p.destinationPortRanges),
          protocol: p.protocol,
        }
      : {}),
  };
}

function subnetPrefix(estate: Estate, subnetId: string): string | undefined {
  const p = estate.get<SubnetProperties>(subnetId)?.properties;
  return p?.addressPrefix ?? p?.addressPrefixes?.[0];
}

/** The subnet holding a private destination address, for the VNet hop of an in-VNet or peered path. */
function destinationSubnet(estate: Estate, trace: Trace): string | undefined {
  try {
    const s = trace.destination.ip ? parseSource(estate, trace.destination.ip) : undefined;
    return s?.kind === "nic" ? s.subnetId : undefined;
  } catch {
    return undefined;
  }
}

const PATH_CODES: Record<string, string> = {
  serviceEndpoint: "MATCHED_SERVICE_ENDPOINT",
  internet: "ROUTED_TO_INTERNET",
  privateEndpoint: "MATCHED_PRIVATE_ENDPOINT",
  virtualAppliance: "FORWARDED_BY_VIRTUAL_APPLIANCE",
  gateway: "ROUTED_TO_VIRTUAL_NETWORK_GATEWAY",
  dropped: "PACKET_DROPPED",
};

const ROUTE_CODES: Record<string, string> = {
  Default: "MATCHED_SYSTEM_ROUTE",
  User: "MATCHED_USER_DEFINED_ROUTE",
  VirtualNetworkGateway: "MATCHED_GATEWAY_ROUTE",
};

/** The hops of one stage (two for a VM source: the VM, then its NIC, as in the spec example). */
function stepsOf(estate: Estate, ends: Ends, trace: Trace, s: Stage, subnet: string | undefined): Step[] {
  const one = (at: string | undefined, explanationCode: string, details: object = {}): Step[] => [
    { at, explanation: { description: s.summary, explanationCode, ...details } },
  ];
  const prefixOf = (id: string | undefined): object => ({
    matchedSubnetPrefix: { subnet: id, subnetPrefix: id && subnetPrefix(estate, id) },
  });
  switch (s.stage) {
    case "source": {
      if (!s.nicId) return one(s.subnetId, "MATCHED_SUBNET_PREFIX", prefixOf(s.subnetId));
      const nic = one(s.nicId, "MATCHED_NETWORK_INTERFACE_IP_SOURCE", {
        matchedNetworkInterfaceAddress: { networkInterface: s.nicId, ipAddress: s.ip },
      });
      const vm = ends.sourceResource.type.toLowerCase() === N.virtualMachine.toLowerCase();
      return vm ? [{ ...nic[0]!, at: ends.sourceResource.id }, ...nic] : nic;
    }
    case "dns": {
      const code =
        s.outcome === "block"
          ? "DNS_RESOLUTION_FAILED"
          : s.via === "privateDnsZone"
            ? "RESOLVED_BY_PRIVATE_DNS_ZONE"
            : "RESOLVED_BY_PUBLIC_DNS";
      return one(s.zoneId ?? trace.destination.resourceId, code, {
        matchedDnsRecord: { name: s.name, ...(s.answer ? { ipAddress: s.answer } : {}) },
      });
    }
    case "nsg":
      return one(s.nsgId, "MATCHED_NETWORK_SECURITY_RULE", { matchedSecurityRule: securityRule(estate, s) });
    case "route": {
      const r = s.route;
      const code =
        s.outcome === "block" ? "DROPPED_BY_ROUTE" : (ROUTE_CODES[r.source] ?? "MATCHED_SYSTEM_ROUTE");
      return one(s.routeTableId ?? subnet, code, {
        matchedSubnetRoute: {
          source: r.source,
          addressPrefix: r.addressPrefix,
          nextHopIpAddress: r.nextHopIpAddress ? [r.nextHopIpAddress] : [],
          nextHopType: r.nextHopType,
        },
      });
    }
    case "path": {
      if (s.path === "virtualNetwork" || s.path === "peering") {
        const dest = destinationSubnet(estate, trace);
        return one(dest ? parentId(dest) : subnet, "MATCHED_SUBNET_PREFIX", prefixOf(dest));
      }
      const seen = s.sourceIpSeenByService ? { sourceAddressSeenByService: s.sourceIpSeenByService } : {};
      return one(subnet, PATH_CODES[s.path] ?? "PACKET_DROPPED", seen);
    }
    case "policy":
      return one(
        s.policyIds[0],
        s.outcome === "block" ? "DENIED_BY_SERVICE_ENDPOINT_POLICY" : "MATCHED_SERVICE_ENDPOINT_POLICY",
        s.definition ? { matchedServiceEndpointPolicyDefinition: s.definition } : {},
      );
    case "firewall": {
      const r = s.result;
      const response = r.decision === "Deny" && r.response ? { serviceResponse: r.response } : {};
      return one(
        s.resourceId,
        r.decision === "Deny" ? "DENIED_BY_SERVICE_FIREWALL" : "MATCHED_SERVICE_FIREWALL_RULE",
        { matchedFirewallRule: { rule: r.rule, action: r.decision, reason: r.reason, ...response } },
      );
    }
  }
}

const blocks = (s: Stage): boolean =>
  ((s.stage === "dns" || s.stage === "route" || s.stage === "policy") && s.outcome === "block") ||
  (s.stage === "nsg" && s.access === "Deny") ||
  (s.stage === "firewall" && s.result.decision === "Deny") ||
  (s.stage === "path" && s.path === "dropped");

/** The closing hop: where an allowed packet arrives, or the blocker no stage showed (no route, no appliance). */
function closing(ends: Ends, trace: Trace, last: string | undefined, shown: boolean): Step | undefined {
  const d: Decision = trace.decidedBy;
  if (trace.verdict === "Allow") {
    if (sameId(last, ends.destinationResource.id)) return undefined;
    return {
      at: ends.destinationResource.id,
      explanation: { description: d.reason, explanationCode: "REACHED_DESTINATION" },
    };
  }
  if (shown) return undefined;
  return {
    at: d.resourceId,
    explanation: {
      description: d.reason,
      explanationCode: "PACKET_DROPPED",
      ...(d.rule ? { rule: d.rule } : {}),
    },
  };
}

/** The hops of one traced packet, with the packet as each hop sees it (NAT changes the source on the way). */
export function hopsOf(estate: Estate, ends: Ends, packet: Packet, trace: Trace): VerifierHop[] {
  const view: PacketView = {
    destinationAddress: trace.destination.ip ?? trace.destination.host ?? "",
    destinationPort: String(packet.destinationPort),
    sourceAddress: "",
    sourcePort: String(packet.sourcePort ?? 0),
    protocol: packet.protocol.toUpperCase(),
  };
  const hops: VerifierHop[] = [];
  let subnet: string | undefined;
  let shown = false;
  const push = (step: Step): void => {
    hops.push({ ...resourceOf(estate, step.at), packet: { ...view }, explanation: step.explanation });
  };
  for (const s of trace.stages) {
    if (s.stage === "source") {
      view.sourceAddress = s.ip;
      subnet = s.subnetId;
    }
    stepsOf(estate, ends, trace, s, subnet).forEach(push);
    if (s.stage === "path" && s.sourceIpSeenByService) view.sourceAddress = s.sourceIpSeenByService;
    shown ||= blocks(s);
  }
  const end = closing(ends, trace, hops.at(-1)?.resourceId, shown);
  if (end) push(end);
  return hops;
}
