// The path of a flow that starts at a NIC: outbound NSGs, the route that wins, and what that next hop means,
// hop by hop through virtual appliances (a UDR to an NVA continues from the NVA's NIC and subnet).
import type { Estate } from "../model/estate.js";
import { formatIp, type IpAddress } from "../net/index.js";
import type { Flow, FlowSource } from "./flow.js";
import { nsgPointOf } from "./nsg/index.js";
import { nsgStages } from "./nsgStage.js";
import { type RouteDecision, routeTexts } from "./routes/index.js";
import {
  egressPath,
  type NicContext,
  nicContext,
  type SubnetContext,
  sameRegionStorage,
  serviceEndpointOrigin,
  sourceMatches,
} from "./sourceContext.js";
import { type NicIpConfig, topologyOf } from "./topology.js";
import type { PathKind } from "./trace.js";
import type { TraceBuilder } from "./traceBuilder.js";
import type { PathEnd, Target } from "./traceFlow.js";

/** Appliances forward to appliances at most this many times before vnetlab calls it a loop. */
const MAX_HOPS = 8;

export type NicSource = Extract<FlowSource, { kind: "nic" }>;

function pathStage(b: TraceBuilder, hop: number, path: PathKind, summary: string, seen?: string): void {
  b.push({ stage: "path", hop, summary, path, sourceIpSeenByService: seen });
}

function sourceSummary(estate: Estate, src: NicSource): string {
  const vmName = topologyOf(estate).vmOf(src.nicId)?.name;
  const nicName = src.nicId.split("/").pop();
  return `${vmName ? `VM ${vmName}, ` : ""}NIC ${nicName} ${formatIp(src.privateIp)} in subnet ${src.subnetId.split("/").pop()}`;
}

export function nicSourceStage(
  b: TraceBuilder,
  estate: Estate,
  src: NicSource,
  n: NicContext | undefined,
): void {
  // The configuration's texts serve whenever the source says what the configuration says.
  const same = n !== undefined && sourceMatches(src, n);
  const summary = same ? (n.sourceSummary ??= sourceSummary(estate, src)) : sourceSummary(estate, src);
  b.push({
    stage: "source",
    hop: 0,
    summary,
    nicId: src.nicId,
    subnetId: src.subnetId,
    ip: same ? n.privateIpText : formatIp(src.privateIp),
  });
}

/** The source stage of a subnet source, standing for every VM in the subnet, with nothing of its own. */
export function subnetSourceStage(
  b: TraceBuilder,
  src: Extract<FlowSource, { kind: "subnet" }>,
  n: NicContext | undefined,
): void {
  const ip = n?.privateIpText ?? formatIp(src.privateIp);
  const text = (): string =>
    `any VM in subnet ${src.subnetId.split("/").pop()} (${ip}, no NIC-level NSG or public IP)`;
  const summary = n ? (n.sourceSummary ??= text()) : text();
  b.push({ stage: "source", hop: 0, summary, subnetId: src.subnetId, ip });
}

/** VirtualAppliance decisions: the NIC that holds the next hop (a decision belongs to one subnet's table). */
const appliances = new WeakMap<RouteDecision, NicIpConfig | null>();

export function walkFromNic(
  b: TraceBuilder,
  estate: Estate,
  flow: Flow,
  src: NicSource,
  target: Target,
  first: NicContext | undefined,
): PathEnd {
  if (!first) return { reached: false };
  let n: NicContext = first;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const at = n.at;
    if (!at) return { reached: false };
    const subnet = at.subnet;
    nsgStages(b, n.nsgs, flow, "Outbound", src.privateIp, target.ip, hop);

    const decision = at.routes.select(target.ip);
    if (!decision) {
      b.block({
        stage: "route",
        resourceId: subnet.id,
        reason: `no route in subnet ${subnet.name} covers ${formatIp(target.ip)}`,
      });
      return { reached: false };
    }
    const r = decision.route;
    const texts = decision.texts ?? routeTexts(r, decision.why);
    const resourceId = r.routeTableId ?? subnet.id;
    const blocked = r.nextHopType === "None";
    b.push({
      stage: "route",
      hop,
      summary: texts.summary,
      routeTableId: r.routeTableId,
      route: {
        addressPrefix: r.addressPrefix,
        nextHopType: r.nextHopType,
        nextHopIpAddress: texts.nextHopIp,
        source: r.source,
      },
      why: decision.why,
      outcome: blocked ? "block" : "pass",
    });
    if (blocked) {
      b.block({ stage: "route", resourceId, rule: texts.rule, reason: texts.blockReason });
      pathStage(b, hop, "dropped", "dropped by a route with next hop None");
      return { reached: false };
    }
    b.allowBy({ stage: "route", resourceId, rule: texts.rule, reason: texts.passReason });

    switch (r.nextHopType) {
      case "VirtualAppliance": {
        let next = appliances.get(decision);
        if (next === undefined) {
          next = r.nextHopIpAddress ? (applianceAt(estate, r.nextHopIpAddress, n.config) ?? null) : null;
          appliances.set(decision, next);
        }
        if (!next) {
          b.block({
            stage: "route",
            resourceId,
            rule: texts.rule,
            reason: `no network interface in the estate holds the next hop ${texts.nextHopIp}: the traffic is dropped`,
          });
          return { reached: false };
        }
        const nextContext = nicContext(estate, next);
        pathStage(
          b,
          hop,
          "virtualAppliance",
          `to the virtual appliance ${next.nic.name} (${texts.nextHopIp})`,
        );
        nsgStages(b, nextContext.nsgs, flow, "Inbound", src.privateIp, target.ip, hop + 1);
        if (!next.nic.properties?.enableIPForwarding) {
          b.block({
            stage: "route",
            resourceId: next.nic.id,
            rule: "enableIPForwarding=false",
            reason: `NIC ${next.nic.name} does not have IP forwarding enabled, so Azure drops traffic not addressed to it`,
          });
        }
        n = nextContext;
        continue;
      }
      case "VirtualNetworkGateway":
        pathStage(
          b,
          hop,
          "gateway",
          "through the virtual network gateway to on-premises (forced tunnelling): the service sees the on-premises egress address",
        );
        return { reached: true, origin: { kind: "public", ip: undefined, fromOnPremises: true } };
      case "Internet":
        return internetPath(b, estate, n, at, target, hop);
      case "VirtualNetworkServiceEndpoint":
        return serviceEndpointPath(b, n, at, hop, r.origin);
      default:
        return privateDestination(
          b,
          estate,
          flow,
          src,
          target,
          hop,
          r.nextHopType === "VNetPeering" ? "peering" : "virtualNetwork",
        );
    }
  }
  b.block({ stage: "route", reason: `the flow passed ${MAX_HOPS} virtual appliances: a routing loop` });
  return { reached: false };
}

function internetPath(
  b: TraceBuilder,
  estate: Estate,
  n: NicContext,
  at: SubnetContext,
  target: Target,
  hop: number,
): PathEnd {
  const egress = egressPath(estate, n, at);
  if (egress.kind === "none") {
    b.block({
      stage: "route",
      resourceId: at.subnet.id,
      rule: "defaultOutboundAccess=false",
      reason: egress.reason,
    });
    return { reached: false };
  }
  // [S8] §0 step 3, §4.1 R9: Storage sees a client in its own region by an Azure-internal address, not the public IP
  const internal = target.resource !== undefined && sameRegionStorage(target.storageRegion, at);
  const seen = internal ? undefined : egress.egressIp;
  pathStage(b, hop, "internet", internal ? egress.internalSummary : egress.summary, seen);
  return { reached: true, origin: egress.origin, sourceIpSeenByService: seen };
}

function serviceEndpointPath(
  b: TraceBuilder,
  n: NicContext,
  at: SubnetContext,
  hop: number,
  service: string | undefined,
): PathEnd {
  const seen = n.privateIpText;
  const subnet = at.subnet;
  pathStage(
    b,
    hop,
    "serviceEndpoint",
    `over the ${service ?? "service"} endpoint of subnet ${subnet.name} on the Azure backbone, keeping the private source ${seen}`,
    seen,
  );
  // The subnet's service endpoint policies come next (traceFlow.ts), before the service's firewall.
  return {
    reached: true,
    origin: serviceEndpointOrigin(n, at),
    sourceIpSeenByService: seen,
    policySubnet: subnet,
  };
}

/** The NIC that holds a next-hop address, preferring the current VNet (address spaces may overlap elsewhere). */
function applianceAt(estate: Estate, ip: IpAddress, from: NicIpConfig): NicIpConfig | undefined {
  const topo = topologyOf(estate);
  const candidates = topo.ipConfigsByIp(ip);
  const vnet = topo.vnetOf(from.subnetId)?.id.toLowerCase();
  return candidates.find((c) => topo.vnetOf(c.subnetId)?.id.toLowerCase() === vnet) ?? candidates[0];
}

/** A destination inside private address space: a private endpoint, or a NIC in this or a peered VNet. */
export function privateDestination(
  b: TraceBuilder,
  estate: Estate,
  flow: Flow,
  src: { privateIp?: IpAddress; ip?: IpAddress },
  target: Target,
  hop: number,
  path: PathKind,
): PathEnd {
  const topo = topologyOf(estate);
  const sourceIp = (src.privateIp ?? src.ip)!;
  const pe = target.privateEndpoint;
  if (pe) {
    const peSubnet = topo.subnet(pe.privateEndpoint.properties?.subnet?.id ?? "");
    const policies = peSubnet?.properties?.privateEndpointNetworkPolicies ?? "Disabled";
    pathStage(
      b,
      hop,
      "privateEndpoint",
      `to private endpoint ${pe.privateEndpoint.name} (${formatIp(pe.ip)})`,
      formatIp(sourceIp),
    );
    // [S22] NSGs apply to private endpoint traffic only when the PE subnet enables network policies for them.
    if (peSubnet && (policies === "Enabled" || policies === "NetworkSecurityGroupEnabled")) {
      nsgStages(b, nsgPointOf(estate, undefined, peSubnet.id), flow, "Inbound", sourceIp, target.ip, hop + 1);
    }
    if (!pe.approved) {
      b.block({
        stage: "firewall",
        resourceId: pe.privateEndpoint.id,
        rule: "privateLinkServiceConnectionState",
        reason: `the private endpoint connection of ${pe.privateEndpoint.name} is not approved`,
      });
      return { reached: false };
    }
    return {
      reached: true,
      origin: { kind: "privateEndpoint", privateEndpointId: pe.privateEndpoint.id, sourceIp },
      sourceIpSeenByService: formatIp(sourceIp),
    };
  }
  const dest = topo.ipConfigsByIp(target.ip)[0];
  if (!dest) {
    const reason = `nothing in the estate holds ${formatIp(target.ip)}`;
    b.block({ stage: "route", reason });
    return { reached: false };
  }
  pathStage(
    b,
    hop,
    path,
    `to NIC ${dest.nic.name} (${formatIp(target.ip)}) ${path === "peering" ? "over VNet peering" : "inside the virtual network"}`,
  );
  nsgStages(b, nicContext(estate, dest).nsgs, flow, "Inbound", sourceIp, target.ip, hop + 1);
  return { reached: true };
}
