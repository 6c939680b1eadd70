// Microsoft.ServiceBus and Microsoft.EventHub namespaces and their `networkRuleSets/default` child
// (semantics §4.5). The rule set is a resource of its own in ARM; the estate compiler folds it into the namespace.
import type { ArmResource, Sku } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import { parentId, parseResourceId } from "../../../model/resourceId.js";
import type { NetworkRuleSetProperties } from "../../../model/resources/services.js";
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

interface Product {
  type: string;
  endpointService: string;
  defaultSku: Sku;
  /** The tier's refusal of VNet rules, or undefined when it has them (§4.5 [S17][S18]). */
  vnetRulesRefused(tier: string): string | undefined;
  /** The tier's refusal of IP rules, or undefined. */
  ipRulesRefused(tier: string): string | undefined;
}

const PRODUCTS: readonly Product[] = [
  {
    type: ServiceTypes.serviceBusNamespace,
    endpointService: "Microsoft.ServiceBus",
    defaultSku: { name: "Standard", tier: "Standard" },
    // [S18] Virtual networks are supported only in Premium namespaces; the text is [INF].
    vnetRulesRefused: (tier) =>
      tier.toLowerCase() === "premium"
        ? undefined
        : `Virtual network rules are supported only in the Premium tier of Service Bus. The namespace is in the ${tier} tier.`,
    // [S18 via azure-docs PR #111079] IP rules work in Standard and Premium; Basic is [INF].
    ipRulesRefused: (tier) =>
      tier.toLowerCase() === "basic"
        ? "IP firewall rules are not supported in the Basic tier of Service Bus."
        : undefined,
  },
  {
    type: ServiceTypes.eventHubNamespace,
    endpointService: "Microsoft.EventHub",
    defaultSku: { name: "Standard", tier: "Standard", capacity: 1 },
    // [S17] Not in Basic; the text is [INF].
    vnetRulesRefused: (tier) =>
      tier.toLowerCase() === "basic"
        ? "Virtual network rules are not supported in the Basic tier of Event Hubs."
        : undefined,
    ipRulesRefused: (tier) =>
      tier.toLowerCase() === "basic"
        ? "IP firewall rules are not supported in the Basic tier of Event Hubs."
        : undefined,
  },
];

// §9 [S17c]: 128 VNet and IP rules together.
const MAX_RULES = 128;

function badRequest(message: string, target: string): VnetlabError {
  return new VnetlabError("BadRequest", message, { target }); // [INF] the messaging RPs answer BadRequest
}

function namespaceDef(product: Product): ResourceTypeDef {
  return {
    type: product.type,
    location: "required",
    prepare(r, ctx) {
      normaliseLocation(r, ctx);
      const name = r.sku?.name ?? product.defaultSku.name!;
      r.sku = { ...product.defaultSku, ...r.sku, name, tier: r.sku?.tier ?? name };
      // The rule set is its own resource (networkRuleSets/default).
      const p = dropProperties(
        r,
        "networkRuleSets",
        "serviceBusEndpoint",
        "provisioningState",
        "status",
        "metricId",
        "updatedAt",
      );
      keepTimestamp(r, ctx.existing, "createdAt");
      p.updatedAt = new Date().toISOString();
      p.publicNetworkAccess ??= "Enabled";
      p.minimumTlsVersion ??= "1.2";
      p.disableLocalAuth ??= false;
      p.zoneRedundant ??= false;
      p.metricId = `${parseResourceId(r.id)?.subscriptionId ?? ""}:${r.name.toLowerCase()}`;
      p.serviceBusEndpoint = `https://${r.name.toLowerCase()}.servicebus.windows.net:443/`;
      p.status = "Active";
      p.provisioningState = "Succeeded";
      return r;
    },
    patch: mergePatch,
  };
}

/** §4.5 [S17]: api-versions up to 2021-01-01-preview default defaultAction to Deny; later ones to Allow. */
function defaultActionFor(apiVersion: string): "Allow" | "Deny" {
  return apiVersion.slice(0, 10) <= "2021-01-01" ? "Deny" : "Allow";
}

/**
 * The rule set a namespace has from the start, before anyone writes one: no rules, the api-version's default
 * action (§4.5 [S17]) and the namespace's publicNetworkAccess (the value the engine falls back to [INF]).
 */
function defaultRuleSet(product: Product, namespace: ArmResource, apiVersion: string): ArmResource {
  const pna = (namespace.properties as Props | undefined)?.publicNetworkAccess;
  return {
    id: `${namespace.id}/networkRuleSets/default`,
    name: "default",
    type: `${product.type}/networkRuleSets`,
    properties: {
      publicNetworkAccess: (pna as NetworkRuleSetProperties["publicNetworkAccess"]) ?? "Enabled",
      defaultAction: defaultActionFor(apiVersion),
      virtualNetworkRules: [],
      ipRules: [],
      trustedServiceAccessEnabled: false,
    } satisfies NetworkRuleSetProperties,
  };
}

function prepareRuleSet(r: ArmResource, ctx: WriteContext): ArmResource {
  if (r.name.toLowerCase() !== "default") {
    throw badRequest(
      `The network rule set name '${r.name}' is invalid. The only supported name is 'default'.`,
      r.id,
    ); // [INF]
  }
  r.name = "default";
  const p = propsOf(r);
  const ipRules = listOf<Props>(p.ipRules);
  const vnetRules = listOf<Props>(p.virtualNetworkRules);
  if (ipRules.length + vnetRules.length > MAX_RULES) {
    throw badRequest(`The number of IP and virtual network rules exceeds the maximum of ${MAX_RULES}.`, r.id); // [INF]
  }
  const defaultDefault = defaultActionFor(ctx.apiVersion);
  r.properties = {
    publicNetworkAccess:
      (p.publicNetworkAccess as NetworkRuleSetProperties["publicNetworkAccess"]) ?? "Enabled",
    defaultAction: String(p.defaultAction ?? defaultDefault).toLowerCase() === "deny" ? "Deny" : "Allow",
    virtualNetworkRules: vnetRules.map((v) => {
      const subnet = v?.subnet as { id?: unknown } | undefined;
      if (typeof subnet?.id !== "string" || subnet.id === "") {
        throw badRequest("Virtual network rule subnet id must be specified.", r.id); // [INF]
      }
      return {
        subnet: { id: subnet.id },
        ignoreMissingVnetServiceEndpoint: v.ignoreMissingVnetServiceEndpoint === true,
      };
    }),
    ipRules: ipRules.map((ip) => {
      const mask = typeof ip?.ipMask === "string" ? ip.ipMask.trim() : "";
      const parsed = parsePrefixDetailed(mask);
      if (!parsed || parsed.prefix.family !== 4)
        throw badRequest(`The IP mask '${mask}' is not a valid IPv4 address or range.`, r.id); // [INF]
      return { ipMask: mask, action: "Allow" };
    }),
    trustedServiceAccessEnabled: p.trustedServiceAccessEnabled === true,
  } satisfies NetworkRuleSetProperties;
  delete r.location;
  return r;
}

function validateRuleSet(product: Product, r: ArmResource, ctx: WriteContext): void {
  const p = r.properties as NetworkRuleSetProperties;
  const estate = ctx.after();
  const namespace = estate.get(parentId(r.id))!;
  const tier = namespace.sku?.tier ?? namespace.sku?.name ?? "Standard";
  if ((p.virtualNetworkRules ?? []).length > 0) {
    const refused = product.vnetRulesRefused(tier);
    if (refused) throw badRequest(refused, r.id);
  }
  if ((p.ipRules ?? []).length > 0) {
    const refused = product.ipRulesRefused(tier);
    if (refused) throw badRequest(refused, r.id);
  }
  const key = (x: { subnet: { id: string }; ignoreMissingVnetServiceEndpoint?: boolean }): string =>
    ruleKey(x.subnet?.id, x.ignoreMissingVnetServiceEndpoint);
  const prior = priorRuleKeys(
    (ctx.existing?.properties as NetworkRuleSetProperties | undefined)?.virtualNetworkRules,
    key,
  );
  for (const rule of p.virtualNetworkRules ?? []) {
    if (prior.has(key(rule))) continue;
    const found = lookupSubnet(estate, rule.subnet.id);
    if (found.kind === "outside") continue;
    if (found.kind !== "found") {
      throw badRequest(`The subnet '${rule.subnet.id}' of a virtual network rule was not found.`, r.id); // [INF]
    }
    // §4.5 [S17][S18]: the subnet needs the endpoint unless ignoreMissingVnetServiceEndpoint; the text is the
    // Network RP's, as the other providers quote it [INF].
    if (
      !rule.ignoreMissingVnetServiceEndpoint &&
      !hasServiceEndpoint(found.subnet, [product.endpointService], namespace.location)
    ) {
      throw badRequest(
        missingEndpointText(product.endpointService, [found.subnet.name], found.vnet.id),
        r.id,
      );
    }
  }
}

function ruleSetDef(product: Product): ResourceTypeDef {
  return {
    type: `${product.type}/networkRuleSets`,
    location: "none",
    prepare: prepareRuleSet,
    validate: (r, ctx) => validateRuleSet(product, r, ctx),
    // The REST specs give networkRuleSets/default a GET and a PUT (200 only) but no create: every namespace has
    // its rule set from the moment it exists (Namespaces_GetNetworkRuleSet, EventHub/ServiceBus 2024-01-01).
    implicit(parentId, estate, apiVersion) {
      const namespace = estate.get(parentId);
      return namespace && namespace.type.toLowerCase() === product.type.toLowerCase()
        ? [defaultRuleSet(product, namespace, apiVersion)]
        : [];
    },
  };
}

export const messagingTypes: ResourceTypeDef[] = PRODUCTS.flatMap((p) => [namespaceDef(p), ruleSetDef(p)]);
