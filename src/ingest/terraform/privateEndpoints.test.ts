// azurerm_private_endpoint and the private DNS resources; a private endpoint traced end to end.
import { describe, expect, it } from "vitest";
import { rid } from "../../../test/fixtures/arm.js";
import {
  ingest,
  plan,
  ref,
  state,
  top,
  type TfSpec,
  subnetIdOf,
} from "../../../test/fixtures/terraform/plan.js";
import { traceBetween } from "../../engine/index.js";
import { compileEstate } from "../../model/compileEstate.js";
import type { PrivateEndpointProperties } from "../../model/resources/network.js";

const PE = "Microsoft.Network/privateEndpoints";
const ZONE = "Microsoft.Network/privateDnsZones";
const vnetId = rid("rg-test", "Microsoft.Network/virtualNetworks", "vnet-a");
const stgId = rid("rg-test", "Microsoft.Storage/storageAccounts", "stga");
const zoneId = rid("rg-test", ZONE, "privatelink.blob.core.windows.net");

const network: TfSpec[] = [
  {
    address: "azurerm_virtual_network.a",
    values: top("vnet-a", {
      address_space: ["10.1.0.0/16"],
      subnet: [
        { name: "snet-pe", address_prefixes: ["10.1.9.0/24"] },
        { name: "snet-app", address_prefixes: ["10.1.1.0/24"] },
      ],
    }),
    unknown: { id: true },
  },
  {
    address: "azurerm_storage_account.a",
    values: top("stga", {
      account_tier: "Standard",
      account_replication_type: "LRS",
      public_network_access_enabled: false,
    }),
    unknown: { id: true },
  },
  {
    address: "azurerm_private_dns_zone.blob",
    values: { name: "privatelink.blob.core.windows.net", resource_group_name: "rg-test" },
    unknown: { id: true },
  },
  {
    address: "azurerm_private_dns_zone_virtual_network_link.a",
    values: {
      name: "link-a",
      resource_group_name: "rg-test",
      private_dns_zone_name: "privatelink.blob.core.windows.net",
      registration_enabled: false,
    },
    unknown: { id: true, virtual_network_id: true },
    expressions: { virtual_network_id: ref("azurerm_virtual_network.a.id") },
  },
  {
    address: "azurerm_network_interface.app",
    values: top("nic-app", {
      ip_configuration: [
        {
          name: "c",
          private_ip_address_allocation: "Static",
          private_ip_address: "10.1.1.4",
          subnet_id: subnetIdOf("snet-app"),
        },
      ],
    }),
    unknown: { id: true },
  },
];

const endpoint = (ipConfiguration: unknown[]): TfSpec => ({
  address: "azurerm_private_endpoint.blob",
  values: top("pe-blob", {
    subnet_id: subnetIdOf("snet-pe"),
    private_service_connection: [{ name: "blob", is_manual_connection: false, subresource_names: ["blob"] }],
    private_dns_zone_group: [{ name: "default", private_dns_zone_ids: [null] }],
    ip_configuration: ipConfiguration,
  }),
  unknown: {
    id: true,
    custom_dns_configs: true,
    private_dns_zone_configs: true,
    private_service_connection: [{ private_connection_resource_id: true, private_ip_address: true }],
    private_dns_zone_group: [{ id: true, private_dns_zone_ids: [true] }],
  },
  expressions: {
    private_service_connection: [{ private_connection_resource_id: ref("azurerm_storage_account.a.id") }],
    private_dns_zone_group: [{ private_dns_zone_ids: ref("azurerm_private_dns_zone.blob.id") }],
  },
});

describe("azurerm_private_endpoint", () => {
  it("with a static address: the connection, the address and the zone group's record, traced from the VNet", () => {
    const r = ingest(
      plan([
        ...network,
        endpoint([
          { name: "ip", private_ip_address: "10.1.9.10", subresource_name: "blob", member_name: "blob" },
        ]),
      ]),
    );
    expect(r.find<PrivateEndpointProperties>(PE)!.properties).toEqual({
      subnet: { id: subnetIdOf("snet-pe") },
      privateLinkServiceConnections: [
        { name: "blob", properties: { privateLinkServiceId: stgId, groupIds: ["blob"] } },
      ],
      ipConfigurations: [
        { name: "ip", properties: { privateIPAddress: "10.1.9.10", groupId: "blob", memberName: "blob" } },
      ],
    });
    expect(r.find(`${ZONE}/A`)).toEqual({
      id: `${zoneId}/A/stga`,
      name: "stga",
      type: `${ZONE}/A`,
      properties: { ttl: 10, aRecords: [{ ipv4Address: "10.1.9.10" }] },
    });
    expect(r.find(`${ZONE}/virtualNetworkLinks`)).toMatchObject({
      location: "global",
      properties: { virtualNetwork: { id: vnetId }, registrationEnabled: false },
    });
    expect(r.warnings).toEqual([]);
    const t = traceBetween(compileEstate(r.resources), "10.1.1.4", "https://stga.blob.core.windows.net/c/b");
    expect(t.verdict).toBe("Allow");
    expect(t.sourceIpSeenByService).toBe("10.1.1.4");
  });

  it("with an allocated address: a warning that it is unknown until apply", () => {
    const r = ingest(plan([...network, endpoint([])]));
    expect(r.lines).toContain(
      "azurerm_private_endpoint.blob: private_service_connection[0].private_ip_address: unknown until apply; Azure allocates it from the subnet; traces cannot reach the endpoint by address or name",
    );
    expect(r.find(`${ZONE}/A`)).toBeUndefined();
  });

  it("from a state: the connection's address and the zone group's record sets", () => {
    const peId = rid("rg-test", PE, "pe-blob");
    const r = ingest(
      state([
        {
          address: "azurerm_private_endpoint.blob",
          values: top("pe-blob", {
            id: peId,
            subnet_id: subnetIdOf("snet-pe"),
            private_service_connection: [
              {
                name: "blob",
                is_manual_connection: true,
                private_connection_resource_id: stgId,
                subresource_names: ["blob"],
                private_ip_address: "10.1.9.4",
              },
            ],
            custom_dns_configs: [],
            private_dns_zone_configs: [
              {
                name: "default",
                private_dns_zone_id: zoneId,
                record_sets: [
                  {
                    name: "stga",
                    fqdn: "stga.privatelink.blob.core.windows.net",
                    ttl: 10,
                    ip_addresses: ["10.1.9.4"],
                  },
                ],
              },
            ],
          }),
        },
      ]),
    );
    expect(r.find<PrivateEndpointProperties>(PE)!.properties).toMatchObject({
      manualPrivateLinkServiceConnections: [{ properties: { privateLinkServiceId: stgId } }],
      customDnsConfigs: [{ ipAddresses: ["10.1.9.4"] }],
    });
    expect(r.find(`${ZONE}/A`)).toMatchObject({
      id: `${zoneId}/A/stga`,
      properties: { aRecords: [{ ipv4Address: "10.1.9.4" }] },
    });
  });
});

describe("private DNS records", () => {
  it("map azurerm_private_dns_a_record into its zone", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_private_dns_zone.z",
          values: { name: "corp.internal", resource_group_name: "rg-test" },
          unknown: { id: true },
        },
        {
          address: "azurerm_private_dns_a_record.db",
          values: {
            name: "db",
            zone_name: "corp.internal",
            resource_group_name: "rg-test",
            ttl: 300,
            records: ["10.1.1.5"],
          },
          unknown: { id: true, fqdn: true },
        },
      ]),
    );
    expect(r.find(ZONE)).toMatchObject({ location: "global" });
    expect(r.find(`${ZONE}/A`)).toEqual({
      id: `${rid("rg-test", ZONE, "corp.internal")}/A/db`,
      name: "db",
      type: `${ZONE}/A`,
      properties: { ttl: 300, aRecords: [{ ipv4Address: "10.1.1.5" }] },
    });
  });
});
