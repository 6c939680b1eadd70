// Microsoft.Network (and the network profile of Microsoft.Compute/virtualMachines): every type vnetlab serves.
import type { TypeRegistry } from "../../registry.js";
import { connections, localNetworkGateways, networkWatchers, virtualNetworkGateways } from "./gateways.js";
import { networkInterfaceIpConfigurations, networkInterfaces } from "./networkInterfaces.js";
import { networkSecurityGroups } from "./networkSecurityGroups.js";
import { privateDnsARecords, privateDnsVirtualNetworkLinks, privateDnsZones } from "./privateDnsZones.js";
import { privateEndpoints } from "./privateEndpoints.js";
import { applicationSecurityGroups, natGateways, publicIPAddresses } from "./publicIPAddresses.js";
import { routes, routeTables } from "./routeTables.js";
import { defaultSecurityRules, securityRules } from "./securityRules.js";
import { serviceEndpointPolicies, serviceEndpointPolicyDefinitions } from "./serviceEndpointPolicies.js";
import { subnets } from "./subnets.js";
import { virtualMachines } from "./virtualMachines.js";
import { virtualNetworkPeerings } from "./virtualNetworkPeerings.js";
import { virtualNetworks } from "./virtualNetworks.js";

export function registerNetwork(registry: TypeRegistry): void {
  registry.register(
    virtualNetworks,
    subnets,
    virtualNetworkPeerings,
    networkInterfaces,
    networkInterfaceIpConfigurations,
    publicIPAddresses,
    natGateways,
    applicationSecurityGroups,
    networkSecurityGroups,
    securityRules,
    defaultSecurityRules,
    routeTables,
    routes,
    serviceEndpointPolicies,
    serviceEndpointPolicyDefinitions,
    privateEndpoints,
    privateDnsZones,
    privateDnsARecords,
    privateDnsVirtualNetworkLinks,
    virtualNetworkGateways,
    localNetworkGateways,
    connections,
    networkWatchers,
    virtualMachines,
  );
}
