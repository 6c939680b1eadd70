// Microsoft.Network resource shapes (properties), as ARM returns them. Only what the semantics read is typed;
// anything else a resource carries is kept untouched.
import type { ArmResource, SubResource } from "../arm.js";

export const NetworkTypes = {
  virtualNetwork: "Microsoft.Network/virtualNetworks",
  subnet: "Microsoft.Network/virtualNetworks/subnets",
  virtualNetworkPeering: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
  networkInterface: "Microsoft.Network/networkInterfaces",
  networkSecurityGroup: "Microsoft.Network/networkSecurityGroups",
  securityRule: "Microsoft.Network/networkSecurityGroups/securityRules",
  applicationSecurityGroup: "Microsoft.Network/applicationSecurityGroups",
  routeTable: "Microsoft.Network/routeTables",
  route: "Microsoft.Network/routeTables/routes",
  publicIPAddress: "Microsoft.Network/publicIPAddresses",
  natGateway: "Microsoft.Network/natGateways",
  virtualNetworkGateway: "Microsoft.Network/virtualNetworkGateways",
  localNetworkGateway: "Microsoft.Network/localNetworkGateways",
  connection: "Microsoft.Network/connections",
  serviceEndpointPolicy: "Microsoft.Network/serviceEndpointPolicies",
  serviceEndpointPolicyDefinition:
    "Microsoft.Network/serviceEndpointPolicies/serviceEndpointPolicyDefinitions",
  privateEndpoint: "Microsoft.Network/privateEndpoints",
  privateDnsZone: "Microsoft.Network/privateDnsZones",
  privateDnsARecord: "Microsoft.Network/privateDnsZones/A",
  privateDnsVirtualNetworkLink: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
  networkWatcher: "Microsoft.Network/networkWatchers",
  virtualMachine: "Microsoft.Compute/virtualMachines",
} as const;

export interface AddressSpace {
  addressPrefixes?: string[];
}

export interface ServiceEndpointFormat {
  service: string;
  locations?: string[];
  provisioningState?: string;
  networkIdentifier?: SubResource;
}

export type PrivateEndpointNetworkPolicies =
  "Disabled" | "Enabled" | "NetworkSecurityGroupEnabled" | "RouteTableEnabled";

export interface SubnetProperties {
  addressPrefix?: string;
  addressPrefixes?: string[];
  serviceEndpoints?: ServiceEndpointFormat[];
  serviceEndpointPolicies?: SubResource[];
  networkSecurityGroup?: SubResource;
  routeTable?: SubResource;
  natGateway?: SubResource;
  privateEndpointNetworkPolicies?: PrivateEndpointNetworkPolicies;
  /** false makes a private subnet: no default outbound access to the internet. */
  defaultOutboundAccess?: boolean;
  ipConfigurations?: SubResource[];
  delegations?: { name?: string; properties?: { serviceName?: string } }[];
  provisioningState?: string;
}

export interface VirtualNetworkPeeringProperties {
  remoteVirtualNetwork?: SubResource;
  allowVirtualNetworkAccess?: boolean;
  allowForwardedTraffic?: boolean;
  allowGatewayTransit?: boolean;
  useRemoteGateways?: boolean;
  peeringState?: "Initiated" | "Connected" | "Disconnected";
  remoteAddressSpace?: AddressSpace;
}

export interface VirtualNetworkProperties {
  addressSpace?: AddressSpace;
  subnets?: ArmResource<SubnetProperties>[];
  virtualNetworkPeerings?: ArmResource<VirtualNetworkPeeringProperties>[];
  provisioningState?: string;
}

export interface NetworkInterfaceIPConfigurationProperties {
  privateIPAddress?: string;
  privateIPAllocationMethod?: "Static" | "Dynamic";
  privateIPAddressVersion?: "IPv4" | "IPv6";
  subnet?: SubResource;
  publicIPAddress?: SubResource;
  primary?: boolean;
  applicationSecurityGroups?: SubResource[];
}

export interface NetworkInterfaceProperties {
  ipConfigurations?: {
    id?: string;
    name: string;
    properties?: NetworkInterfaceIPConfigurationProperties;
  }[];
  networkSecurityGroup?: SubResource;
  enableIPForwarding?: boolean;
  virtualMachine?: SubResource;
  /** The private endpoint whose network interface this is (read-only; Azure creates such NICs itself). */
  privateEndpoint?: SubResource;
  primary?: boolean;
}

export interface VirtualMachineProperties {
  networkProfile?: {
    networkInterfaces?: { id: string; properties?: { primary?: boolean } }[];
  };
}

export type SecurityRuleProtocol = "Tcp" | "Udp" | "Icmp" | "Esp" | "Ah" | "*";

export interface SecurityRuleProperties {
  description?: string;
  protocol: SecurityRuleProtocol;
  sourcePortRange?: string;
  sourcePortRanges?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  sourceApplicationSecurityGroups?: SubResource[];
  destinationApplicationSecurityGroups?: SubResource[];
  access: "Allow" | "Deny";
  priority: number;
  direction: "Inbound" | "Outbound";
  provisioningState?: string;
}

export interface NetworkSecurityGroupProperties {
  securityRules?: ArmResource<SecurityRuleProperties>[];
  defaultSecurityRules?: ArmResource<SecurityRuleProperties>[];
  subnets?: SubResource[];
  networkInterfaces?: SubResource[];
}

export type RouteNextHopType =
  "VirtualNetworkGateway" | "VnetLocal" | "Internet" | "VirtualAppliance" | "None";

export interface RouteProperties {
  addressPrefix: string;
  nextHopType: RouteNextHopType;
  nextHopIpAddress?: string;
}

export interface RouteTableProperties {
  routes?: ArmResource<RouteProperties>[];
  disableBgpRoutePropagation?: boolean;
  subnets?: SubResource[];
}

export interface PublicIPAddressProperties {
  ipAddress?: string;
  publicIPAllocationMethod?: "Static" | "Dynamic";
  publicIPAddressVersion?: "IPv4" | "IPv6";
}

export interface NatGatewayProperties {
  publicIpAddresses?: SubResource[];
  publicIpPrefixes?: SubResource[];
  subnets?: SubResource[];
}

export interface BgpRouteInput {
  /** The prefix the gateway learned over BGP. */
  addressPrefix: string;
  /** The BGP peer it was learned from (informational). */
  nextHopIpAddress?: string;
  asPath?: string;
}

export interface VirtualNetworkGatewayProperties {
  gatewayType?: "Vpn" | "ExpressRoute" | "LocalGateway";
  vpnType?: "RouteBased" | "PolicyBased";
  enableBgp?: boolean;
  ipConfigurations?: {
    name?: string;
    properties?: { subnet?: SubResource; publicIPAddress?: SubResource };
  }[];
  /** Routes the gateway learned over BGP (vnetlab input: what `getLearnedRoutes` would return). */
  learnedRoutes?: BgpRouteInput[];
}

export interface LocalNetworkGatewayProperties {
  localNetworkAddressSpace?: AddressSpace;
  gatewayIpAddress?: string;
  fqdn?: string;
  bgpSettings?: { asn?: number; bgpPeeringAddress?: string };
}

export interface ConnectionProperties {
  connectionType?: "IPsec" | "Vnet2Vnet" | "ExpressRoute" | "VPNClient";
  virtualNetworkGateway1?: SubResource;
  localNetworkGateway2?: SubResource;
  enableBgp?: boolean;
}

export interface ServiceEndpointPolicyDefinitionProperties {
  description?: string;
  service?: string;
  serviceResources?: string[];
}

export interface ServiceEndpointPolicyProperties {
  serviceEndpointPolicyDefinitions?: ArmResource<ServiceEndpointPolicyDefinitionProperties>[];
  serviceAlias?: string;
  contextualServiceEndpointPolicies?: string[];
  subnets?: SubResource[];
}

export interface PrivateLinkServiceConnection {
  name?: string;
  properties?: {
    privateLinkServiceId?: string;
    groupIds?: string[];
    privateLinkServiceConnectionState?: { status?: "Approved" | "Pending" | "Rejected" | "Disconnected" };
  };
}

export interface PrivateEndpointProperties {
  subnet?: SubResource;
  privateLinkServiceConnections?: PrivateLinkServiceConnection[];
  manualPrivateLinkServiceConnections?: PrivateLinkServiceConnection[];
  customDnsConfigs?: { fqdn?: string; ipAddresses?: string[] }[];
  ipConfigurations?: {
    name?: string;
    properties?: { groupId?: string; memberName?: string; privateIPAddress?: string };
  }[];
  networkInterfaces?: SubResource[];
  customNetworkInterfaceName?: string;
}

export interface PrivateDnsZoneProperties {
  /** vnetlab accepts record sets and links inline as well as as child resources. */
  A?: ArmResource<PrivateDnsARecordProperties>[];
  virtualNetworkLinks?: ArmResource<PrivateDnsVirtualNetworkLinkProperties>[];
}

export interface PrivateDnsARecordProperties {
  ttl?: number;
  aRecords?: { ipv4Address: string }[];
}

export interface PrivateDnsVirtualNetworkLinkProperties {
  virtualNetwork?: SubResource;
  registrationEnabled?: boolean;
}
