// azurerm_virtual_network, azurerm_subnet, the subnet associations, peerings, resource groups; and where ids
// take their subscription from.
import { describe, expect, it } from "vitest";
import { rid, SUB } from "../../../test/fixtures/arm.js";
import {
  ingest,
  plan,
  ref,
  state,
  top,
  type TfSpec,
  subnetIdOf,
} from "../../../test/fixtures/terraform/plan.js";
import { compileEstate } from "../../model/compileEstate.js";
import type { SubnetProperties, VirtualNetworkProperties } from "../../model/resources/network.js";

const VNET = "Microsoft.Network/virtualNetworks";
const SUBNET = "Microsoft.Network/virtualNetworks/subnets";
const vnetId = rid("rg-test", VNET, "vnet-a");
const subnetId = (name: string) => subnetIdOf(name);

const vnet: TfSpec = {
  address: "azurerm_virtual_network.a",
  values: top("vnet-a", { address_space: ["10.1.0.0/16"] }),
  unknown: { id: true, subnet: true },
};
const nsg: TfSpec = {
  address: "azurerm_network_security_group.a",
  values: top("nsg-a", { security_rule: [] }),
  unknown: { id: true },
};
const subnet = (
  key: string,
  name: string,
  values: Record<string, unknown> = {},
  expressions = {},
): TfSpec => ({
  address: `azurerm_subnet.${key}`,
  values: {
    name,
    resource_group_name: "rg-test",
    virtual_network_name: "vnet-a",
    address_prefixes: ["10.1.1.0/24"],
    ...values,
  },
  unknown: {
    id: true,
    ...(values.service_endpoint_policy_ids === undefined ? {} : { service_endpoint_policy_ids: [true] }),
  },
  expressions,
});

describe("azurerm_virtual_network", () => {
  it("maps inline subnet blocks, resolving a security_group that is unknown until apply", () => {
    const r = ingest(
      plan([
        nsg,
        {
          address: "azurerm_virtual_network.a",
          values: top("vnet-a", {
            location: "West Europe",
            address_space: ["10.1.0.0/16"],
            dns_servers: ["10.1.0.4"],
            subnet: [
              { name: "snet-b", address_prefixes: ["10.1.2.0/24"], service_endpoints: ["Microsoft.Storage"] },
              { name: "snet-a", address_prefixes: ["10.1.1.0/24"] },
            ],
          }),
          unknown: { id: true, subnet: [{ id: true }, { id: true, security_group: true }] },
          expressions: {
            subnet: [
              {
                name: { constant_value: "snet-a" },
                security_group: ref("azurerm_network_security_group.a.id"),
              },
              { name: { constant_value: "snet-b" } },
            ],
          },
        },
      ]),
    );
    const v = r.find<VirtualNetworkProperties>(VNET)!;
    expect(v).toMatchObject({ id: vnetId, location: "westeurope" });
    expect(v.properties).toMatchObject({
      addressSpace: { addressPrefixes: ["10.1.0.0/16"] },
      dhcpOptions: { dnsServers: ["10.1.0.4"] },
    });
    expect(v.properties!.subnets).toEqual([
      {
        name: "snet-b",
        properties: {
          addressPrefix: "10.1.2.0/24",
          serviceEndpoints: [{ service: "Microsoft.Storage" }],
          privateEndpointNetworkPolicies: "Disabled",
        },
      },
      {
        name: "snet-a",
        properties: {
          addressPrefix: "10.1.1.0/24",
          privateEndpointNetworkPolicies: "Disabled",
          networkSecurityGroup: { id: rid("rg-test", "Microsoft.Network/networkSecurityGroups", "nsg-a") },
        },
      },
    ]);
    expect(r.warnings).toEqual([]);
    expect(() => compileEstate(r.resources)).not.toThrow();
  });
});

describe("azurerm_subnet", () => {
  it("maps endpoints, endpoint policies (by reference), delegations and a private subnet", () => {
    const r = ingest(
      plan([
        vnet,
        {
          address: "azurerm_subnet_service_endpoint_storage_policy.p",
          values: top("sep-a", { definition: [] }),
          unknown: { id: true },
        },
        subnet(
          "a",
          "snet-a",
          {
            service_endpoints: ["Microsoft.Sql", "Microsoft.Storage"],
            service_endpoint_policy_ids: [null],
            private_endpoint_network_policies: "NetworkSecurityGroupEnabled",
            default_outbound_access_enabled: false,
            delegation: [
              { name: "d", service_delegation: [{ name: "Microsoft.Web/serverFarms", actions: ["a/b"] }] },
            ],
          },
          { service_endpoint_policy_ids: ref("azurerm_subnet_service_endpoint_storage_policy.p.id") },
        ),
      ]),
    );
    expect(r.find<SubnetProperties>(SUBNET)).toEqual({
      id: subnetId("snet-a"),
      name: "snet-a",
      type: SUBNET,
      properties: {
        addressPrefix: "10.1.1.0/24",
        serviceEndpoints: [{ service: "Microsoft.Sql" }, { service: "Microsoft.Storage" }],
        serviceEndpointPolicies: [
          { id: rid("rg-test", "Microsoft.Network/serviceEndpointPolicies", "sep-a") },
        ],
        privateEndpointNetworkPolicies: "NetworkSecurityGroupEnabled",
        defaultOutboundAccess: false,
        delegations: [
          { name: "d", properties: { serviceName: "Microsoft.Web/serverFarms", actions: ["a/b"] } },
        ],
      },
    });
  });

  it("reads the private endpoint policies of 3.x and 2.x attributes, defaulting to Disabled", () => {
    const policies = (values: Record<string, unknown>) =>
      ingest(plan([vnet, subnet("a", "snet-a", values)])).find<SubnetProperties>(SUBNET)!.properties!
        .privateEndpointNetworkPolicies;
    expect(policies({ private_endpoint_network_policies_enabled: true })).toBe("Enabled");
    expect(policies({ private_endpoint_network_policies_enabled: false })).toBe("Disabled");
    expect(policies({ enforce_private_link_endpoint_network_policies: true })).toBe("Disabled");
    expect(policies({})).toBe("Disabled");
  });
});

describe("subnet associations", () => {
  const assoc = (type: string, attr: string, target: string, subnetRef = "azurerm_subnet.a.id"): TfSpec => ({
    address: `${type}.a`,
    values: {},
    unknown: { id: true, subnet_id: true, [attr]: true },
    expressions: { subnet_id: ref(subnetRef), [attr]: ref(`${target}.id`) },
  });

  it("set the NSG, route table and NAT gateway of the subnet they name", () => {
    const r = ingest(
      plan([
        vnet,
        subnet("a", "snet-a"),
        nsg,
        { address: "azurerm_route_table.a", values: top("rt-a", { route: [] }), unknown: { id: true } },
        {
          address: "azurerm_nat_gateway.a",
          values: top("nat-a", { sku_name: "Standard" }),
          unknown: { id: true },
        },
        assoc(
          "azurerm_subnet_network_security_group_association",
          "network_security_group_id",
          "azurerm_network_security_group.a",
        ),
        assoc("azurerm_subnet_route_table_association", "route_table_id", "azurerm_route_table.a"),
        assoc("azurerm_subnet_nat_gateway_association", "nat_gateway_id", "azurerm_nat_gateway.a"),
      ]),
    );
    expect(r.find<SubnetProperties>(SUBNET)!.properties).toMatchObject({
      networkSecurityGroup: { id: rid("rg-test", "Microsoft.Network/networkSecurityGroups", "nsg-a") },
      routeTable: { id: rid("rg-test", "Microsoft.Network/routeTables", "rt-a") },
      natGateway: { id: rid("rg-test", "Microsoft.Network/natGateways", "nat-a") },
    });
    expect(r.warnings).toEqual([]);
  });

  it("reach a subnet declared inline in its virtual network", () => {
    const r = ingest(
      state([
        {
          address: "azurerm_virtual_network.a",
          values: top("vnet-a", {
            id: vnetId,
            address_space: ["10.1.0.0/16"],
            subnet: [{ id: subnetId("snet-a"), name: "snet-a", address_prefixes: ["10.1.1.0/24"] }],
          }),
        },
        {
          address: "azurerm_route_table.a",
          values: top("rt-a", { id: rid("rg-test", "Microsoft.Network/routeTables", "rt-a") }),
        },
        {
          address: "azurerm_subnet_route_table_association.a",
          values: {
            subnet_id: subnetId("snet-a"),
            route_table_id: rid("rg-test", "Microsoft.Network/routeTables", "rt-a"),
          },
        },
      ]),
    );
    expect(r.find<VirtualNetworkProperties>(VNET)!.properties!.subnets![0]!.properties).toMatchObject({
      routeTable: { id: rid("rg-test", "Microsoft.Network/routeTables", "rt-a") },
    });
  });

  it("warn when the subnet is not in the plan", () => {
    const r = ingest(
      state([
        {
          address: "azurerm_subnet_network_security_group_association.a",
          values: {
            subnet_id: subnetId("elsewhere"),
            network_security_group_id: rid("rg-test", "Microsoft.Network/networkSecurityGroups", "nsg-a"),
          },
        },
      ]),
    );
    expect(r.lines).toEqual([
      `azurerm_subnet_network_security_group_association.a: ${subnetId("elsewhere")} is not in this plan; its network security group association is left out`,
    ]);
  });
});

describe("azurerm_virtual_network_peering", () => {
  it("maps the remote network and the provider's defaults", () => {
    const r = ingest(
      plan([
        vnet,
        {
          address: "azurerm_virtual_network.b",
          values: top("vnet-b", { address_space: ["10.2.0.0/16"] }),
          unknown: { id: true },
        },
        {
          address: "azurerm_virtual_network_peering.ab",
          values: {
            name: "a-to-b",
            resource_group_name: "rg-test",
            virtual_network_name: "vnet-a",
            allow_forwarded_traffic: true,
          },
          unknown: { id: true, remote_virtual_network_id: true },
          expressions: { remote_virtual_network_id: ref("azurerm_virtual_network.b.id") },
        },
      ]),
    );
    expect(r.find("Microsoft.Network/virtualNetworks/virtualNetworkPeerings")).toEqual({
      id: `${vnetId}/virtualNetworkPeerings/a-to-b`,
      name: "a-to-b",
      type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
      properties: {
        remoteVirtualNetwork: { id: rid("rg-test", VNET, "vnet-b") },
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
        allowGatewayTransit: false,
        useRemoteGateways: false,
      },
    });
    expect(() => compileEstate(r.resources)).not.toThrow();
  });
});

describe("subscriptions and resource groups", () => {
  const group: TfSpec = {
    address: "azurerm_resource_group.rg",
    values: { name: "rg-test", location: "UK South" },
    unknown: { id: true },
  };
  const other = "33333333-3333-3333-3333-333333333333";

  it("takes the provider's subscription_id, also through a variable", () => {
    expect(ingest(plan([group])).find("Microsoft.Resources/resourceGroups")).toEqual({
      id: `/subscriptions/${SUB}/resourceGroups/rg-test`,
      name: "rg-test",
      type: "Microsoft.Resources/resourceGroups",
      location: "uksouth",
      properties: {},
    });
    const viaVariable = ingest(
      plan([group, vnet], { subscription: ref("var.sub"), variables: { sub: other } }),
    );
    expect(viaVariable.find(VNET)!.id).toBe(
      `/subscriptions/${other}/resourceGroups/rg-test/providers/${VNET}/vnet-a`,
    );
  });

  it("else the resource group's known id, else --subscription, else a placeholder with a warning", () => {
    const known = {
      ...group,
      values: { ...group.values, id: `/subscriptions/${other}/resourceGroups/rg-test` },
      unknown: {},
    };
    expect(ingest(plan([known, vnet], { subscription: null })).find(VNET)!.id).toContain(other);
    expect(ingest(plan([vnet], { subscription: null }), other).find(VNET)!.id).toContain(other);
    const none = ingest(plan([vnet], { subscription: null }));
    expect(none.find(VNET)!.id).toContain("00000000-0000-0000-0000-000000000000");
    expect(none.lines[0]).toMatch(/no subscription .* \(give --subscription\)/);
  });
});
