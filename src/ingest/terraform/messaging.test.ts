import { describe, expect, it } from "vitest";
import { rid } from "../../../test/fixtures/arm.js";
import { ingest, plan, ref, top, subnetIdOf } from "../../../test/fixtures/terraform/plan.js";
import { compileEstate } from "../../model/compileEstate.js";
import type { MessagingNamespaceProperties } from "../../model/resources/services.js";

const SB = "Microsoft.ServiceBus/namespaces";
const EH = "Microsoft.EventHub/namespaces";
const snet = subnetIdOf("snet-a");

describe("Service Bus and Event Hubs namespaces", () => {
  it("map a Service Bus network_rule_set block to networkRuleSets/default", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_servicebus_namespace.a",
          values: top("sb-a", {
            sku: "Premium",
            public_network_access_enabled: true,
            network_rule_set: [
              {
                default_action: "Deny",
                public_network_access_enabled: true,
                trusted_services_allowed: true,
                ip_rules: ["203.0.113.0/24"],
                network_rules: [{ subnet_id: snet, ignore_missing_vnet_service_endpoint: false }],
              },
            ],
          }),
          unknown: { id: true },
        },
      ]),
    );
    expect(r.find<MessagingNamespaceProperties>(SB)).toMatchObject({
      sku: { name: "Premium", tier: "Premium" },
      properties: {
        publicNetworkAccess: "Enabled",
        networkRuleSets: [
          {
            name: "default",
            properties: {
              publicNetworkAccess: "Enabled",
              defaultAction: "Deny",
              trustedServiceAccessEnabled: true,
              ipRules: [{ ipMask: "203.0.113.0/24", action: "Allow" }],
              virtualNetworkRules: [{ subnet: { id: snet }, ignoreMissingVnetServiceEndpoint: false }],
            },
          },
        ],
      },
    });
  });

  it("map azurerm_servicebus_namespace_network_rule_set as the namespace's default rule set", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_servicebus_namespace.a",
          values: top("sb-a", { sku: "Premium" }),
          unknown: { id: true, network_rule_set: true },
        },
        {
          address: "azurerm_servicebus_namespace_network_rule_set.a",
          values: {
            default_action: "Deny",
            public_network_access_enabled: true,
            trusted_services_allowed: false,
            ip_rules: [],
            network_rules: [{ subnet_id: snet }],
          },
          unknown: { id: true, namespace_id: true },
          expressions: { namespace_id: ref("azurerm_servicebus_namespace.a.id") },
        },
      ]),
    );
    const id = `${rid("rg-test", SB, "sb-a")}/networkRuleSets/default`;
    expect(r.find(`${SB}/networkRuleSets`)).toMatchObject({
      id,
      name: "default",
      properties: { defaultAction: "Deny" },
    });
    const estate = compileEstate(r.resources);
    expect(
      estate.get<MessagingNamespaceProperties>(rid("rg-test", SB, "sb-a"))!.properties!.networkRuleSets,
    ).toHaveLength(1);
  });

  it("map an Event Hubs network_rulesets block", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_eventhub_namespace.a",
          values: top("eh-a", {
            sku: "Standard",
            network_rulesets: [
              {
                default_action: "Deny",
                public_network_access_enabled: true,
                trusted_service_access_enabled: true,
                ip_rule: [{ ip_mask: "198.51.100.0/24", action: "Allow" }],
                virtual_network_rule: [
                  { subnet_id: snet, ignore_missing_virtual_network_service_endpoint: true },
                ],
              },
            ],
          }),
          unknown: { id: true },
        },
      ]),
    );
    expect(r.find<MessagingNamespaceProperties>(EH)!.properties!.networkRuleSets![0]!.properties).toEqual({
      publicNetworkAccess: "Enabled",
      defaultAction: "Deny",
      trustedServiceAccessEnabled: true,
      ipRules: [{ ipMask: "198.51.100.0/24", action: "Allow" }],
      virtualNetworkRules: [{ subnet: { id: snet }, ignoreMissingVnetServiceEndpoint: true }],
    });
  });
});
