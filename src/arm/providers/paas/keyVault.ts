// Microsoft.KeyVault/vaults: networkAcls (semantics §4.3), vaultUri, PATCH that updates properties.
import type { ArmResource } from "../../../model/arm.js";
import { DEFAULT_TENANT_ID } from "../../../model/compileEstate.js";
import { VnetlabError } from "../../../model/errors.js";
import type { KeyVaultProperties } from "../../../model/resources/services.js";
import { ServiceTypes } from "../../../model/resources/services.js";
import type { ResourceTypeDef, WriteContext } from "../../resourceType.js";
import { normaliseLocation } from "../common.js";
import {
  checkPublicIpRule,
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

// §9 [S15]: 200 VNet rules, 1,000 IPv4 rules per vault.
const MAX_VNET_RULES = 200;
const MAX_IP_RULES = 1000;

type Acls = NonNullable<KeyVaultProperties["networkAcls"]>;

function badRequest(message: string, target?: string): VnetlabError {
  return new VnetlabError("BadRequest", message, target ? { target } : {});
}

/** [OBS PowerShell / terraform logs] The Network RP's answer, wrapped by Key Vault. */
function networkRpFailure(status: string, code: string, message: string): VnetlabError {
  return new VnetlabError(
    "VirtualNetworkNotValid",
    `Operation on Virtual Network could not be performed. StatusCode: ${status}. Error Code: ${code}. Error Message: ${message}`,
  );
}

function normaliseAcls(raw: unknown): Acls | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw))
    throw badRequest("Invalid value found at properties.networkAcls."); // [INF]
  const acls = raw as Props;
  const ipRules = listOf<Props>(acls.ipRules);
  const vnetRules = listOf<Props>(acls.virtualNetworkRules);
  if (ipRules.length > MAX_IP_RULES) {
    throw badRequest(
      `The number of IP rules in properties.networkAcls.ipRules exceeds the maximum of ${MAX_IP_RULES}.`,
    ); // [INF]
  }
  if (vnetRules.length > MAX_VNET_RULES) {
    throw badRequest(
      `The number of virtual network rules in properties.networkAcls.virtualNetworkRules exceeds the maximum of ${MAX_VNET_RULES}.`,
    ); // [INF]
  }
  ipRules.forEach((rule, i) => {
    const check = checkPublicIpRule(rule?.value);
    const where = `properties.networkAcls.ipRules[${i}].value`;
    if (!check.ok && check.why === "private") {
      // §4.3 [S15][OBS]
      throw badRequest(
        `Invalid value found at ${where}: ${String(rule.value)} belongs to forbidden range ${check.range} (private IP addresses)`,
      );
    }
    if (!check.ok) throw badRequest(`Invalid value found at ${where}: ${String(rule?.value)}`); // [INF] same form
  });
  vnetRules.forEach((rule, i) => {
    if (typeof rule?.id !== "string" || rule.id === "") {
      throw badRequest(`Invalid value found at properties.networkAcls.virtualNetworkRules[${i}].id`); // [INF]
    }
  });
  return {
    ...acls,
    bypass: acls.bypass === "None" ? "None" : "AzureServices",
    defaultAction: String(acls.defaultAction ?? "Allow").toLowerCase() === "deny" ? "Deny" : "Allow",
    ipRules: ipRules.map((x) => ({ value: String(x.value).trim() })),
    virtualNetworkRules: vnetRules.map((x) => ({
      id: x.id as string,
      ignoreMissingVnetServiceEndpoint: x.ignoreMissingVnetServiceEndpoint === true,
    })),
  };
}

function validateVault(r: ArmResource, ctx: WriteContext): void {
  const acls = (propsOf(r) as KeyVaultProperties).networkAcls;
  const estate = ctx.after();
  const missing: ArmResource[] = [];
  const priorAcls = (ctx.existing?.properties as KeyVaultProperties | undefined)?.networkAcls;
  const key = (x: { id: string; ignoreMissingVnetServiceEndpoint?: boolean }): string =>
    ruleKey(x.id, x.ignoreMissingVnetServiceEndpoint);
  const prior = priorRuleKeys(priorAcls?.virtualNetworkRules, key);
  for (const rule of acls?.virtualNetworkRules ?? []) {
    if (prior.has(key(rule))) continue;
    const found = lookupSubnet(estate, rule.id);
    switch (found.kind) {
      case "malformed":
        throw badRequest(`Invalid value found at properties.networkAcls.virtualNetworkRules: ${rule.id}`); // [INF]
      case "outside":
        continue; // §8 [S1]: cross-subscription and cross-tenant subnets are allowed
      case "noResourceGroup":
        throw networkRpFailure(
          "404 (NotFound)",
          "ResourceGroupNotFound",
          `Resource group '${found.resourceGroup}' could not be found.`,
        ); // [INF]
      case "noVnet":
      case "noSubnet":
        throw networkRpFailure(
          "404 (NotFound)",
          "ResourceNotFound",
          `The Resource '${rule.id}' was not found.`,
        ); // [INF] the wrapper observed for the missing-endpoint case
      case "found":
        if (
          rule.ignoreMissingVnetServiceEndpoint !== true &&
          !hasServiceEndpoint(found.subnet, ["Microsoft.KeyVault"], r.location)
        ) {
          missing.push(found.subnet);
        }
    }
  }
  const group = groupByVnet(missing)[0];
  if (group) {
    // §4.3 [OBS]: "VirtualNetworkNotValid ... Error Code: SubnetsHaveNoServiceEndpointsConfigured ..."
    throw networkRpFailure(
      "400 (BadRequest)",
      "SubnetsHaveNoServiceEndpointsConfigured",
      `${missingEndpointText("Microsoft.KeyVault", group.names, group.vnetId)}.`,
    );
  }
}

export const keyVaults: ResourceTypeDef = {
  type: ServiceTypes.keyVault,
  location: "required",
  prepare(r, ctx) {
    normaliseLocation(r, ctx);
    const p = dropProperties(r, "vaultUri", "provisioningState", "hsmPoolResourceId");
    p.tenantId ??= DEFAULT_TENANT_ID;
    p.sku ??= { family: "A", name: "standard" };
    p.accessPolicies ??= [];
    p.enabledForDeployment ??= false;
    p.enableSoftDelete ??= true;
    p.softDeleteRetentionInDays ??= 90;
    p.enableRbacAuthorization ??= false;
    p.publicNetworkAccess ??= "Enabled";
    const acls = normaliseAcls(p.networkAcls);
    if (acls) p.networkAcls = acls;
    else delete p.networkAcls;
    p.vaultUri = `https://${r.name.toLowerCase()}.vault.azure.net/`;
    p.provisioningState = "Succeeded";
    return r;
  },
  patch: mergePatch,
  validate: validateVault,
};
