// The path of a flow that starts at a NIC: outbound NSGs, the route that wins, and what that next hop means,
// hop by hop through virtual appliances (a UDR to an NVA continues from the NVA's NIC and subnet).
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import { ServiceTypes, type StorageAccountProperties } from "../model/resources/services.js";
import { formatIp, type IpAddress } from "../net/index.js";
import { egressOf } from "./egress.js";
import type { Flow, FlowSource } from "./flow.js";
import { evaluateNsgs } from "./nsg/index.js";
import { evaluateServiceEndpointPolicies } from "./policy.js";
import { subnetRoutes } from "./routes/index.js";
import { type NicIpConfig, topologyOf } from "./topology.js";
import type { PathKind } from "./trace.js";
import type { TraceBuilder } from "./traceBuilder.js";
import type { PathEnd, Target } from "./traceFlow.js";

/** Appliances forward to appliances at most this many times before vnetlab calls it a loop. */
const MAX_HOPS = 8;
/** Source port used for NSG matching when the flow names none: the first IANA ephemeral port. */
export const EPHEMERAL_PORT = 49152;

type NicSource = Extract<FlowSource, { kind: "nic" }>;

export function nsgStages(
  b: TraceBuilder,
  estate: Estate,
  flow: Flow,
  at: { nicId?: string; subnetId: string },
  direction: "Inbound" | "Outbound",
  sourceIp: IpAddress,
  destinationIp: IpAddress,
  hop: number,
): void {
  const evaluations = evaluateNsgs(estate, {
    nicId: at.nicId,
    subnetId: at.subnetId,
    direction,
    protocol: flow.protocol,
    sourceIp,
    sourcePort: flow.sourcePort ?? EPHEMERAL_PORT,
    destinationIp,
    destinationPort: flow.destination.port,
  });
  for (const e of evaluations) {
    const nsgName = e.nsgId.split("/").pop();
    b.push({
      stage: "nsg",
      hop,
      summary: `${direction.toLowerCase()} ${e.association === "networkInterface" ? "NIC" : "subnet"} NSG ${nsgName}: ${e.access} by ${e.rule} (priority ${e.priority})`,
      direction,
      association: e.association,
      nsgId: e.nsgId,
      rule: e.rule,
      priority: e.priority,
      access: e.access,
    });
    const decision = {
      stage: "nsg" as const,
      resourceId: e.nsgId,
      rule: e.rule,
      reason: `${direction} rule ${e.rule} of NSG ${nsgName} ${e.access === "Deny" ? "denies" : "allows"} the flow`,
    };
    if (e.access === "Deny") b.block(decision);
    else b.allowBy(decision);
  }
}

function pathStage(b: TraceBuilder, hop: number, path: PathKind, summary: string, seen?: string): void {
  b.push({ stage: "path", hop, summary, path, sourceIpSeenByService: seen });
}

export function nicSourceStage(b: TraceBuilder, estate: Estate, src: NicSource): void {
  const topo = topologyOf(estate);
  const vmName = topo.vmOf(src.nicId)?.name;
  const nicName = src.nicId.split("/").pop();
  b.push({
    stage: "source",
    hop: 0,
    summary: `${vmName ? `VM ${vmName}, ` : ""}NIC ${nicName} ${formatIp(src.privateIp)} in subnet ${src.subnetId.split("/").pop()}`,
    nicId: src.nicId,
    subnetId: src.subnetId,
    ip: formatIp(src.privateIp),
  });
}

export function walkFromNic(
  b: TraceBuilder,
  estate: Estate,
  flow: Flow,
  src: NicSource,
  target: Target,
): PathEnd {
  const topo = topologyOf(estate);
  const first = topo.ipConfigsOf(src.nicId).find((c) => c.name === src.ipConfigName);
  if (!first) return { reached: false };
  let config: NicIpConfig = first;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const subnet = topo.subnet(config.subnetId);
    const vnet = topo.vnetOf(config.subnetId);
    if (!subnet || !vnet) return { reached: false };
    nsgStages(
      b,
      estate,
      flow,
      { nicId: config.nic.id, subnetId: subnet.id },
      "Outbound",
      src.privateIp,
      target.ip,
      hop,
    );

    const decision = subnetRoutes(estate, subnet.id).select(target.ip);
    if (!decision) {
      b.block({
        stage: "route",
        resourceId: subnet.id,
        reason: `no route in subnet ${subnet.name} covers ${formatIp(target.ip)}`,
      });
      return { reached: false };
    }
    const r = decision.route;
    const nextHopIp = r.nextHopIpAddress ? formatIp(r.nextHopIpAddress) : undefined;
    const routeDecision = {
      stage: "route" as const,
      resourceId: r.routeTableId ?? subnet.id,
      rule: r.name ?? `${r.source} ${r.addressPrefix} → ${r.nextHopType}`,
    };
    const blocked = r.nextHopType === "None";
    b.push({
      stage: "route",
      hop,
      summary: `${r.addressPrefix} → ${r.nextHopType}${nextHopIp ? ` ${nextHopIp}` : ""} (${r.source}${r.name ? ` route ${r.name}` : ""}): ${decision.why}`,
      routeTableId: r.routeTableId,
      route: {
        addressPrefix: r.addressPrefix,
        nextHopType: r.nextHopType,
        nextHopIpAddress: nextHopIp,
        source: r.source,
      },
      why: decision.why,
      outcome: blocked ? "block" : "pass",
    });
    if (blocked) {
      b.block({
        ...routeDecision,
        reason: `the route ${r.addressPrefix} has next hop None: the traffic is dropped`,
      });
      pathStage(b, hop, "dropped", "dropped by a route with next hop None");
      return { reached: false };
    }
    b.allowBy({ ...routeDecision, reason: `route ${r.addressPrefix} → ${r.nextHopType}` });

    switch (r.nextHopType) {
      case "VirtualAppliance": {
        const next = r.nextHopIpAddress ? applianceAt(estate, r.nextHopIpAddress, config) : undefined;
        if (!next) {
          b.block({
            ...routeDecision,
            reason: `no network interface in the estate holds the next hop ${nextHopIp}: the traffic is dropped`,
          });
          return { reached: false };
        }
        pathStage(b, hop, "virtualAppliance", `to the virtual appliance ${next.nic.name} (${nextHopIp})`);
        nsgStages(
          b,
          estate,
          flow,
          { nicId: next.nic.id, subnetId: next.subnetId },
          "Inbound",
          src.privateIp,
          target.ip,
          hop + 1,
        );
        if (!next.nic.properties?.enableIPForwarding) {
          b.block({
            stage: "route",
            resourceId: next.nic.id,
            rule: "enableIPForwarding=false",
            reason: `NIC ${next.nic.name} does not have IP forwarding enabled, so Azure drops traffic not addressed to it`,
          });
        }
        config = next;
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
      case "Internet": {
        const egress = egressOf(estate, config, subnet);
        if (egress.kind === "none") {
          b.block({
            stage: "route",
            resourceId: subnet.id,
            rule: "defaultOutboundAccess=false",
            reason: egress.reason,
          });
          return { reached: false };
        }
        const egressIp = formatIp(egress.ip);
        const via = {
          natGateway: "NAT gateway",
          instancePublicIp: "instance public IP",
          defaultOutboundAccess: "default outbound access",
        }[egress.kind];
        // [S8] §0 step 3, §4.1 R9: Storage sees a client in its own region by an Azure-internal address, not the public IP
        const internal = target.resource !== undefined && sameRegionStorage(target.resource, vnet.location);
        const seen = internal ? undefined : egressIp;
        pathStage(
          b,
          hop,
          "internet",
          internal
            ? `over the internet path (${via} ${egressIp}); Storage in the same region sees an Azure-internal address instead`
            : `over the internet path, source NATed to ${egressIp} (${via})`,
          seen,
        );
        return {
          reached: true,
          origin: { kind: "public", ip: egress.ip, azureRegion: vnet.location },
          sourceIpSeenByService: seen,
        };
      }
      case "VirtualNetworkServiceEndpoint": {
        const seen = formatIp(config.privateIp);
        pathStage(
          b,
          hop,
          "serviceEndpoint",
          `over the ${r.origin ?? "service"} endpoint of subnet ${subnet.name} on the Azure backbone, keeping the private source ${seen}`,
          seen,
        );
        if (target.resource) {
          const policy = evaluateServiceEndpointPolicies(estate, subnet, target.resource);
          if (policy.outcome !== "none") {
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
        }
        return {
          reached: true,
          origin: {
            kind: "serviceEndpoint",
            subnetId: subnet.id,
            vnetId: vnet.id,
            privateIp: config.privateIp,
            region: vnet.location ?? "",
          },
          sourceIpSeenByService: seen,
        };
      }
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

/** A storage account whose primary region is the client's: requests reach it from Azure-internal addresses. */
function sameRegionStorage(resource: ArmResource, region: string | undefined): boolean {
  if (resource.type.toLowerCase() !== ServiceTypes.storageAccount.toLowerCase()) return false;
  const primary =
    (resource.properties as StorageAccountProperties | undefined)?.primaryLocation ?? resource.location;
  const key = (r: string | undefined) => r?.replace(/\s+/g, "").toLowerCase();
  return region !== undefined && key(primary) === key(region);
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
      nsgStages(b, estate, flow, { subnetId: peSubnet.id }, "Inbound", sourceIp, target.ip, hop + 1);
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
  nsgStages(
    b,
    estate,
    flow,
    { nicId: dest.nic.id, subnetId: dest.subnetId },
    "Inbound",
    sourceIp,
    target.ip,
    hop + 1,
  );
  return { reached: true };
}
