// Microsoft.Web/sites and its `config/web` child (access restrictions, semantics §4.6). The child is a resource
// of its own in ARM; the estate compiler merges `config/web` into the site's `siteConfig`.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import { parentId } from "../../../model/resourceId.js";
import type { IpSecurityRestriction, SiteConfig } from "../../../model/resources/services.js";
import { ServiceTypes } from "../../../model/resources/services.js";
import type { ResourceTypeDef, WriteContext } from "../../resourceType.js";
import { normaliseLocation } from "../common.js";
import {
  dropProperties,
  listOf,
  lookupSubnet,
  mergePatch,
  priorRuleKeys,
  propsOf,
  type Props,
  ruleKey,
} from "./common.js";

// §4.6 [S19][INF]: about 512 access restriction rules per list.
const MAX_RULES = 512;
const LISTS = ["ipSecurityRestrictions", "scmIpSecurityRestrictions"] as const;
// The properties of the REST model's IpSecurityRestriction (Microsoft.Web CommonDefinitions.json, 2024-04-01).
// Anything else a body carries — such as the `ignoreMissingServiceEndpoint` switch of the portal, the CLI and
// PowerShell, which is theirs and not the API's — is not part of the resource [INF: RPs bind typed models].
const RULE_PROPERTIES = [
  "ipAddress",
  "subnetMask",
  "vnetSubnetResourceId",
  "vnetTrafficTag",
  "subnetTrafficTag",
  "action",
  "tag",
  "priority",
  "name",
  "description",
  "headers",
] as const;

function badRequest(message: string, target: string): VnetlabError {
  return new VnetlabError("BadRequest", message, { target }); // [INF] App Service answers BadRequest
}

/** Defaults of one access restriction list; the body's own shape. */
function normaliseRestrictions(config: Props, target: string): void {
  for (const list of LISTS) {
    if (config[list] === undefined || config[list] === null) continue;
    const rules = listOf<IpSecurityRestriction & Props>(config[list]);
    if (rules.length > MAX_RULES) {
      throw badRequest(`The number of rules in ${list} exceeds the maximum of ${MAX_RULES}.`, target); // [INF]
    }
    config[list] = rules.map((rule) => {
      if (!rule.ipAddress && !rule.vnetSubnetResourceId) {
        throw badRequest(`Every rule in ${list} needs an ipAddress or a vnetSubnetResourceId.`, target); // [INF]
      }
      const known = Object.fromEntries(RULE_PROPERTIES.filter((k) => k in rule).map((k) => [k, rule[k]]));
      return { ...known, action: rule.action ?? "Allow", tag: rule.tag ?? "Default" };
    });
  }
  for (const key of ["ipSecurityRestrictionsDefaultAction", "scmIpSecurityRestrictionsDefaultAction"]) {
    const v = config[key];
    if (v !== undefined && v !== null && v !== "Allow" && v !== "Deny") {
      throw badRequest(`The value '${String(v)}' of ${key} is invalid; it must be Allow or Deny.`, target); // [INF]
    }
  }
}

/**
 * Subnets named by VNet rules must exist where the estate can see them. A subnet without the Microsoft.Web
 * endpoint is accepted: the app is configured and the endpoint "can later be enabled on the subnet"; only the
 * portal, the CLI and PowerShell add the endpoint themselves unless told to ignore it (app-service-ip-
 * restrictions.md; azure-powershell#14344). Until it exists the rule matches nothing (semantics §4.6).
 */
function validateRestrictions(
  config: SiteConfig | undefined,
  priorConfig: SiteConfig | undefined,
  ctx: WriteContext,
  target: string,
): void {
  const estate = ctx.after();
  const prior = priorRuleKeys(
    LISTS.flatMap((list) => priorConfig?.[list] ?? []),
    (x) => ruleKey(x.vnetSubnetResourceId),
  );
  for (const list of LISTS) {
    for (const rule of config?.[list] ?? []) {
      if (!rule.vnetSubnetResourceId || prior.has(ruleKey(rule.vnetSubnetResourceId))) continue;
      const found = lookupSubnet(estate, rule.vnetSubnetResourceId);
      if (found.kind !== "found" && found.kind !== "outside") {
        throw badRequest(
          `The subnet '${rule.vnetSubnetResourceId}' of the access restriction '${rule.name ?? ""}' was not found.`,
          target,
        ); // [INF]
      }
    }
  }
}

export const webSites: ResourceTypeDef = {
  type: ServiceTypes.webSite,
  location: "required",
  prepare(r, ctx) {
    normaliseLocation(r, ctx);
    r.kind ??= "app";
    const p = dropProperties(
      r,
      "defaultHostName",
      "hostNames",
      "enabledHostNames",
      "state",
      "provisioningState",
    );
    const host = `${r.name.toLowerCase()}.azurewebsites.net`;
    p.defaultHostName = host;
    p.hostNames = [host];
    p.enabledHostNames = [host, `${r.name.toLowerCase()}.scm.azurewebsites.net`];
    p.state = "Running";
    p.enabled ??= true;
    p.httpsOnly ??= false;
    if (p.siteConfig && typeof p.siteConfig === "object") normaliseRestrictions(p.siteConfig as Props, r.id);
    p.provisioningState = "Succeeded";
    return r;
  },
  patch: mergePatch,
  validate(r, ctx) {
    const configOf = (x: ArmResource | undefined): SiteConfig | undefined =>
      (x?.properties as { siteConfig?: SiteConfig } | undefined)?.siteConfig;
    validateRestrictions(configOf(r), configOf(ctx.existing), ctx, r.id);
  },
};

export const webSiteConfigs: ResourceTypeDef = {
  type: ServiceTypes.webSiteConfig,
  location: "none",
  prepare(r, ctx) {
    const p = propsOf(r);
    if (r.name.toLowerCase() === "web") {
      r.name = "web";
      normaliseRestrictions(p, r.id);
    }
    // ARM answers config resources with the site's location.
    const site = ctx.before().get(parentId(r.id));
    if (site?.location) r.location = site.location;
    else delete r.location;
    return r;
  },
  validate(r, ctx) {
    if (r.name === "web")
      validateRestrictions(r.properties as SiteConfig, ctx.existing?.properties as SiteConfig, ctx, r.id);
  },
};
