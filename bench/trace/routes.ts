// The generator's routing: a route table per VNet (blackholes, service-tag UDRs, lab prefixes), forced
// tunnelling to an NVA in about a third of the spokes, and the hub's VPN gateway to on-premises.
import type { ArmResource } from "../../src/model/arm.js";
import type {
  ConnectionProperties,
  LocalNetworkGatewayProperties,
  RouteProperties,
  RouteTableProperties,
  VirtualNetworkGatewayProperties,
} from "../../src/model/resources/network.js";
import { CLIENT_OCTETS, ip4, LAST_SUBNET, NVA_SUBNET, pad, ridNetwork, ridVm } from "./addresses.js";
import { nic, publicIp, vm } from "./compute.js";
import type { EstatePlan } from "./plan.js";

export function emitRouteTablesAndNvas(plan: EstatePlan): void {
  const r = plan.rng;
  for (const v of plan.vnets) {
    const forced = !v.hasGateway && r.chance(0.3);
    const routes: { name: string; p: RouteProperties }[] = [];
    if (forced) {
      const nvaSubnet = v.subnets[NVA_SUBNET]!;
      const ip = ip4(nvaSubnet.base + 4);
      v.nvaIp = ip;
      const vmName = `nva-${pad(v.i, 4)}`;
      const vmId = ridVm(v.sub, v.rg, vmName);
      const pip = publicIp(plan, v.sub, v.rg, `pip-${vmName}`, v.region);
      // [S3] an appliance must have IP forwarding on; a few forget it.
      const nicId = nic(plan, v, nvaSubnet, `nic-${vmName}`, ip, {
        pipId: pip.id,
        forwarding: r.chance(0.95),
        vmId,
      });
      vm(plan, v, vmName, nicId);
      nvaSubnet.nextHost = 5;
      routes.push({
        name: "default-to-nva",
        p: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: ip },
      });
      if (r.chance(0.2))
        routes.push({
          name: "private-to-nva",
          p: { addressPrefix: "10.0.0.0/8", nextHopType: "VirtualAppliance", nextHopIpAddress: ip },
        });
      if (r.chance(0.1))
        routes.push({
          name: "azure-direct",
          p: { addressPrefix: plan.tagName("AzureCloud", v.region), nextHopType: "Internet" },
        });
    }
    const blackholes = r.range(1, 3);
    for (let k = 0; k < blackholes; k++) {
      routes.push({
        name: `blackhole-${k}`,
        p: { addressPrefix: `${r.pick(CLIENT_OCTETS)}.${r.int(256)}.0.0/16`, nextHopType: "None" },
      });
    }
    // Exfiltration guard: storage in the paired region is dropped (a service-tag UDR outranks the SE route).
    if (r.chance(0.12))
      routes.push({
        name: "no-storage-pair",
        p: { addressPrefix: plan.tagName("Storage", plan.pair(v.region)), nextHopType: "None" },
      });
    if (r.chance(0.04))
      routes.push({
        name: "no-sql",
        p: { addressPrefix: plan.tagName("Sql", v.region), nextHopType: "None" },
      });
    const labRoutes = r.range(2, 6);
    for (let k = 0; k < labRoutes; k++) {
      const prefix = `192.168.${r.int(256)}.0/24`;
      routes.push(
        v.nvaIp && r.chance(0.5)
          ? {
              name: `onprem-${k}`,
              p: { addressPrefix: prefix, nextHopType: "VirtualAppliance", nextHopIpAddress: v.nvaIp },
            }
          : {
              name: `lab-${k}`,
              p: { addressPrefix: prefix, nextHopType: r.pick(["VnetLocal", "None"] as const) },
            },
      );
    }
    const name = `rt-${v.name}`;
    const id = ridNetwork(v.sub, v.rg, "routeTables", name);
    const table: ArmResource<RouteTableProperties> = {
      id,
      name,
      type: "Microsoft.Network/routeTables",
      location: v.region,
      properties: {
        disableBgpRoutePropagation: r.chance(0.3),
        routes: routes.map(({ name: rn, p }) => ({
          id: `${id}/routes/${rn}`,
          name: rn,
          type: "Microsoft.Network/routeTables/routes",
          properties: p,
        })),
      },
    };
    plan.resources.push(table);
    for (const s of v.subnets) {
      if (s.name === "GatewaySubnet") continue;
      // The appliance subnet keeps system routes, except in a few loops someone built by mistake.
      if (s.index === NVA_SUBNET ? r.chance(0.01) : r.chance(0.8)) s.routeTableId = id;
    }
  }
}

export function emitGateway(plan: EstatePlan): void {
  const hub = plan.vnets[0];
  if (!hub?.hasGateway) return;
  const gwSubnet = hub.subnets[LAST_SUBNET]!;
  const pip = publicIp(plan, hub.sub, hub.rg, "pip-vgw-hub", hub.region);
  const gwId = ridNetwork(hub.sub, hub.rg, "virtualNetworkGateways", "vgw-hub");
  const gw: ArmResource<VirtualNetworkGatewayProperties> = {
    id: gwId,
    name: "vgw-hub",
    type: "Microsoft.Network/virtualNetworkGateways",
    location: hub.region,
    properties: {
      gatewayType: "Vpn",
      vpnType: "RouteBased",
      enableBgp: false,
      ipConfigurations: [
        { name: "default", properties: { subnet: { id: gwSubnet.id }, publicIPAddress: { id: pip.id } } },
      ],
    },
  };
  const lngId = ridNetwork(hub.sub, hub.rg, "localNetworkGateways", "lng-datacenter");
  const lng: ArmResource<LocalNetworkGatewayProperties> = {
    id: lngId,
    name: "lng-datacenter",
    type: "Microsoft.Network/localNetworkGateways",
    location: hub.region,
    properties: {
      gatewayIpAddress: "198.51.100.10",
      localNetworkAddressSpace: { addressPrefixes: ["172.16.0.0/12", "192.168.0.0/16"] },
    },
  };
  const conn: ArmResource<ConnectionProperties> = {
    id: ridNetwork(hub.sub, hub.rg, "connections", "cn-datacenter"),
    name: "cn-datacenter",
    type: "Microsoft.Network/connections",
    location: hub.region,
    properties: {
      connectionType: "IPsec",
      virtualNetworkGateway1: { id: gwId },
      localNetworkGateway2: { id: lngId },
      enableBgp: false,
    },
  };
  plan.resources.push(gw, lng, conn);
}
