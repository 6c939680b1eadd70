// App Service access restrictions (Microsoft.Web/sites siteConfig), semantics §4.6 and [S19]
// overview-access-restrictions: app access (publicNetworkAccess), then the main or the scm site's rules by
// priority, then the unmatched rule.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { idKey } from "../../model/resourceId.js";
import { NetworkTypes, type PrivateEndpointProperties } from "../../model/resources/network.js";
import {
  type IpSecurityRestriction,
  ServiceTypes,
  type SiteConfig,
  type WebSiteProperties,
} from "../../model/resources/services.js";
import { type IpAddress, PrefixSet, parsePrefix } from "../../net/index.js";
import {
  allow,
  defineFirewall,
  deny,
  describeOrigin,
  type EvalContext,
  type Evaluator,
  note,
  privateEndpointBypass,
  propsOf,
} from "./common.js";
import type { FirewallRequest, FirewallResult } from "./types.js";

type Source =
  | { kind: "any" }
  | { kind: "anyVnets" }
  | { kind: "subnet"; key: string }
  | { kind: "ip"; set: PrefixSet }
  | { kind: "tags"; names: string[] }
  | { kind: "invalid"; why: string };

interface Restriction {
  label: string;
  name: string;
  allow: boolean;
  source: Source;
  /** Header filters, lower-case names → accepted values; empty when the rule has none. */
  headers: [string, string[]][];
}

interface RuleList {
  property: "ipSecurityRestrictions" | "scmIpSecurityRestrictions";
  restrictions: Restriction[];
  defaultAction: "Allow" | "Deny" | undefined;
}

interface SiteRules {
  name: string;
  publicNetworkAccess: string | null | undefined;
  main: RuleList;
  scm: RuleList;
  scmUsesMain: boolean;
}

type Ctx = EvalContext<SiteRules>;

function compileSource(r: IpSecurityRestriction): Source {
  if (r.vnetSubnetResourceId) return { kind: "subnet", key: idKey(r.vnetSubnetResourceId) };
  const text = (r.ipAddress ?? "").trim();
  if (text.toLowerCase() === "any") return { kind: "any" };
  // [S19] "AnyVnets" admits any service-endpoint enabled subnet
  if (text.toLowerCase() === "anyvnets") return { kind: "anyVnets" };
  // [S19] multi-source rules: up to eight comma-separated ranges or service tags
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 0) return { kind: "invalid", why: "it names no source" };
  if (r.tag?.toLowerCase() === "servicetag") return { kind: "tags", names: items };
  const prefixes = items.map((s) => parsePrefix(s));
  if (prefixes.some((p) => p === undefined))
    return { kind: "invalid", why: `'${text}' is not an address range` };
  // [INF] XffProxy rules are matched like Default ones: on the client address
  return { kind: "ip", set: PrefixSet.of(prefixes.filter((p) => p !== undefined)) };
}

function compileList(
  property: RuleList["property"],
  list: IpSecurityRestriction[] | undefined,
  defaultAction: string | undefined,
): RuleList {
  const indexed = (list ?? []).map((r, i) => ({ r, i }));
  // [S19] ascending priority; equal priorities keep the order the API returns
  indexed.sort((a, b) => (a.r.priority ?? 0) - (b.r.priority ?? 0) || a.i - b.i);
  return {
    property,
    restrictions: indexed.map(({ r, i }) => {
      const name = r.name ?? `#${i}`;
      return {
        label: `${property}[${name}] priority ${r.priority ?? 0}`,
        name,
        allow: (r.action ?? "Allow").toLowerCase() === "allow",
        source: compileSource(r),
        headers: Object.entries(r.headers ?? {})
          .filter(([, v]) => Array.isArray(v) && v.length > 0)
          .map(([k, v]) => [k.toLowerCase(), v]),
      };
    }),
    defaultAction:
      defaultAction === undefined ? undefined : defaultAction.toLowerCase() === "deny" ? "Deny" : "Allow",
  };
}

function compile(resource: ArmResource): SiteRules {
  const p = propsOf<WebSiteProperties>(resource);
  const c: SiteConfig = p.siteConfig ?? {};
  return {
    name: resource.name.toLowerCase(),
    publicNetworkAccess: p.publicNetworkAccess ?? c.publicNetworkAccess,
    main: compileList(
      "ipSecurityRestrictions",
      c.ipSecurityRestrictions,
      c.ipSecurityRestrictionsDefaultAction,
    ),
    scm: compileList(
      "scmIpSecurityRestrictions",
      c.scmIpSecurityRestrictions,
      c.scmIpSecurityRestrictionsDefaultAction,
    ),
    scmUsesMain: c.scmIpSecurityRestrictionsUseMain === true,
  };
}

// Which resources have a private endpoint, per estate (estates are immutable).
const peTargets = new WeakMap<Estate, Set<string>>();

function hasPrivateEndpoint(estate: Estate, id: string): boolean {
  let targets = peTargets.get(estate);
  if (!targets) {
    targets = new Set();
    for (const pe of estate.ofType<PrivateEndpointProperties>(NetworkTypes.privateEndpoint)) {
      const conns = [
        ...(pe.properties?.privateLinkServiceConnections ?? []),
        ...(pe.properties?.manualPrivateLinkServiceConnections ?? []),
      ];
      for (const c of conns) {
        const target = c.properties?.privateLinkServiceId;
        if (target) targets.add(idKey(target));
      }
    }
    peTargets.set(estate, targets);
  }
  return targets.has(idKey(id));
}

const appAccess: Evaluator<SiteRules> = (ctx) => {
  const pna = ctx.rules.publicNetworkAccess;
  const explicit = typeof pna === "string" && pna !== "";
  // [S19] unset publicNetworkAccess means enabled, unless the app has a private endpoint
  const disabled = explicit
    ? pna.toLowerCase() === "disabled"
    : hasPrivateEndpoint(ctx.estate, ctx.resource.id);
  if (!disabled) return undefined;
  return deny(
    ctx,
    explicit ? "publicNetworkAccess=Disabled" : "publicNetworkAccess=null (private endpoint present)",
    explicit
      ? `public access to the app is disabled: only its private endpoints reach it, and ${describeOrigin(ctx.request.origin)} is not one.`
      : `public access to the app is off because it has a private endpoint and publicNetworkAccess is not set, so ${describeOrigin(ctx.request.origin)} is refused.`,
    "appServiceForbidden",
  );
};

function headerMismatch(r: Restriction, request: FirewallRequest): string | undefined {
  if (r.headers.length === 0) return undefined;
  const names = r.headers.map(([k]) => k).join(", ");
  if (!request.headers)
    return `it also filters on ${names}, and vnetlab cannot evaluate header filters without the request's headers`;
  const sent = new Map(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [name, values] of r.headers) {
    const got = sent.get(name);
    if (got === undefined) return `the request has no ${name} header`;
    const ok =
      name === "x-forwarded-for"
        ? got.split(",").some((ip) => values.some((v) => cidrHas(v, ip.trim())))
        : values.some((v) => v.toLowerCase() === got.trim().toLowerCase());
    if (!ok) return `its ${name} value '${got}' is not one the rule accepts`;
  }
  return undefined;
}

function cidrHas(cidr: string, ipText: string): boolean {
  const p = parsePrefix(cidr);
  const ip = parsePrefix(ipText);
  return p !== undefined && ip !== undefined && PrefixSet.of([p]).containsPrefix(ip);
}

function sourceMatches(ctx: Ctx, s: Source): boolean {
  const o = ctx.request.origin;
  switch (s.kind) {
    case "any":
      return true;
    case "anyVnets":
      return o.kind === "serviceEndpoint";
    case "subnet":
      return o.kind === "serviceEndpoint" && idKey(o.subnetId) === s.key;
    case "ip":
      // [S19] in the multi-tenant service, IP rules never match VNet (service endpoint) sources
      return o.kind === "public" && o.ip !== undefined && s.set.has(o.ip);
    case "tags":
      return (
        o.kind === "public" && o.ip !== undefined && s.names.some((n) => inTag(ctx, n, o.ip as IpAddress))
      );
    case "invalid":
      return false;
  }
}

function inTag(ctx: Ctx, name: string, ip: IpAddress): boolean {
  const tag = ctx.estate.serviceTags.get(name);
  if (!tag)
    note(ctx, `Service tag ${name} is unknown to the loaded service tags, so its rule never matches.`);
  return tag?.set.has(ip) ?? false;
}

function isScmHost(host: string | undefined, site: string): boolean {
  if (!host) return false;
  const labels = host.toLowerCase().split(".");
  // {name}.scm.azurewebsites.net (and {name}.scm.{ase}.appserviceenvironment.net)
  return labels[0] === site && labels[1] === "scm";
}

const siteAccess: Evaluator<SiteRules> = (ctx) => {
  const { rules, request } = ctx;
  const scm = isScmHost(request.host, rules.name);
  // [S19] scmIpSecurityRestrictionsUseMain makes the scm site use the main site's rules [INF: and its unmatched rule]
  const list = scm && !rules.scmUsesMain ? rules.scm : rules.main;
  const site = scm
    ? `the advanced tools (scm) site${rules.scmUsesMain ? ", which uses the main site's rules," : ""}`
    : "the app";
  for (const r of list.restrictions) {
    if (r.source.kind === "invalid") {
      note(ctx, `Rule ${r.name} never matches: ${r.source.why}.`);
      continue;
    }
    if (!sourceMatches(ctx, r.source)) continue;
    const mismatch = headerMismatch(r, request);
    if (mismatch) {
      note(ctx, `Rule ${r.name} matches the source but not the headers: ${mismatch}.`);
      continue;
    }
    const verb = r.allow ? "allows" : "denies";
    const text = `rule ${r.name} (${r.label.slice(r.label.indexOf("priority"))}) ${verb} ${describeOrigin(request.origin)} on ${site}.`;
    return r.allow ? allow(ctx, r.label, text) : deny(ctx, r.label, text, "appServiceForbidden");
  }
  return unmatched(ctx, list, site);
};

function unmatched(ctx: Ctx, list: RuleList, site: string): FirewallResult {
  const explicit = list.defaultAction;
  const prop =
    list.property === "ipSecurityRestrictions"
      ? "ipSecurityRestrictionsDefaultAction"
      : "scmIpSecurityRestrictionsDefaultAction";
  // [S19] unmatched rule: no rules → allow, one or more rules → deny, unless the default action is set
  const action = explicit ?? (list.restrictions.length === 0 ? "Allow" : "Deny");
  const rule = explicit ? `${prop}=${explicit}` : `${list.property} unmatched rule (implicit ${action})`;
  const why = explicit
    ? `no rule matches ${describeOrigin(ctx.request.origin)} on ${site}, and its unmatched rule is set to ${explicit}.`
    : list.restrictions.length === 0
      ? `${site} has no access restrictions, so every client is allowed.`
      : `no rule matches ${describeOrigin(ctx.request.origin)} on ${site}; with rules present the unmatched rule denies.`;
  return action === "Allow" ? allow(ctx, rule, why) : deny(ctx, rule, why, "appServiceForbidden");
}

export const appServiceFirewall = defineFirewall<SiteRules>({
  resourceTypes: [ServiceTypes.webSite],
  compile,
  // [S19] private endpoint traffic skips every restriction
  chain: [privateEndpointBypass, appAccess, siteAccess],
});
