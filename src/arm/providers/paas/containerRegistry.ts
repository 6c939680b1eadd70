// Microsoft.ContainerRegistry/registries: networkRuleSet, Premium-only network features (semantics §4.8),
// loginServer, PATCH that updates properties.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { ContainerRegistryProperties } from "../../../model/resources/services.js";
import { ServiceTypes } from "../../../model/resources/services.js";
import { parsePrefixDetailed } from "../../../net/index.js";
import type { ResourceTypeDef, WriteContext } from "../../resourceType.js";
import { normaliseLocation } from "../common.js";
import {
  dropProperties,
  hasServiceEndpoint,
  keepTimestamp,
  listOf,
  lookupSubnet,
  mergePatch,
  missingEndpointText,
  priorRuleKeys,
  propsOf,
  type Props,
  ruleKey,
} from "./common.js";

// §9 [S21]: 100 VNet rules; IP rules: 100 [INF, same as the documented VNet limit].
const MAX_VNET_RULES = 100;
const MAX_IP_RULES = 100;

type RuleSet = NonNullable<ContainerRegistryProperties["networkRuleSet"]>;

function badRequest(message: string): VnetlabError {
  return new VnetlabError("BadRequest", message); // [INF] the registry RP's code for a bad rule
}

function isPremium(r: ArmResource): boolean {
  return (r.sku?.name ?? "").toLowerCase() === "premium";
}

function normaliseRuleSet(raw: unknown): RuleSet | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw))
    throw badRequest("The networkRuleSet property is invalid."); // [INF]
  const set = raw as Props;
  const ipRules = listOf<Props>(set.ipRules);
  const vnetRules = listOf<Props>(set.virtualNetworkRules);
  if (ipRules.length > MAX_IP_RULES)
    throw badRequest(`The number of IP rules exceeds the maximum of ${MAX_IP_RULES}.`); // [INF]
  if (vnetRules.length > MAX_VNET_RULES) {
    throw badRequest(`The number of virtual network rules exceeds the maximum of ${MAX_VNET_RULES}.`); // [INF]
  }
  return {
    ...set,
    defaultAction: String(set.defaultAction ?? "Allow").toLowerCase() === "deny" ? "Deny" : "Allow",
    ipRules: ipRules.map((x) => {
      const value = typeof x?.value === "string" ? x.value.trim() : "";
      const parsed = parsePrefixDetailed(value);
      if (!parsed || parsed.prefix.family !== 4) throw badRequest(`The IP rule value '${value}' is invalid.`); // [INF]
      return { value, action: "Allow" };
    }),
    // Dropped from the API in 2021-09-01 but still served by older versions (and by the engine).
    virtualNetworkRules: vnetRules.map((x) => {
      if (typeof x?.id !== "string" || x.id === "") throw badRequest("A virtual network rule has no id."); // [INF]
      return { id: x.id, action: "Allow" };
    }),
  };
}

function validateRegistry(r: ArmResource, ctx: WriteContext): void {
  const p = propsOf(r) as ContainerRegistryProperties;
  const tier = r.sku?.name ?? "Basic";
  if (!isPremium(r) && (p.publicNetworkAccess ?? "").toLowerCase() === "disabled") {
    // §4.8 [S21][OBS Azure-Samples issue]
    throw new VnetlabError(
      "DisablingPublicNetworkAccessNotSupported",
      `Disabling public network access is not supported for the SKU ${tier}. For more information, please visit https://aka.ms/acr/private-link.`,
    );
  }
  const set = p.networkRuleSet;
  const restricted =
    set &&
    (set.defaultAction === "Deny" ||
      (set.ipRules ?? []).length > 0 ||
      (set.virtualNetworkRules ?? []).length > 0);
  if (!isPremium(r) && restricted) {
    // §4.8 [S21]: Premium only; code and text follow the observed PNA refusal [INF].
    throw new VnetlabError(
      "NetworkRuleSetNotSupported",
      `Network rule set is not supported for the SKU ${tier}. For more information, please visit https://aka.ms/acr/firewall.`,
    );
  }
  const estate = ctx.after();
  const priorSet = (ctx.existing?.properties as ContainerRegistryProperties | undefined)?.networkRuleSet;
  const prior = priorRuleKeys(priorSet?.virtualNetworkRules, (x) => ruleKey(x.id));
  for (const rule of set?.virtualNetworkRules ?? []) {
    if (prior.has(ruleKey(rule.id))) continue;
    const found = lookupSubnet(estate, rule.id);
    if (found.kind === "outside") continue;
    if (found.kind !== "found")
      throw badRequest(`The subnet '${rule.id}' of a virtual network rule was not found.`); // [INF]
    if (!hasServiceEndpoint(found.subnet, ["Microsoft.ContainerRegistry"], r.location)) {
      throw badRequest(
        missingEndpointText("Microsoft.ContainerRegistry", [found.subnet.name], found.vnet.id),
      ); // [INF]
    }
  }
}

export const containerRegistries: ResourceTypeDef = {
  type: ServiceTypes.containerRegistry,
  location: "required",
  prepare(r, ctx) {
    normaliseLocation(r, ctx);
    r.sku = { name: r.sku?.name ?? "Basic", tier: r.sku?.name ?? "Basic" };
    const p = dropProperties(r, "loginServer", "provisioningState", "creationDate", "status");
    p.adminUserEnabled ??= false;
    p.publicNetworkAccess ??= "Enabled";
    p.networkRuleBypassOptions ??= "AzureServices";
    p.zoneRedundancy ??= "Disabled";
    p.dataEndpointEnabled ??= false;
    const set = normaliseRuleSet(p.networkRuleSet);
    // Azure shows a rule set on Premium registries only (Allow, no rules, until one is set).
    if (set) p.networkRuleSet = set;
    else if (isPremium(r)) p.networkRuleSet = { defaultAction: "Allow", ipRules: [] };
    else delete p.networkRuleSet;
    keepTimestamp(r, ctx.existing, "creationDate");
    p.loginServer = `${r.name.toLowerCase()}.azurecr.io`;
    p.provisioningState = "Succeeded";
    return r;
  },
  patch: mergePatch,
  validate: validateRegistry,
};
