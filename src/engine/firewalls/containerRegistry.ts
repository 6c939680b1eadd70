// Container Registry firewall (Microsoft.ContainerRegistry/registries networkRuleSet), semantics §4.8.
import { type ContainerRegistryProperties, ServiceTypes } from "../../model/resources/services.js";
import { aclFirewall } from "./aclChain.js";
import { compileIpRules, parseBypass, propsOf, SubnetRules } from "./common.js";

export const containerRegistryFirewall = aclFirewall({
  resourceTypes: [ServiceTypes.containerRegistry],
  noun: "registry",
  prefix: "networkRuleSet",
  bypassProperty: "networkRuleBypassOptions",
  firewallDenial: "containerRegistryDenied",
  // [INF] the registry answers the same DENIED when public access is disabled
  pnaDenial: "containerRegistryDenied",
  read: (resource, estate) => {
    const p = propsOf<ContainerRegistryProperties>(resource);
    const set = p.networkRuleSet ?? {};
    const sku = resource.sku?.tier ?? resource.sku?.name ?? "Basic";
    return {
      publicNetworkAccess: p.publicNetworkAccess,
      defaultAction: set.defaultAction?.toLowerCase() === "deny" ? "Deny" : "Allow",
      // [S21] service endpoint rules are a preview with no further development; PE and SE rules don't combine
      vnet: new SubnetRules(
        (set.virtualNetworkRules ?? []).map((r) => ({
          id: r.id,
        })),
        (r) => `networkRuleSet.virtualNetworkRules[${r.id}]`,
        estate,
      ),
      ip: compileIpRules(
        (set.ipRules ?? []).map((r) => r.value),
        (v) => `networkRuleSet.ipRules[${v}]`,
      ),
      // [S21] networkRuleBypassOptions defaults to AzureServices
      bypass: parseBypass(p.networkRuleBypassOptions ?? "AzureServices"),
      // [S21] network rules are a Premium feature
      ...(sku.toLowerCase() === "premium"
        ? {}
        : {
            unsupportedTier: `Container Registry network rules need the Premium tier and this registry is ${sku}`,
          }),
    };
  },
});
