// Microsoft.DocumentDB/databaseAccounts: virtualNetworkRules / ipRules (semantics §4.4), documentEndpoint,
// PATCH that updates properties.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { CosmosDbAccountProperties } from "../../../model/resources/services.js";
import { ServiceTypes } from "../../../model/resources/services.js";
import { parsePrefixDetailed } from "../../../net/index.js";
import type { ResourceTypeDef, WriteContext } from "../../resourceType.js";
import { normaliseLocation } from "../common.js";
import {
  dropProperties,
  groupByVnet,
  hasServiceEndpoint,
  listOf,
  lookupSubnet,
  mergePatch,
  missingEndpointText,
  priorRuleKeys,
  propsOf,
  type Props,
  ruleKey,
} from "./common.js";

// §9 [S16]: 256 subnets per account.
const MAX_VNET_RULES = 256;

function badRequest(message: string): VnetlabError {
  return new VnetlabError("BadRequest", message); // [INF] Cosmos DB's code for a bad request body
}

/**
 * [OBS terraform log] An account write whose Network RP call fails: Conflict, quoting the Network RP. The
 * update form of the first sentence is [INF].
 */
function networkRpFailure(ctx: WriteContext, code: string, message: string): VnetlabError {
  const what = ctx.existing ? "Database account update failed" : "Database account creation failed";
  return new VnetlabError(
    "Conflict",
    `${what}. Operation Id: ${ctx.newGuid()}, Error : Error encountered calling networking RP. StatusCode: BadRequest, ErrorCode: ${code}, ErrorMessage: NRP ARM exception, ErrorCode: ${code}, ErrorMessage: ${message}`,
  );
}

function validateAccount(r: ArmResource, ctx: WriteContext): void {
  const p = propsOf(r) as CosmosDbAccountProperties;
  const estate = ctx.after();
  const missing: ArmResource[] = [];
  const key = (x: { id: string; ignoreMissingVNetServiceEndpoint?: boolean }): string =>
    ruleKey(x.id, x.ignoreMissingVNetServiceEndpoint);
  const prior = priorRuleKeys(
    (ctx.existing?.properties as CosmosDbAccountProperties | undefined)?.virtualNetworkRules,
    key,
  );
  for (const rule of p.virtualNetworkRules ?? []) {
    if (prior.has(key(rule))) continue;
    const found = lookupSubnet(estate, rule.id);
    if (found.kind === "malformed") throw badRequest(`Invalid virtual network rule id '${String(rule.id)}'.`); // [INF]
    // §4.4 / §8 [S16]: the VNet must be in the account's Entra tenant.
    if (estate.tenantOf(rule.id).toLowerCase() !== estate.tenantOf(r.id).toLowerCase()) {
      throw badRequest(
        `Virtual network rule '${rule.id}' is in a different Azure Active Directory tenant than the database account. Virtual network and account must be in the same tenant.`,
      ); // [INF]
    }
    if (found.kind === "outside") continue;
    if (found.kind !== "found") {
      throw networkRpFailure(ctx, "NotFound", `Resource '${rule.id}' was not found.`); // [INF]
    }
    if (
      rule.ignoreMissingVNetServiceEndpoint !== true &&
      !hasServiceEndpoint(found.subnet, ["Microsoft.AzureCosmosDB"], r.location)
    ) {
      missing.push(found.subnet);
    }
  }
  const group = groupByVnet(missing)[0];
  if (group) {
    throw networkRpFailure(
      ctx,
      "SubnetsHaveNoServiceEndpointsConfigured",
      missingEndpointText("Microsoft.AzureCosmosDB", group.names, group.vnetId),
    );
  }
}

export const cosmosDbAccounts: ResourceTypeDef = {
  type: ServiceTypes.cosmosDbAccount,
  location: "required",
  prepare(r, ctx) {
    normaliseLocation(r, ctx);
    r.kind ??= "GlobalDocumentDB";
    const p = dropProperties(r, "documentEndpoint", "provisioningState", "writeLocations", "readLocations");
    const vnetRules = listOf<Props>(p.virtualNetworkRules);
    if (vnetRules.length > MAX_VNET_RULES) {
      throw badRequest(`The number of virtual network rules exceeds the maximum of ${MAX_VNET_RULES}.`); // [INF]
    }
    p.virtualNetworkRules = vnetRules.map((v) => {
      if (typeof v?.id !== "string" || v.id === "")
        throw badRequest("Virtual network rule id must be specified."); // [INF]
      return { id: v.id, ignoreMissingVNetServiceEndpoint: v.ignoreMissingVNetServiceEndpoint === true };
    });
    p.ipRules = listOf<Props>(p.ipRules).map((ip) => {
      const text = typeof ip?.ipAddressOrRange === "string" ? ip.ipAddressOrRange.trim() : "";
      const parsed = parsePrefixDetailed(text);
      if (!parsed || parsed.prefix.family !== 4) throw badRequest(`Invalid IP address or range '${text}'.`); // [INF]
      return { ipAddressOrRange: text };
    });
    p.isVirtualNetworkFilterEnabled ??= false;
    p.publicNetworkAccess ??= "Enabled";
    p.databaseAccountOfferType ??= "Standard";
    p.consistencyPolicy ??= {
      defaultConsistencyLevel: "Session",
      maxIntervalInSeconds: 5,
      maxStalenessPrefix: 100,
    };
    p.networkAclBypass ??= "None";
    p.networkAclBypassResourceIds ??= [];
    const locations = listOf<Props>(p.locations);
    p.locations = (locations.length ? locations : [{ locationName: r.location }]).map((l, i) => ({
      ...l,
      failoverPriority: l.failoverPriority ?? i,
      isZoneRedundant: l.isZoneRedundant ?? false,
    }));
    p.documentEndpoint = `https://${r.name.toLowerCase()}.documents.azure.com:443/`;
    p.provisioningState = "Succeeded";
    return r;
  },
  patch: mergePatch,
  validate: validateAccount,
};
