// azurerm_servicebus_namespace (`network_rule_set` block), azurerm_servicebus_namespace_network_rule_set and
// azurerm_eventhub_namespace (`network_rulesets` block): each becomes the namespace's networkRuleSets/default.
import type { ArmResource } from "../../model/arm.js";
import {
  type MessagingNamespaceProperties,
  type NetworkRuleSetProperties,
  ServiceTypes as S,
} from "../../model/resources/services.js";
import { buildResourceId } from "../../model/resourceId.js";
import type { TfBlock, TfResource } from "./block.js";
import { access, Tf } from "./common.js";
import type { Mappings } from "./context.js";

const IP_CONSEQUENCE = "traffic from that address is judged without the rule";

/** A Service Bus rule set (the namespace's block and the separate resource share the attribute names). */
function serviceBusRuleSet(b: TfBlock): NetworkRuleSetProperties {
  // Defaults from servicebus_namespace_network_rule_set_resource.go: default_action Allow,
  // public_network_access_enabled true, trusted_services_allowed false, ignore_missing_... false.
  return {
    publicNetworkAccess: access(b.bool("public_network_access_enabled", true)),
    defaultAction: b.str("default_action") === "Deny" ? "Deny" : "Allow",
    trustedServiceAccessEnabled: b.bool("trusted_services_allowed", false),
    ipRules: b
      .knownStrings("ip_rules", IP_CONSEQUENCE)
      .map((ipMask) => ({ ipMask, action: "Allow" as const })),
    virtualNetworkRules: b.blocks("network_rules").flatMap((n) => {
      const id = n.ref("subnet_id", Tf.subnet);
      return id
        ? [
            {
              subnet: { id },
              ignoreMissingVnetServiceEndpoint: n.bool("ignore_missing_vnet_service_endpoint", false),
            },
          ]
        : [];
    }),
  };
}

/** An Event Hubs `network_rulesets` block. */
function eventHubRuleSet(b: TfBlock): NetworkRuleSetProperties {
  // eventhub_namespace_resource.go: public_network_access_enabled defaults to true; the rest are unset.
  return {
    publicNetworkAccess: access(b.bool("public_network_access_enabled", true)),
    defaultAction: b.str("default_action") === "Deny" ? "Deny" : "Allow",
    trustedServiceAccessEnabled: b.bool("trusted_service_access_enabled", false),
    ipRules: b.blocks("ip_rule").flatMap((ip) => {
      const ipMask = ip.known("ip_mask", IP_CONSEQUENCE);
      return ipMask ? [{ ipMask, action: "Allow" as const }] : [];
    }),
    virtualNetworkRules: b.blocks("virtual_network_rule").flatMap((n) => {
      const id = n.ref("subnet_id", Tf.subnet);
      const ignore = n.bool("ignore_missing_virtual_network_service_endpoint", false);
      return id ? [{ subnet: { id }, ignoreMissingVnetServiceEndpoint: ignore }] : [];
    }),
  };
}

function namespace(type: string, block: string, ruleSet: (b: TfBlock) => NetworkRuleSetProperties) {
  return {
    id: (r: TfResource) => r.armId(type, "name"),
    map(r: TfResource) {
      const rules = r.block(block);
      const sku = r.str("sku");
      r.ingest.emit(
        r.arm<MessagingNamespaceProperties>(
          type,
          {
            // public_network_access_enabled defaults to true (servicebus/eventhub namespace resources).
            publicNetworkAccess: access(r.bool("public_network_access_enabled", true)),
            // Without the block the namespace keeps Azure's default rule set (Allow).
            networkRuleSets: rules && [
              { name: "default", properties: ruleSet(rules) } as ArmResource<NetworkRuleSetProperties>,
            ],
          },
          sku ? { sku: { name: sku, tier: sku } } : {},
        ),
      );
    },
  };
}

export const messagingMappings: Mappings = {
  azurerm_servicebus_namespace: namespace(S.serviceBusNamespace, "network_rule_set", serviceBusRuleSet),
  azurerm_eventhub_namespace: namespace(S.eventHubNamespace, "network_rulesets", eventHubRuleSet),
  azurerm_servicebus_namespace_network_rule_set: {
    id(r) {
      // 3.x+ namespace_id; 2.x namespace_name with resource_group_name. The rule set is always `default`.
      const ns = r.ref("namespace_id", Tf.serviceBus);
      if (ns) return `${ns}/networkRuleSets/default`;
      const rg = r.str("resource_group_name");
      const name = r.str("namespace_name");
      return rg && name
        ? buildResourceId(r.subscription(), rg, `${S.serviceBusNamespace}/networkRuleSets`, name, "default")
        : undefined;
    },
    map: (r) => r.ingest.emit(r.arm(`${S.serviceBusNamespace}/networkRuleSets`, serviceBusRuleSet(r))),
  },
};
