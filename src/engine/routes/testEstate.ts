// Test helpers: small ARM resources and a compact service-tag set, compiled into an Estate by compileEstate.
// Shared by the route and NSG tests.
import type { ArmResource, SubResource } from "../../model/arm.js";
import { compileEstate } from "../../model/compileEstate.js";
import type { Estate } from "../../model/estate.js";
import { buildResourceId } from "../../model/resourceId.js";
import {
  NetworkTypes as N,
  type RouteProperties,
  type SecurityRuleProperties,
  type SubnetProperties,
  type VirtualNetworkPeeringProperties,
} from "../../model/resources/network.js";
import { ServiceTags } from "../../model/serviceTags.js";
import { type IpAddress, parseIp } from "../../net/index.js";

export const SUB = "00000000-0000-0000-0000-00000000aaaa";
export const RG = "rg-test";

export function rid(type: string, ...names: string[]): string {
  return buildResourceId(SUB, RG, type, ...names);
}

export function ip(text: string): IpAddress {
  const a = parseIp(text);
  if (!a) throw new Error(`bad ip ${text}`);
  return a;
}

/** Synthetic but shaped like the real file: regional tags inside their family's global tag. */
const TAGS: Record<string, { region?: string; prefixes: string[] }> = {
  Storage: { prefixes: ["52.239.0.0/16", "52.238.0.0/16", "52.236.0.0/16", "20.60.0.0/16"] },
  "Storage.EastUS": { region: "eastus", prefixes: ["52.239.0.0/16", "20.60.1.0/24"] },
  "Storage.WestUS": { region: "westus", prefixes: ["52.238.0.0/16"] },
  "Storage.WestEurope": { region: "westeurope", prefixes: ["52.236.0.0/16"] },
  Sql: { prefixes: ["40.121.0.0/16", "40.112.0.0/16"] },
  "Sql.EastUS": { region: "eastus", prefixes: ["40.121.0.0/16"] },
  "Sql.WestUS": { region: "westus", prefixes: ["40.112.0.0/16"] },
  AzureKeyVault: { prefixes: ["40.79.0.0/16"] },
  "AzureKeyVault.EastUS": { region: "eastus", prefixes: ["40.79.0.0/16"] },
  AzureCloud: { prefixes: ["52.224.0.0/11", "40.64.0.0/10", "20.0.0.0/8"] },
  "AzureCloud.eastus": { region: "eastus", prefixes: ["52.224.0.0/12", "40.121.0.0/16"] },
  // Not in Microsoft's file; listed so that validateEstate accepts NSG rules naming them.
  AzurePlatformDNS: { prefixes: ["168.63.129.16/32"] },
  AzurePlatformIMDS: { prefixes: ["169.254.169.254/32"] },
};

export function testTags(): ServiceTags {
  return ServiceTags.parse({
    values: Object.entries(TAGS).map(([name, t]) => ({
      name,
      id: name,
      properties: { region: t.region ?? "", addressPrefixes: t.prefixes },
    })),
  });
}

export function estateOf(resources: readonly ArmResource[]): Estate {
  return compileEstate(resources, { serviceTags: testTags() });
}

export interface SubnetSpec {
  name: string;
  prefix: string;
  props?: Partial<SubnetProperties>;
}

export function subnetId(vnetName: string, subnetName: string): string {
  return rid(N.subnet, vnetName, subnetName);
}

export function vnet(
  name: string,
  space: string[],
  subnets: SubnetSpec[],
  opts: { location?: string; peerings?: ArmResource<VirtualNetworkPeeringProperties>[] } = {},
): ArmResource {
  return {
    id: rid(N.virtualNetwork, name),
    name,
    type: N.virtualNetwork,
    location: opts.location ?? "eastus",
    properties: {
      addressSpace: { addressPrefixes: space },
      subnets: subnets.map((s) => ({
        id: subnetId(name, s.name),
        name: s.name,
        type: N.subnet,
        properties: { addressPrefix: s.prefix, ...s.props },
      })),
      virtualNetworkPeerings: opts.peerings ?? [],
    },
  };
}

export function peering(
  fromVnet: string,
  toVnet: string,
  props: Partial<VirtualNetworkPeeringProperties> = {},
): ArmResource<VirtualNetworkPeeringProperties> {
  const name = `${fromVnet}-to-${toVnet}`;
  return {
    id: rid(N.virtualNetworkPeering, fromVnet, name),
    name,
    type: N.virtualNetworkPeering,
    properties: {
      remoteVirtualNetwork: { id: rid(N.virtualNetwork, toVnet) },
      peeringState: "Connected",
      ...props,
    },
  };
}

export function routeTable(
  name: string,
  routes: (RouteProperties & { name: string })[],
  disableBgpRoutePropagation = false,
): ArmResource {
  return {
    id: rid(N.routeTable, name),
    name,
    type: N.routeTable,
    location: "eastus",
    properties: {
      disableBgpRoutePropagation,
      routes: routes.map(({ name: routeName, ...p }) => ({
        id: rid(N.route, name, routeName),
        name: routeName,
        type: N.route,
        properties: p,
      })),
    },
  };
}

export function ref(type: string, ...names: string[]): SubResource {
  return { id: rid(type, ...names) };
}

export type RuleSpec = Partial<SecurityRuleProperties> &
  Pick<SecurityRuleProperties, "priority" | "direction" | "access"> & { name: string };

export function nsg(name: string, rules: RuleSpec[]): ArmResource {
  return {
    id: rid(N.networkSecurityGroup, name),
    name,
    type: N.networkSecurityGroup,
    location: "eastus",
    properties: {
      securityRules: rules.map(({ name: ruleName, ...p }) => ({
        id: rid(N.securityRule, name, ruleName),
        name: ruleName,
        type: N.securityRule,
        properties: {
          protocol: "*",
          sourcePortRange: "*",
          destinationPortRange: "*",
          ...(p.sourceAddressPrefixes || p.sourceApplicationSecurityGroups
            ? {}
            : { sourceAddressPrefix: "*" }),
          ...(p.destinationAddressPrefixes || p.destinationApplicationSecurityGroups
            ? {}
            : { destinationAddressPrefix: "*" }),
          ...p,
        },
      })),
    },
  };
}

export function nic(
  name: string,
  subnet: string,
  address: string,
  opts: { nsg?: string; asgs?: string[]; ipForwarding?: boolean } = {},
): ArmResource {
  return {
    id: rid(N.networkInterface, name),
    name,
    type: N.networkInterface,
    location: "eastus",
    properties: {
      ...(opts.nsg ? { networkSecurityGroup: ref(N.networkSecurityGroup, opts.nsg) } : {}),
      ...(opts.ipForwarding ? { enableIPForwarding: true } : {}),
      ipConfigurations: [
        {
          name: "ipconfig1",
          properties: {
            privateIPAddress: address,
            privateIPAllocationMethod: "Static",
            subnet: { id: subnet },
            primary: true,
            ...(opts.asgs
              ? { applicationSecurityGroups: opts.asgs.map((a) => ref(N.applicationSecurityGroup, a)) }
              : {}),
          },
        },
      ],
    },
  };
}

export function asg(name: string): ArmResource {
  return {
    id: rid(N.applicationSecurityGroup, name),
    name,
    type: N.applicationSecurityGroup,
    location: "eastus",
  };
}

/** A VPN gateway in `vnetName`'s GatewaySubnet, with optional BGP-learned routes. */
export function gateway(name: string, vnetName: string, learned: string[] = []): ArmResource {
  return {
    id: rid(N.virtualNetworkGateway, name),
    name,
    type: N.virtualNetworkGateway,
    location: "eastus",
    properties: {
      gatewayType: "Vpn",
      vpnType: "RouteBased",
      enableBgp: learned.length > 0,
      ipConfigurations: [
        { name: "default", properties: { subnet: { id: subnetId(vnetName, "GatewaySubnet") } } },
      ],
      learnedRoutes: learned.map((addressPrefix) => ({ addressPrefix })),
    },
  };
}

/** A local network gateway and the IPsec connection that ties it to `gatewayName`. */
export function siteToSite(gatewayName: string, lngName: string, prefixes: string[]): ArmResource[] {
  return [
    {
      id: rid(N.localNetworkGateway, lngName),
      name: lngName,
      type: N.localNetworkGateway,
      location: "eastus",
      properties: {
        gatewayIpAddress: "203.0.113.10",
        localNetworkAddressSpace: { addressPrefixes: prefixes },
      },
    },
    {
      id: rid(N.connection, `${gatewayName}-${lngName}`),
      name: `${gatewayName}-${lngName}`,
      type: N.connection,
      location: "eastus",
      properties: {
        connectionType: "IPsec",
        virtualNetworkGateway1: ref(N.virtualNetworkGateway, gatewayName),
        localNetworkGateway2: ref(N.localNetworkGateway, lngName),
      },
    },
  ];
}

export function privateEndpoint(name: string, subnet: string, address: string, target: string): ArmResource {
  return {
    id: rid(N.privateEndpoint, name),
    name,
    type: N.privateEndpoint,
    location: "eastus",
    properties: {
      subnet: { id: subnet },
      privateLinkServiceConnections: [
        { name, properties: { privateLinkServiceId: target, groupIds: ["blob"] } },
      ],
      ipConfigurations: [{ name: "ipconfig", properties: { groupId: "blob", privateIPAddress: address } }],
    },
  };
}

export function serviceEndpointPolicy(name: string): ArmResource {
  return {
    id: rid(N.serviceEndpointPolicy, name),
    name,
    type: N.serviceEndpointPolicy,
    location: "eastus",
    properties: { serviceEndpointPolicyDefinitions: [] },
  };
}
