import { describe, expect, it } from "vitest";
import { ingest, plan, ref, top, plannedSubnet, subnetIdOf } from "../../../test/fixtures/terraform/plan.js";
import type { CosmosDbAccountProperties } from "../../model/resources/services.js";

const COSMOS = "Microsoft.DocumentDB/databaseAccounts";
const snet = (n: string) => subnetIdOf(n);

describe("azurerm_cosmosdb_account", () => {
  it("maps virtual network rules (ids resolved by reference), the filter flag and a 4.x ip_range_filter set", () => {
    const r = ingest(
      plan([
        plannedSubnet("b", "snet-b"),
        {
          address: "azurerm_cosmosdb_account.a",
          values: top("cosmos-a", {
            offer_type: "Standard",
            is_virtual_network_filter_enabled: true,
            ip_range_filter: ["203.0.113.0/24", "0.0.0.0"],
            virtual_network_rule: [
              { id: snet("snet-a"), ignore_missing_vnet_service_endpoint: true },
              { ignore_missing_vnet_service_endpoint: false },
            ],
          }),
          unknown: { id: true, endpoint: true, virtual_network_rule: [{}, { id: true }] },
          expressions: {
            virtual_network_rule: [
              { id: { constant_value: snet("snet-a") } },
              { id: ref("azurerm_subnet.b.id") },
            ],
          },
        },
      ]),
    );
    expect(r.find<CosmosDbAccountProperties>(COSMOS)).toMatchObject({
      kind: "GlobalDocumentDB",
      properties: {
        databaseAccountOfferType: "Standard",
        publicNetworkAccess: "Enabled",
        isVirtualNetworkFilterEnabled: true,
        virtualNetworkRules: [
          { id: snet("snet-a"), ignoreMissingVNetServiceEndpoint: true },
          { id: snet("snet-b"), ignoreMissingVNetServiceEndpoint: false },
        ],
        ipRules: [{ ipAddressOrRange: "203.0.113.0/24" }, { ipAddressOrRange: "0.0.0.0" }],
      },
    });
  });

  it("splits a 3.x comma-separated ip_range_filter; the filter flag defaults to false", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_cosmosdb_account.a",
          values: top("cosmos-a", { kind: "MongoDB", ip_range_filter: "1.2.3.4, 5.6.7.0/24" }),
          unknown: { id: true },
        },
      ]),
    );
    expect(r.find<CosmosDbAccountProperties>(COSMOS)).toMatchObject({
      kind: "MongoDB",
      properties: {
        isVirtualNetworkFilterEnabled: false,
        ipRules: [{ ipAddressOrRange: "1.2.3.4" }, { ipAddressOrRange: "5.6.7.0/24" }],
      },
    });
  });
});
