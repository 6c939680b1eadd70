// azurerm_resource_group, azurerm_virtual_network (with inline `subnet` blocks), azurerm_subnet, the subnet
// associations (NSG, route table, NAT gateway) and azurerm_virtual_network_peering.
import { resourceGroupId } from "../../model/resourceId.js";
import {
  NetworkTypes as N,
  type PrivateEndpointNetworkPolicies,
  type SubnetProperties,
  type VirtualNetworkPeeringProperties,
  type VirtualNetworkProperties,
} from "../../model/resources/network.js";
import type { TfBlock, TfResource } from "./block.js";
import { children, nonEmpty, referenceAssociation, subResources, Tf } from "./common.js";
import type { Mappings } from "./context.js";

const POLICIES: readonly PrivateEndpointNetworkPolicies[] = [
  "Disabled",
  "Enabled",
  "NetworkSecurityGroupEnabled",
  "RouteTableEnabled",
];

/** The private endpoint network policies of a subnet, from whichever attribute the provider version has. */
function privateEndpointPolicies(b: TfBlock): PrivateEndpointNetworkPolicies {
  const named = POLICIES.find((p) => p === b.str("private_endpoint_network_policies"));
  if (named) return named;
  // 3.x: private_endpoint_network_policies_enabled; 2.x: enforce_private_link_endpoint_network_policies
  // (true *disables* the policies).
  const enabled = b.optBool("private_endpoint_network_policies_enabled");
  if (enabled !== undefined) return enabled ? "Enabled" : "Disabled";
  const enforce = b.optBool("enforce_private_link_endpoint_network_policies");
  if (enforce !== undefined) return enforce ? "Disabled" : "Enabled";
  // 4.x default (subnet_resource.go: Default VirtualNetworkPrivateEndpointNetworkPoliciesDisabled), which is
  // also Azure's: network policies are disabled for a subnet by default (private-link docs).
  return "Disabled";
}

/** The properties of a subnet, shared by azurerm_subnet and the virtual network's `subnet` blocks. */
function subnetProperties(b: TfBlock): SubnetProperties {
  const prefixes = b.knownStrings("address_prefixes", "the subnet has no address range");
  if (prefixes.length === 0 && b.str("address_prefix")) prefixes.push(b.str("address_prefix")!);
  return {
    ...(prefixes.length === 1 ? { addressPrefix: prefixes[0] } : { addressPrefixes: prefixes }),
    serviceEndpoints: nonEmpty(b.strings("service_endpoints").map((service) => ({ service }))),
    serviceEndpointPolicies: nonEmpty(subResources(b.refs("service_endpoint_policy_ids", Tf.policy))),
    privateEndpointNetworkPolicies: privateEndpointPolicies(b),
    // default_outbound_access_enabled defaults to true (subnet_resource.go); only a private subnet says so.
    ...(b.bool("default_outbound_access_enabled", true) ? {} : { defaultOutboundAccess: false }),
    delegations: nonEmpty(
      b.blocks("delegation").map((d) => {
        const service = d.block("service_delegation");
        return {
          name: d.str("name"),
          properties: {
            serviceName: service?.str("name"),
            actions: nonEmpty(service?.strings("actions") ?? []),
          },
        };
      }),
    ),
  };
}

const SUBNET_ID = ["subnet_id", Tf.subnet] as const;

export const virtualNetworkMappings: Mappings = {
  azurerm_resource_group: {
    id: (r) => (r.str("name") ? resourceGroupId(r.subscription(), r.str("name")!) : undefined),
    map: (r) => r.ingest.emit(r.arm("Microsoft.Resources/resourceGroups", {})),
  },

  azurerm_virtual_network: {
    id: (r) => r.armId(N.virtualNetwork, "name"),
    map(r) {
      const subnets = children(r.blocks("subnet"), (b) => ({
        ...subnetProperties(b),
        networkSecurityGroup: b.subResource("security_group", Tf.nsg),
        routeTable: b.subResource("route_table_id", Tf.routeTable),
      }));
      const dnsServers = r.strings("dns_servers");
      const properties: VirtualNetworkProperties & { dhcpOptions?: { dnsServers: string[] } } = {
        addressSpace: {
          addressPrefixes: r.knownStrings("address_space", "the network has no address space"),
        },
        ...(dnsServers.length > 0 ? { dhcpOptions: { dnsServers } } : {}),
        subnets: nonEmpty(subnets),
      };
      r.ingest.emit(r.arm(N.virtualNetwork, properties));
    },
  },

  azurerm_subnet: {
    id: (r) => r.armId(N.subnet, "virtual_network_name", "name"),
    map(r: TfResource) {
      r.ingest.emit(
        r.arm<SubnetProperties>(N.subnet, {
          ...subnetProperties(r),
          // 1.x/2.x inline associations (deprecated in favour of the association resources).
          networkSecurityGroup: r.subResource("network_security_group_id", Tf.nsg),
          routeTable: r.subResource("route_table_id", Tf.routeTable),
        }),
      );
    },
  },

  azurerm_subnet_network_security_group_association: referenceAssociation(
    SUBNET_ID,
    ["network_security_group_id", Tf.nsg],
    "networkSecurityGroup",
    "network security group association",
  ),
  azurerm_subnet_route_table_association: referenceAssociation(
    SUBNET_ID,
    ["route_table_id", Tf.routeTable],
    "routeTable",
    "route table association",
  ),
  azurerm_subnet_nat_gateway_association: referenceAssociation(
    SUBNET_ID,
    ["nat_gateway_id", Tf.natGateway],
    "natGateway",
    "NAT gateway association",
  ),

  azurerm_virtual_network_peering: {
    id: (r) => r.armId(N.virtualNetworkPeering, "virtual_network_name", "name"),
    map(r) {
      // Defaults from virtual_network_peering_resource.go: access true, the others false.
      r.ingest.emit(
        r.arm<VirtualNetworkPeeringProperties>(N.virtualNetworkPeering, {
          remoteVirtualNetwork: r.subResource("remote_virtual_network_id", Tf.vnet),
          allowVirtualNetworkAccess: r.bool("allow_virtual_network_access", true),
          allowForwardedTraffic: r.bool("allow_forwarded_traffic", false),
          allowGatewayTransit: r.bool("allow_gateway_transit", false),
          useRemoteGateways: r.bool("use_remote_gateways", false),
        }),
      );
    },
  },
};
