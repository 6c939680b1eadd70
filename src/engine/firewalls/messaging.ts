// Service Bus and Event Hubs namespace firewalls (namespaces/networkRuleSets/default), semantics §4.5.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import {
  type MessagingNamespaceProperties,
  type NetworkRuleSetProperties,
  ServiceTypes,
} from "../../model/resources/services.js";
import { formatIp } from "../../net/index.js";
import {
  allow,
  compileIpRules,
  defineFirewall,
  deny,
  denyByDefault,
  describeOrigin,
  type Evaluator,
  type IpRuleSet,
  isDisabled,
  matchIpRule,
  note,
  originSubnetLabel,
  privateEndpointBypass,
  propsOf,
  SubnetRules,
} from "./common.js";
import type { ServiceFirewall } from "./types.js";

interface Product {
  type: string;
  /** Whether the namespace's tier supports network rules at all. */
  supportsRules(tier: string): boolean;
  tierNote: string;
}

interface MessagingRules {
  product: Product;
  tier: string;
  publicNetworkAccess: string | undefined;
  defaultAction: "Allow" | "Deny";
  vnet: SubnetRules;
  ip: IpRuleSet;
  trustedServiceAccessEnabled: boolean;
}

function compile(product: Product, resource: ArmResource, estate: Estate): MessagingRules {
  const ns = propsOf<MessagingNamespaceProperties>(resource);
  const set: NetworkRuleSetProperties =
    (ns.networkRuleSets ?? []).find((r) => r.name.toLowerCase() === "default")?.properties ??
    ns.networkRuleSets?.[0]?.properties ??
    {};
  return {
    product,
    tier: resource.sku?.tier ?? resource.sku?.name ?? "Standard",
    // The rule set's value wins; the namespace carries one too since API 2021-06-01-preview.
    publicNetworkAccess: set.publicNetworkAccess ?? ns.publicNetworkAccess,
    // [S17] API >= 2021-06-01-preview defaults defaultAction to Allow
    defaultAction: set.defaultAction?.toLowerCase() === "deny" ? "Deny" : "Allow",
    vnet: new SubnetRules(
      (set.virtualNetworkRules ?? [])
        .filter((r) => typeof r.subnet?.id === "string")
        .map((r) => ({ id: r.subnet.id })),
      (r) => `networkRuleSets/default.virtualNetworkRules[${r.id}]`,
      estate,
    ),
    ip: compileIpRules(
      (set.ipRules ?? []).map((r) => r.ipMask),
      (v) => `networkRuleSets/default.ipRules[${v}]`,
    ),
    trustedServiceAccessEnabled: set.trustedServiceAccessEnabled === true,
  };
}

/** The SystemTracker of the 401 names the namespace host (both services live under servicebus.windows.net). */
function trackerHost(host: string | undefined, name: string): string {
  return host ?? `${name}.servicebus.windows.net`;
}

function trusted(rules: MessagingRules, trustedService: string | undefined): boolean {
  return rules.trustedServiceAccessEnabled && trustedService === "AzureServices";
}

const publicNetworkAccess: Evaluator<MessagingRules> = (ctx) => {
  if (!isDisabled(ctx.rules.publicNetworkAccess)) return undefined;
  // [S17][S18] trusted services may still pass when trusted service access is enabled
  if (trusted(ctx.rules, ctx.request.caller?.trustedService)) {
    return allow(
      ctx,
      "networkRuleSets/default.trustedServiceAccessEnabled",
      "the caller is a trusted Azure service and trusted service access is enabled.",
    );
  }
  return deny(
    ctx,
    "publicNetworkAccess=Disabled",
    `public network access is disabled on the namespace: only private endpoints reach it, and ${describeOrigin(ctx.request.origin)} is not one.`,
    "messagingIpPrevented",
    { host: trackerHost(ctx.request.host, ctx.resource.name) },
  );
};

const unsupportedTier: Evaluator<MessagingRules> = (ctx) => {
  const { product, tier } = ctx.rules;
  if (product.supportsRules(tier)) return undefined;
  return allow(ctx, `sku=${tier}`, `${product.tierNote}; the ${tier} namespace accepts every network.`);
};

const defaultAllow: Evaluator<MessagingRules> = (ctx) => {
  if (ctx.rules.defaultAction !== "Allow") return undefined;
  // [S17] defaultAction=Allow: rules are stored but not enforced
  const n = ctx.rules.vnet.size + ctx.rules.ip.count;
  return allow(
    ctx,
    "networkRuleSets/default.defaultAction=Allow",
    `the namespace accepts every network (defaultAction=Allow)${n > 0 ? `; its ${n} rule(s) are stored but not enforced` : ""}.`,
  );
};

const zeroRules: Evaluator<MessagingRules> = (ctx) => {
  if (ctx.rules.vnet.size + ctx.rules.ip.count > 0) return undefined;
  // [S17][S18] with no IP and no VNet rules all traffic flows in, even with defaultAction=Deny
  return allow(
    ctx,
    "networkRuleSets/default (no rules)",
    "the namespace has no IP or virtual network rules, so defaultAction=Deny is not enforced and every network is accepted.",
  );
};

const virtualNetworkRule: Evaluator<MessagingRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind !== "serviceEndpoint") return undefined;
  const rule = ctx.rules.vnet.findOrigin(o);
  if (!rule) {
    note(ctx, `${originSubnetLabel(o)} is not in the namespace's virtual network rules.`);
    return undefined;
  }
  return allow(
    ctx,
    ctx.rules.vnet.label(rule),
    `${originSubnetLabel(o)} reaches the namespace over its service endpoint and is in the virtual network rules.`,
  );
};

const ipRule: Evaluator<MessagingRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind !== "public" || !o.ip) return undefined;
  // [S17b] IP rules apply in order; the first match decides
  const hit = matchIpRule(ctx.rules.ip, o.ip);
  if (hit) return allow(ctx, hit.label, `${formatIp(o.ip)} is inside the namespace's IP rule ${hit.text}.`);
  note(ctx, `${formatIp(o.ip)} is not in the namespace's IP rules.`);
  return undefined;
};

const trustedServices: Evaluator<MessagingRules> = (ctx) => {
  if (!trusted(ctx.rules, ctx.request.caller?.trustedService)) return undefined;
  return allow(
    ctx,
    "networkRuleSets/default.trustedServiceAccessEnabled",
    "the caller is a trusted Azure service and trusted service access is enabled.",
  );
};

const finalDeny: Evaluator<MessagingRules> = (ctx) =>
  // [S17b] the refusal is an "unauthorized" that does not name the rule
  denyByDefault(
    ctx,
    "networkRuleSets/default.defaultAction=Deny",
    `no IP or virtual network rule of the namespace admits ${describeOrigin(ctx.request.origin)} and the default action is Deny.`,
    "messagingIpPrevented",
    { host: trackerHost(ctx.request.host, ctx.resource.name) },
  );

function messagingFirewall(product: Product): ServiceFirewall {
  return defineFirewall<MessagingRules>({
    resourceTypes: [product.type],
    compile: (r, estate) => compile(product, r, estate),
    chain: [
      privateEndpointBypass,
      publicNetworkAccess,
      unsupportedTier,
      defaultAllow,
      zeroRules,
      virtualNetworkRule,
      ipRule,
      trustedServices,
      finalDeny,
    ],
  });
}

export const serviceBusFirewall = messagingFirewall({
  type: ServiceTypes.serviceBusNamespace,
  // [S18] firewalls and virtual networks are supported only in the Premium tier
  supportsRules: (tier) => tier.toLowerCase() === "premium",
  tierNote: "Service Bus supports IP and virtual network rules only in the Premium tier",
});

export const eventHubsFirewall = messagingFirewall({
  type: ServiceTypes.eventHubNamespace,
  // [S17] the firewall is not supported in the Basic tier
  supportsRules: (tier) => tier.toLowerCase() !== "basic",
  tierNote: "Event Hubs has no firewall in the Basic tier",
});
