import { describe, expect, it } from "vitest";
import { rid } from "../../../test/fixtures/arm.js";
import { ingest, plan, ref, top } from "../../../test/fixtures/terraform/plan.js";

describe("azurerm_subnet_service_endpoint_storage_policy", () => {
  it("maps definitions, resolving accounts by reference and keeping known scopes", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_storage_account.a",
          values: top("stga", { account_tier: "Standard", account_replication_type: "LRS" }),
          unknown: { id: true },
        },
        {
          address: "azurerm_subnet_service_endpoint_storage_policy.p",
          values: top("sep-a", {
            definition: [
              {
                name: "mine",
                description: "",
                service: "Microsoft.Storage",
                service_resources: ["/subscriptions/x/resourceGroups/rg-data", null],
              },
              { name: "global", service: "Global", service_resources: ["/services/Azure/MachineLearning"] },
            ],
          }),
          unknown: { id: true, definition: [{ service_resources: [false, true] }, {}] },
          expressions: {
            definition: [
              { name: { constant_value: "mine" }, service_resources: ref("azurerm_storage_account.a.id") },
              {
                name: { constant_value: "global" },
                service_resources: { constant_value: ["/services/Azure/MachineLearning"] },
              },
            ],
          },
        },
      ]),
    );
    expect(r.find("Microsoft.Network/serviceEndpointPolicies")).toEqual({
      id: rid("rg-test", "Microsoft.Network/serviceEndpointPolicies", "sep-a"),
      name: "sep-a",
      type: "Microsoft.Network/serviceEndpointPolicies",
      location: "uksouth",
      properties: {
        serviceEndpointPolicyDefinitions: [
          {
            name: "mine",
            properties: {
              service: "Microsoft.Storage",
              serviceResources: [
                "/subscriptions/x/resourceGroups/rg-data",
                rid("rg-test", "Microsoft.Storage/storageAccounts", "stga"),
              ],
            },
          },
          {
            name: "global",
            properties: { service: "Global", serviceResources: ["/services/Azure/MachineLearning"] },
          },
        ],
      },
    });
    expect(r.warnings).toEqual([]);
  });
});
