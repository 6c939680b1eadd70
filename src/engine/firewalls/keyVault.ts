// Key Vault firewall (Microsoft.KeyVault/vaults networkAcls), semantics §4.3.
import { idKey } from "../../model/resourceId.js";
import { type KeyVaultProperties, ServiceTypes } from "../../model/resources/services.js";
import { formatIp } from "../../net/index.js";
import {
  allow,
  compileIpRules,
  defineFirewall,
  deny,
  describeOrigin,
  type Evaluator,
  type IpRuleSet,
  isDisabled,
  matchIpRule,
  note,
  parseBypass,
  privateEndpointBypass,
  propsOf,
  type SubnetRule,
  subnetLabel,
  subnetRuleMap,
  trustedBypass,
} from "./common.js";

interface KeyVaultRules {
  publicNetworkAccess: string | undefined;
  defaultAction: "Allow" | "Deny";
  vnet: Map<string, SubnetRule>;
  ip: IpRuleSet;
  bypass: ReadonlySet<string>;
}

const publicNetworkAccess: Evaluator<KeyVaultRules> = (ctx) => {
  if (!isDisabled(ctx.rules.publicNetworkAccess)) return undefined;
  const trusted = trustedBypass(ctx.request, ctx.rules.bypass);
  // [S15] with public access disabled, trusted services still pass when bypass is AzureServices
  if (trusted) {
    return allow(ctx, `networkAcls.bypass=${trusted}`, "the caller is a trusted Azure service and bypass is AzureServices.");
  }
  return deny(
    ctx,
    "publicNetworkAccess=Disabled",
    `public network access is disabled on the vault: only approved private links and trusted services reach it, and ${describeOrigin(ctx.request.origin)} is neither.`,
    "keyVaultPublicNetworkAccessDisabled",
  );
};

const defaultAllow: Evaluator<KeyVaultRules> = (ctx) => {
  if (ctx.rules.defaultAction !== "Allow") return undefined;
  // [S15] the vault firewall is off unless defaultAction is Deny
  return allow(ctx, "networkAcls.defaultAction=Allow", "the vault firewall is off (defaultAction=Allow): every network is accepted.");
};

const virtualNetworkRule: Evaluator<KeyVaultRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind !== "serviceEndpoint") return undefined;
  const rule = ctx.rules.vnet.get(idKey(o.subnetId));
  if (!rule) {
    note(ctx, `${subnetLabel(o.subnetId)} is not in the vault's virtual network rules.`);
    return undefined;
  }
  // [S1][S8] Key Vault accepts subnets of other subscriptions and tenants
  return allow(ctx, rule.label, `${subnetLabel(o.subnetId)} reaches the vault over its service endpoint and is in the virtual network rules.`);
};

const ipRule: Evaluator<KeyVaultRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind === "serviceEndpoint" && ctx.rules.ip.count > 0) {
    // [S1] service endpoint traffic carries a private source, which IP rules never match
    note(ctx, "IP rules never match service endpoint traffic, whose source is private.");
  }
  if (o.kind !== "public" || !o.ip) return undefined;
  const hit = matchIpRule(ctx.rules.ip, o.ip);
  if (hit) return allow(ctx, hit.label, `${formatIp(o.ip)} is inside the vault's IP rule ${hit.text}.`);
  note(ctx, `${formatIp(o.ip)} is not in the vault's IP rules.`);
  return undefined;
};

const trustedServices: Evaluator<KeyVaultRules> = (ctx) => {
  const trusted = trustedBypass(ctx.request, ctx.rules.bypass);
  if (trusted) {
    return allow(ctx, `networkAcls.bypass=${trusted}`, "the caller is a trusted Azure service and bypass is AzureServices.");
  }
  if (ctx.rules.bypass.size > 0 && !ctx.request.caller) {
    note(ctx, "bypass=AzureServices admits only trusted Azure services calling with their own identity, never a flow from a VM.");
  }
  return undefined;
};

const finalDeny: Evaluator<KeyVaultRules> = (ctx) =>
  deny(
    ctx,
    "networkAcls.defaultAction=Deny",
    `no network rule admits ${describeOrigin(ctx.request.origin)} and the default action is Deny.`,
    "keyVaultFirewall",
  );

export const keyVaultFirewall = defineFirewall<KeyVaultRules>({
  resourceTypes: [ServiceTypes.keyVault],
  compile: (resource) => {
    const p = propsOf<KeyVaultProperties>(resource);
    const acls = p.networkAcls ?? {};
    return {
      publicNetworkAccess: p.publicNetworkAccess,
      defaultAction: acls.defaultAction?.toLowerCase() === "deny" ? "Deny" : "Allow",
      vnet: subnetRuleMap(
        (acls.virtualNetworkRules ?? []).map((r) => ({ id: r.id, label: `networkAcls.virtualNetworkRules[${r.id}]` })),
      ),
      // [S15] public IPv4 only; RFC 1918 values are rejected
      ip: compileIpRules(
        (acls.ipRules ?? []).map((r) => ({ label: `networkAcls.ipRules[${r.value}]`, value: r.value })),
        { ignorePrivate: true },
      ),
      // [S15] bypass defaults to AzureServices
      bypass: parseBypass(acls.bypass ?? "AzureServices"),
    };
  },
  chain: [privateEndpointBypass, publicNetworkAccess, defaultAllow, virtualNetworkRule, ipRule, trustedServices, finalDeny],
});
