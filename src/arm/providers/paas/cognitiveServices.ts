// Microsoft.CognitiveServices/accounts: networkAcls (semantics §4.7), endpoint, PATCH that updates properties.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import { publicHostsOf } from "../../../model/publicEndpoints.js";
import type { CognitiveServicesAccountProperties } from "../../../model/resources/services.js";
import { ServiceTypes } from "../../../model/resources/services.js";
import type { ResourceTypeDef, WriteContext } from "../../resourceType.js";
import { normaliseLocation } from "../common.js";
import {
  checkPublicIpRule,
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

// §9 / §4.7 [S20]: 100 VNet rules and 100 IP rules per account.
const MAX_VNET_RULES = 100;
const MAX_IP_RULES = 100;

function badRequest(message: string): VnetlabError {
  return new VnetlabError("BadRequest", message); // [INF] Cognitive Services answers BadRequest
}

type Acls = NonNullable<CognitiveServicesAccountProperties["networkAcls"]>;

function normaliseAcls(raw: unknown): Acls | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw)) throw badRequest("The networkAcls property is invalid."); // [INF]
  const acls = raw as Props;
  const ipRules = listOf<Props>(acls.ipRules);
  const vnetRules = listOf<Props>(acls.virtualNetworkRules);
  if (ipRules.length > MAX_IP_RULES)
    throw badRequest(`The number of IP rules exceeds the maximum of ${MAX_IP_RULES}.`); // [INF]
  if (vnetRules.length > MAX_VNET_RULES) {
    throw badRequest(`The number of virtual network rules exceeds the maximum of ${MAX_VNET_RULES}.`); // [INF]
  }
  for (const rule of ipRules) {
    // §4.7 [S20]: public IPv4 only, no /31 or /32 ranges.
    if (!checkPublicIpRule(rule?.value, { rejectSlash31And32: true }).ok) {
      throw badRequest(
        `The IP rule value '${String(rule?.value)}' is invalid. Only public IPv4 addresses and ranges (up to /30) are allowed.`,
      ); // [INF]
    }
  }
  return {
    ...acls,
    defaultAction: String(acls.defaultAction ?? "Allow").toLowerCase() === "deny" ? "Deny" : "Allow",
    ipRules: ipRules.map((x) => ({ value: String(x.value).trim() })),
    virtualNetworkRules: vnetRules.map((x) => {
      if (typeof x?.id !== "string" || x.id === "") throw badRequest("A virtual network rule has no id."); // [INF]
      return {
        id: x.id,
        state: "Succeeded",
        ignoreMissingVnetServiceEndpoint: x.ignoreMissingVnetServiceEndpoint === true,
      };
    }),
  };
}

function validateAccount(r: ArmResource, ctx: WriteContext): void {
  const acls = (propsOf(r) as CognitiveServicesAccountProperties).networkAcls;
  const estate = ctx.after();
  const priorAcls = (ctx.existing?.properties as CognitiveServicesAccountProperties | undefined)?.networkAcls;
  const key = (x: { id: string; ignoreMissingVnetServiceEndpoint?: boolean }): string =>
    ruleKey(x.id, x.ignoreMissingVnetServiceEndpoint);
  const prior = priorRuleKeys(priorAcls?.virtualNetworkRules, key);
  for (const rule of acls?.virtualNetworkRules ?? []) {
    if (prior.has(key(rule))) continue;
    const found = lookupSubnet(estate, rule.id);
    if (found.kind === "outside") continue; // §4.7 [S20]: cross-tenant subnets are allowed
    if (found.kind !== "found")
      throw badRequest(`The subnet '${rule.id}' of a virtual network rule was not found.`); // [INF]
    if (
      !rule.ignoreMissingVnetServiceEndpoint &&
      !hasServiceEndpoint(found.subnet, ["Microsoft.CognitiveServices"], r.location)
    ) {
      throw badRequest(
        missingEndpointText("Microsoft.CognitiveServices", [found.subnet.name], found.vnet.id),
      ); // [INF]
    }
  }
}

export const cognitiveServicesAccounts: ResourceTypeDef = {
  type: ServiceTypes.cognitiveServicesAccount,
  location: "required",
  prepare(r, ctx) {
    normaliseLocation(r, ctx);
    r.kind ??= "CognitiveServices";
    r.sku ??= { name: "S0" };
    const p = dropProperties(r, "endpoint", "endpoints", "provisioningState", "dateCreated");
    p.publicNetworkAccess ??= "Enabled";
    const acls = normaliseAcls(p.networkAcls);
    if (acls) p.networkAcls = acls;
    else delete p.networkAcls;
    keepTimestamp(r, ctx.existing, "dateCreated");
    const host = publicHostsOf(r).find((h) => !h.secondary)?.host;
    if (host) p.endpoint = `https://${host}/`;
    p.provisioningState = "Succeeded";
    return r;
  },
  patch: mergePatch,
  validate: validateAccount,
};
