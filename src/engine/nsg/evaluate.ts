// NSG evaluation on the hot path (§3.3): outbound NIC NSG then subnet NSG, inbound subnet then NIC; in each,
// the first matching rule by priority decides; a missing NSG allows. Also IP flow verify, which is this
// and nothing else (no routes, firewalls or policies) [S27].
import type { Estate } from "../../model/estate.js";
import type { NetworkInterfaceProperties, SubnetProperties } from "../../model/resources/network.js";
import { formatIp, type IpAddress, ipEquals, PrefixSet } from "../../net/index.js";
import type { Protocol } from "../flow.js";
import { topologyOf } from "../topology.js";
import { PLATFORM_IPS } from "./addresses.js";
import { addressMatches, type CompiledNsg, type CompiledRule, compiledNsg } from "./compile.js";
import { portMatches } from "./ports.js";
import { runProgram } from "./program.js";
import type { Access, Association, Direction, NsgEvaluation, NsgFlow } from "./types.js";
import { virtualNetworkTag } from "./virtualNetworkTag.js";

/** The NSGs that filter traffic at one NIC (or subnet), and the VirtualNetwork tag as seen there. */
export interface NsgPoint {
  nic?: CompiledNsg;
  subnet?: CompiledNsg;
  /** The VirtualNetwork set of the subnet; empty when no NSG applies (nothing reads it then). */
  vnet: PrefixSet;
}

const points = new WeakMap<Estate, Map<string, Map<string, NsgPoint>>>();

/** The NSGs on a NIC and its subnet, cached by the raw id strings callers pass again and again. */
export function nsgPointOf(
  estate: Estate,
  nicId: string | undefined,
  subnetId: string | undefined,
): NsgPoint {
  let byNic = points.get(estate);
  if (!byNic) {
    byNic = new Map();
    points.set(estate, byNic);
  }
  let bySubnet = byNic.get(nicId ?? "");
  if (!bySubnet) {
    bySubnet = new Map();
    byNic.set(nicId ?? "", bySubnet);
  }
  let point = bySubnet.get(subnetId ?? "");
  if (!point) {
    const nicNsg = estate.get<NetworkInterfaceProperties>(nicId)?.properties?.networkSecurityGroup?.id;
    const subnetNsg = estate.get<SubnetProperties>(subnetId)?.properties?.networkSecurityGroup?.id;
    const nic = nicNsg ? compiledNsg(estate, nicNsg) : undefined;
    const subnet = subnetNsg ? compiledNsg(estate, subnetNsg) : undefined;
    point = {
      ...(nic ? { nic } : {}),
      ...(subnet ? { subnet } : {}),
      vnet: nic || subnet ? virtualNetworkTag(estate, subnetId).set : PrefixSet.empty,
    };
    bySubnet.set(subnetId ?? "", point);
  }
  return point;
}

const PROTOCOL_ANY = "*";

/**
 * The first rule of one direction of an NSG (by priority) that matches the packet, or undefined when none
 * does: then the packet is platform traffic no platform-tag rule names, which NSGs do not filter [S4].
 */
export function firstMatch(
  nsg: CompiledNsg,
  outbound: boolean,
  protocol: Protocol,
  sourceIp: IpAddress,
  sourcePort: number | undefined,
  destinationIp: IpAddress,
  destinationPort: number | undefined,
  vnet: PrefixSet,
): CompiledRule | undefined {
  const i = firstMatchIndex(
    nsg,
    outbound,
    protocol,
    sourceIp,
    sourcePort,
    destinationIp,
    destinationPort,
    vnet,
  );
  return i < 0 ? undefined : (outbound ? nsg.outbound : nsg.inbound)[i];
}

/** `firstMatch` as the rule's index in its direction's list (by priority), or -1. */
export function firstMatchIndex(
  nsg: CompiledNsg,
  outbound: boolean,
  protocol: Protocol,
  sourceIp: IpAddress,
  sourcePort: number | undefined,
  destinationIp: IpAddress,
  destinationPort: number | undefined,
  vnet: PrefixSet,
): number {
  const rules = outbound ? nsg.outbound : nsg.inbound;
  // [S4] The VM's own traffic to the host's virtual IPs (DNS, DHCP, IMDS) is not filtered unless a rule
  // names AzurePlatformDNS/IMDS/LKM. Inbound health probes from 168.63.129.16 are filtered (that is what
  // AllowAzureLoadBalancerInBound is for).
  const platform = outbound && PLATFORM_IPS.has(destinationIp);
  const ported = protocol === "Tcp" || protocol === "Udp";
  const sp = ported ? sourcePort : undefined;
  const dp = ported ? destinationPort : undefined;
  if (
    !platform &&
    sourceIp.family === 4 &&
    destinationIp.family === 4 &&
    dp !== undefined &&
    dp === Math.trunc(dp) &&
    dp >= 0 &&
    dp <= 65535
  ) {
    // IPv4 TCP/UDP: the compiled program tests only the rules whose protocol and ports admit the packet.
    return runProgram(
      outbound ? nsg.outboundProgram : nsg.inboundProgram,
      protocol === "Tcp",
      sourceIp.value,
      sp,
      destinationIp.value,
      dp,
      vnet.pairs4,
    );
  }
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (platform && !r.destination.platform) continue;
    if (r.protocol !== PROTOCOL_ANY && r.protocol !== protocol) continue;
    if (!portMatches(r.sourcePorts, sp) || !portMatches(r.destinationPorts, dp)) continue;
    if (addressMatches(r.source, sourceIp, vnet) && addressMatches(r.destination, destinationIp, vnet))
      return i;
  }
  return -1;
}

function evaluateOne(nsg: CompiledNsg, association: Association, f: NsgFlow, vnet: PrefixSet): NsgEvaluation {
  const outbound = f.direction === "Outbound";
  const r = firstMatch(
    nsg,
    outbound,
    f.protocol,
    f.sourceIp,
    f.sourcePort,
    f.destinationIp,
    f.destinationPort,
    vnet,
  );
  if (r) {
    return {
      nsgId: nsg.id,
      association,
      direction: f.direction,
      rule: r.name,
      ...(r.id !== undefined ? { ruleId: r.id } : {}),
      priority: r.priority,
      access: r.access,
      reason: r.reason,
    };
  }
  return {
    nsgId: nsg.id,
    association,
    direction: f.direction,
    rule: "AzurePlatform",
    priority: 0,
    access: "Allow",
    platformBypass: true,
    reason: `traffic to ${formatIp(f.destinationIp)} is Azure platform traffic, not subject to NSGs unless a rule uses AzurePlatformDNS, AzurePlatformIMDS or AzurePlatformLKM`,
  };
}

/**
 * One evaluation per NSG on the path, in evaluation order. Every NSG is evaluated, so a trace can show each
 * blocker; the flow passes only when all allow (see `nsgVerdict`).
 */
export function evaluateNsgs(estate: Estate, flow: NsgFlow): NsgEvaluation[] {
  const point = nsgPointOf(estate, flow.nicId, flow.subnetId);
  if (!point.nic && !point.subnet) return [];
  const vnet = point.vnet;
  const out: NsgEvaluation[] = [];
  // [S5] Outbound: NIC NSG, then subnet NSG. Inbound: subnet NSG, then NIC NSG.
  if (flow.direction === "Outbound") {
    if (point.nic) out.push(evaluateOne(point.nic, "networkInterface", flow, vnet));
    if (point.subnet) out.push(evaluateOne(point.subnet, "subnet", flow, vnet));
  } else {
    if (point.subnet) out.push(evaluateOne(point.subnet, "subnet", flow, vnet));
    if (point.nic) out.push(evaluateOne(point.nic, "networkInterface", flow, vnet));
  }
  return out;
}

/** Both NSGs must allow [S5]: the first Deny decides; no NSG at all allows. */
export function nsgVerdict(evaluations: readonly NsgEvaluation[]): {
  access: Access;
  decidedBy?: NsgEvaluation;
} {
  const deny = evaluations.find((e) => e.access === "Deny");
  if (deny) return { access: "Deny", decidedBy: deny };
  const last = evaluations[evaluations.length - 1];
  return last ? { access: "Allow", decidedBy: last } : { access: "Allow" };
}

export interface IpFlowVerifyRequest {
  nicId: string;
  direction: Direction;
  protocol: Protocol | "TCP" | "UDP";
  /** The NIC's address; the NIC's primary address when omitted. */
  localIp?: IpAddress;
  localPort?: number;
  remoteIp: IpAddress;
  remotePort?: number;
}

export interface IpFlowVerifyResult {
  access: Access;
  /** The deciding rule, `securityRules/<name>` or `defaultSecurityRules/<name>`; absent without NSGs. */
  ruleName?: string;
  evaluations: NsgEvaluation[];
}

/** Network Watcher IP flow verify: NSGs only, for a NIC's address and a remote endpoint [S27]. */
export function ipFlowVerify(estate: Estate, req: IpFlowVerifyRequest): IpFlowVerifyResult {
  const configs = topologyOf(estate).ipConfigsOf(req.nicId);
  const config =
    (req.localIp && configs.find((c) => ipEquals(c.privateIp, req.localIp!))) ??
    configs.find((c) => c.primary) ??
    configs[0];
  const local = req.localIp ?? config?.privateIp;
  if (!local) return { access: "Allow", evaluations: [] };
  const protocol =
    req.protocol.toUpperCase() === "UDP" ? "Udp" : req.protocol.toUpperCase() === "ICMP" ? "Icmp" : "Tcp";
  const outbound = req.direction === "Outbound";
  const evaluations = evaluateNsgs(estate, {
    nicId: req.nicId,
    ...(config ? { subnetId: config.subnetId } : {}),
    direction: req.direction,
    protocol,
    sourceIp: outbound ? local : req.remoteIp,
    destinationIp: outbound ? req.remoteIp : local,
    ...(outbound ? { sourcePort: req.localPort, destinationPort: req.remotePort } : {}),
    ...(!outbound ? { sourcePort: req.remotePort, destinationPort: req.localPort } : {}),
  });
  const verdict = nsgVerdict(evaluations);
  return {
    access: verdict.access,
    ...(verdict.decidedBy ? { ruleName: verdict.decidedBy.rule } : {}),
    evaluations,
  };
}
