// The chain shared by the services whose firewall is a `networkAcls`-style block (Key Vault, Cognitive
// Services, Container Registry): private endpoint → public network access → default action → VNet rules →
// IP rules → trusted services → deny. Each service supplies how to read its rules and how it refuses.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { formatIp } from "../../net/index.js";
import {
  allow,
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
  type SubnetRules,
  trustedBypass,
} from "./common.js";
import type { DenialId } from "./denials.js";
import type { ServiceFirewall } from "./types.js";

export interface AclRules {
  publicNetworkAccess: string | undefined;
  defaultAction: "Allow" | "Deny";
  vnet: SubnetRules;
  ip: IpRuleSet;
  bypass: ReadonlySet<string>;
  /** Set when the resource's tier has no firewall: the rules are ignored and every network is accepted. */
  unsupportedTier?: string;
}

export interface AclService {
  resourceTypes: readonly string[];
  /** "vault", "account", "registry". */
  noun: string;
  /** Where the rules live, for rule names: `networkAcls`, `networkRuleSet`. */
  prefix: string;
  /** How the bypass setting is named in results, e.g. `networkAcls.bypass`. */
  bypassProperty: string;
  read(resource: ArmResource, estate: Estate): AclRules;
  firewallDenial: DenialId;
  pnaDenial: DenialId;
}

export function aclFirewall(svc: AclService): ServiceFirewall {
  const trustedAllow: Evaluator<AclRules> = (ctx) => {
    const trusted = trustedBypass(ctx.request, ctx.rules.bypass);
    if (!trusted) return undefined;
    return allow(
      ctx,
      `${svc.bypassProperty}=${trusted}`,
      `the caller is a trusted Azure service and ${svc.bypassProperty} includes ${trusted}.`,
    );
  };

  const publicNetworkAccess: Evaluator<AclRules> = (ctx) => {
    if (!isDisabled(ctx.rules.publicNetworkAccess)) return undefined;
    // [S15][S20][S21] trusted services still pass when public access is disabled [INF for Cognitive, ACR]
    return (
      trustedAllow(ctx) ??
      deny(
        ctx,
        "publicNetworkAccess=Disabled",
        `public network access is disabled on the ${svc.noun}: only private endpoints and trusted services reach it, and ${describeOrigin(ctx.request.origin)} is neither.`,
        svc.pnaDenial,
      )
    );
  };

  const tier: Evaluator<AclRules> = (ctx) => {
    const note = ctx.rules.unsupportedTier;
    return note ? allow(ctx, "sku", `${note}; the ${svc.noun} accepts every network.`) : undefined;
  };

  const defaultAllow: Evaluator<AclRules> = (ctx) => {
    if (ctx.rules.defaultAction !== "Allow") return undefined;
    // [S15][S20] network rules have no effect unless defaultAction=Deny
    const n = ctx.rules.vnet.size + ctx.rules.ip.count;
    return allow(
      ctx,
      `${svc.prefix}.defaultAction=Allow`,
      `the ${svc.noun} accepts every network (defaultAction=Allow)${n > 0 ? `; its ${n} network rule(s) have no effect until defaultAction is Deny` : ""}.`,
    );
  };

  const virtualNetworkRule: Evaluator<AclRules> = (ctx) => {
    const o = ctx.request.origin;
    if (o.kind !== "serviceEndpoint") return undefined;
    const rule = ctx.rules.vnet.findOrigin(o);
    if (!rule) {
      note(ctx, `${originSubnetLabel(o)} is not in the ${svc.noun}'s virtual network rules.`);
      return undefined;
    }
    if (rule.ineffective) {
      note(ctx, `The virtual network rule for ${originSubnetLabel(o)} grants nothing: ${rule.ineffective}.`);
      return undefined;
    }
    // [S8] §8: these services accept subnets of other subscriptions and tenants
    return allow(
      ctx,
      ctx.rules.vnet.label(rule),
      `${originSubnetLabel(o)} reaches the ${svc.noun} over its service endpoint and is in the virtual network rules.`,
    );
  };

  const ipRule: Evaluator<AclRules> = (ctx) => {
    const o = ctx.request.origin;
    if (o.kind === "serviceEndpoint" && ctx.rules.ip.count > 0) {
      // [S1] service endpoint traffic carries a private source, which IP rules never match
      note(ctx, "IP rules never match service endpoint traffic, whose source is private.");
    }
    if (o.kind !== "public" || !o.ip) return undefined;
    const hit = matchIpRule(ctx.rules.ip, o.ip);
    if (hit)
      return allow(ctx, hit.label, `${formatIp(o.ip)} is inside the ${svc.noun}'s IP rule ${hit.text}.`);
    note(ctx, `${formatIp(o.ip)} is not in the ${svc.noun}'s IP rules.`);
    return undefined;
  };

  const trustedServices: Evaluator<AclRules> = (ctx) => {
    const hit = trustedAllow(ctx);
    if (!hit && ctx.rules.bypass.size > 0 && !ctx.request.caller) {
      note(
        ctx,
        `${svc.bypassProperty} admits only trusted Azure services calling with their own identity, never a flow from a VM.`,
      );
    }
    return hit;
  };

  const finalDeny: Evaluator<AclRules> = (ctx) => {
    for (const text of ctx.rules.ip.ignoredNotes) note(ctx, text);
    return denyByDefault(
      ctx,
      `${svc.prefix}.defaultAction=Deny`,
      `no network rule admits ${describeOrigin(ctx.request.origin)} and the default action is Deny.`,
      svc.firewallDenial,
    );
  };

  return defineFirewall<AclRules>({
    resourceTypes: svc.resourceTypes,
    compile: svc.read,
    chain: [
      privateEndpointBypass,
      publicNetworkAccess,
      tier,
      defaultAllow,
      virtualNetworkRule,
      ipRule,
      trustedServices,
      finalDeny,
    ],
  });
}
