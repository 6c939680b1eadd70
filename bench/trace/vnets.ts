// The generator's VNets: hub-and-spoke address plans, subnets with their service endpoints and service endpoint
// policies, and the VNet resources themselves with their subnets and peerings inline.
import type { ArmResource } from "../../src/model/arm.js";
import type {
  ServiceEndpointFormat,
  ServiceEndpointPolicyProperties,
  SubnetProperties,
  VirtualNetworkPeeringProperties,
  VirtualNetworkProperties,
} from "../../src/model/resources/network.js";
import {
  ip4,
  LAST_SUBNET,
  NVA_SUBNET,
  pad,
  parse4,
  PE_SUBNET,
  REGIONS,
  ridNetwork,
  SE_KV,
  SE_SQL,
  SE_STORAGE,
  SE_STORAGE_GLOBAL,
  SUBNET_NAMES,
  SUBSCRIPTIONS,
} from "./addresses.js";
import type { EstatePlan, SubnetPlan, VnetPlan } from "./plan.js";

export function planVnets(plan: EstatePlan): void {
  const { vnets } = plan.opts;
  if (vnets > 8192) throw new Error("at most 8,192 VNets fit the 10.0.0.0/8 scheme (a /21 per VNet)");
  for (let i = 0; i < vnets; i++) {
    const region = i === 0 ? "eastus" : plan.rng.weighted(REGIONS);
    const sub = SUBSCRIPTIONS[i % SUBSCRIPTIONS.length]!;
    const rg = `rg-net-${region}-${pad(i % 25, 2)}`;
    const name = `vnet-${region}-${pad(i, 4)}`;
    const isHub = i % 50 === 0;
    const v: VnetPlan = {
      i,
      name,
      id: ridNetwork(sub, rg, "virtualNetworks", name),
      sub,
      rg,
      region,
      // 10.0.0.0/8 split into /21s: VNet i owns 10.0.0.0 + i * 2048, eight /24 subnets.
      base: (parse4("10.0.0.0") + i * 2048) >>> 0,
      subnets: [],
      isHub,
      hasGateway: i === 0,
      vms: [],
    };
    // Spokes peer with the hub of their block of 50 (the first nine after it).
    if (!isHub && i % 50 <= 9) v.hub = i - (i % 50);
    for (let j = 0; j < 8; j++) {
      const sname = v.hasGateway && j === LAST_SUBNET ? "GatewaySubnet" : SUBNET_NAMES[j]!;
      const s: SubnetPlan = {
        vnet: v,
        index: j,
        name: sname,
        id: `${v.id}/subnets/${sname}`,
        base: (v.base + j * 256) >>> 0,
        services: sname === "GatewaySubnet" ? [] : serviceEndpointsFor(plan, j),
        explicitLocations: plan.rng.chance(0.5),
        sepIds: [],
        nextHost: 4,
      };
      if (j === PE_SUBNET) s.peNetworkPolicies = plan.rng.chance(0.5) ? "Enabled" : "Disabled";
      v.subnets.push(s);
      for (const svc of s.services) {
        const key = `${svc}|${svc === SE_STORAGE_GLOBAL || svc === SE_KV ? "*" : region}`;
        const list = plan.subnetsByService.get(key) ?? [];
        list.push(s);
        plan.subnetsByService.set(key, list);
      }
    }
    plan.vnets.push(v);
  }
}

function serviceEndpointsFor(plan: EstatePlan, j: number): string[] {
  const r = plan.rng;
  const out: string[] = [];
  switch (j) {
    case 0:
      if (r.chance(0.8)) out.push(SE_STORAGE);
      if (r.chance(0.6)) out.push(SE_SQL);
      if (r.chance(0.5)) out.push(SE_KV);
      break;
    case 1:
      if (r.chance(0.7)) out.push(SE_STORAGE);
      break;
    case 2:
      if (r.chance(0.85)) out.push(SE_SQL);
      if (r.chance(0.4)) out.push(SE_STORAGE);
      break;
    case 3:
      if (r.chance(0.6)) out.push(SE_STORAGE_GLOBAL);
      else if (r.chance(0.3)) out.push(SE_STORAGE);
      if (r.chance(0.4)) out.push(SE_KV);
      break;
    case 4:
      if (r.chance(0.5)) out.push(r.pick([SE_STORAGE, SE_SQL, SE_KV]));
      break;
    case 5:
      if (r.chance(0.3)) out.push(SE_STORAGE);
      break;
    case NVA_SUBNET:
      // The NVA pattern [S1]: endpoints on the appliance subnet, forced-tunnelled spokes behind it.
      if (r.chance(0.7)) out.push(SE_STORAGE, SE_SQL);
      break;
    default:
      if (r.chance(0.3)) out.push(SE_KV);
  }
  return out;
}

/** Service endpoint policies on one VNet in ten, listing storage accounts; needs the storage plan. */
export function planPolicies(plan: EstatePlan): void {
  const r = plan.rng;
  for (const v of plan.vnets) {
    if (v.i % 10 !== 3) continue;
    const subnets = v.subnets.filter((s) => s.services.includes(SE_STORAGE));
    if (subnets.length === 0) continue;
    const name = `sep-${v.name}`;
    const id = ridNetwork(v.sub, v.rg, "serviceEndpointPolicies", name);
    const listed = new Set<string>();
    // Mostly accounts that already admit the VNet's subnets, a few others from the region.
    for (const s of subnets)
      for (const j of (plan.storageBySubnet.get(s.id) ?? []).slice(0, 6)) listed.add(plan.storage[j]!.id);
    for (const j of r.sample(plan.storageByRegion.get(v.region) ?? [], r.range(2, 8)))
      listed.add(plan.storage[j]!.id);
    const serviceResources = [...listed].slice(0, 200);
    if (r.chance(0.3))
      serviceResources.push(`/subscriptions/${SUBSCRIPTIONS[1]}/resourceGroups/rg-data-${pad(r.int(40), 2)}`);
    const definitions: ArmResource<{
      description?: string;
      service?: string;
      serviceResources?: string[];
    }>[] = [
      {
        id: `${id}/serviceEndpointPolicyDefinitions/allow-approved`,
        name: "allow-approved",
        type: "Microsoft.Network/serviceEndpointPolicies/serviceEndpointPolicyDefinitions",
        properties: {
          description: "Approved storage accounts",
          service: "Microsoft.Storage",
          serviceResources,
        },
      },
    ];
    if (r.chance(0.2)) {
      definitions.push({
        id: `${id}/serviceEndpointPolicyDefinitions/allow-batch`,
        name: "allow-batch",
        type: "Microsoft.Network/serviceEndpointPolicies/serviceEndpointPolicyDefinitions",
        properties: {
          description: "Batch service accounts",
          service: "Global",
          serviceResources: ["/services/Azure/Batch"],
        },
      });
    }
    const sep: ArmResource<ServiceEndpointPolicyProperties> = {
      id,
      name,
      type: "Microsoft.Network/serviceEndpointPolicies",
      location: v.region,
      properties: { serviceEndpointPolicyDefinitions: definitions },
    };
    plan.resources.push(sep);
    for (const s of subnets) if (r.chance(0.8)) s.sepIds.push(id);
  }
}

/** The VNet resources, last of the network, once NSGs, route tables and policies are on the subnets. */
export function emitVnets(plan: EstatePlan): void {
  const r = plan.rng;
  // Peerings are not planned beyond `hub`: they are emitted here, inline with the VNets.
  const peeringsOf = new Map<number, ArmResource<VirtualNetworkPeeringProperties>[]>();
  const addPeering = (from: VnetPlan, to: VnetPlan, p: VirtualNetworkPeeringProperties): void => {
    const name = `peer-${to.name}`;
    const list = peeringsOf.get(from.i) ?? [];
    list.push({
      id: `${from.id}/virtualNetworkPeerings/${name}`,
      name,
      type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
      properties: {
        remoteVirtualNetwork: { id: to.id },
        remoteAddressSpace: { addressPrefixes: [`${ip4(to.base)}/21`] },
        ...p,
      },
    });
    peeringsOf.set(from.i, list);
  };
  for (const v of plan.vnets) {
    if (v.hub === undefined) continue;
    const hub = plan.vnets[v.hub]!;
    const state = r.weighted<"Connected" | "Disconnected" | "Initiated">([
      ["Connected", 95],
      ["Disconnected", 3],
      ["Initiated", 2],
    ]);
    addPeering(hub, v, {
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: true,
      allowGatewayTransit: hub.hasGateway,
      peeringState: state,
    });
    addPeering(v, hub, {
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: true,
      useRemoteGateways: hub.hasGateway,
      peeringState: state,
    });
  }
  for (const v of plan.vnets) {
    const subnets: ArmResource<SubnetProperties>[] = v.subnets.map((s) => {
      const serviceEndpoints: ServiceEndpointFormat[] = s.services.map((service) => {
        if (!s.explicitLocations) return { service };
        const locations =
          service === SE_STORAGE ? [v.region, plan.pair(v.region)] : service === SE_SQL ? [v.region] : ["*"];
        return { service, locations, provisioningState: "Succeeded" };
      });
      const props: SubnetProperties = {
        addressPrefix: `${ip4(s.base)}/24`,
        ...(serviceEndpoints.length ? { serviceEndpoints } : {}),
        ...(s.sepIds.length ? { serviceEndpointPolicies: s.sepIds.map((id) => ({ id })) } : {}),
        ...(s.nsgId ? { networkSecurityGroup: { id: s.nsgId } } : {}),
        ...(s.routeTableId ? { routeTable: { id: s.routeTableId } } : {}),
        ...(s.peNetworkPolicies ? { privateEndpointNetworkPolicies: s.peNetworkPolicies } : {}),
      };
      return {
        id: s.id,
        name: s.name,
        type: "Microsoft.Network/virtualNetworks/subnets",
        properties: props,
      };
    });
    const res: ArmResource<VirtualNetworkProperties> = {
      id: v.id,
      name: v.name,
      type: "Microsoft.Network/virtualNetworks",
      location: v.region,
      properties: {
        addressSpace: { addressPrefixes: [`${ip4(v.base)}/21`] },
        subnets,
        ...(peeringsOf.has(v.i) ? { virtualNetworkPeerings: peeringsOf.get(v.i)! } : {}),
      },
    };
    plan.resources.push(res);
  }
}
