// Microsoft.Storage/storageAccounts: networkAcls (semantics §4.1), server-filled endpoints and keys, PATCH that
// updates properties, and the listKeys / regenerateKey actions.
import type { ArmResource } from "../../../model/arm.js";
import type { Estate } from "../../../model/estate.js";
import { VnetlabError } from "../../../model/errors.js";
import { publicHostsOf } from "../../../model/publicEndpoints.js";
import type { StorageNetworkAcls } from "../../../model/resources/services.js";
import { ServiceTypes } from "../../../model/resources/services.js";
import type { ActionHandler, ResourceTypeDef, WriteContext } from "../../resourceType.js";
import { normaliseLocation } from "../common.js";
import {
  checkPublicIpRule,
  dropProperties,
  groupByVnet,
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
import { STORAGE_KEY_NAMES, storageAccountKeys, type StorageKeyName } from "./storageKeys.js";
import { cloneJson } from "../../../model/cloneJson.js";

// §9 / §4.1 R2 [S8]: 400 VNet rules and 400 IP rules per account.
const MAX_VNET_RULES = 400;
const MAX_IP_RULES = 400;
const BYPASS_VALUES = new Set(["none", "azureservices", "logging", "metrics"]);

/** [OBS azure-cli #7417, #13828, azure-docs #60412] Storage's refusal of a bad network rule set. */
function invalidParameter(what: string): VnetlabError {
  return new VnetlabError(
    "InvalidValuesForRequestParameters",
    `Values for request parameters are invalid: ${what}. For more information, see - https://aka.ms/storagenetworkruleset`,
  );
}

/** §4.1 R4 [S10]: the Network RP's inner code and message, wrapped (hence Azure's trailing "..") */
function aclFailure(inner: string): VnetlabError {
  return new VnetlabError("NetworkAclsValidationFailure", `Validation of network acls failure: ${inner}.`);
}

function checkAccountName(r: ArmResource): void {
  // [OBS ARM troubleshooting docs] 3-24 lower-case letters and digits.
  if (!/^[a-z0-9]{3,24}$/.test(r.name)) {
    throw new VnetlabError(
      "AccountNameInvalid",
      `${r.name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`,
      { target: r.name },
    );
  }
}

function normaliseAction(value: unknown, what: string): "Allow" | "Deny" {
  if (value === undefined) return "Allow";
  const v = typeof value === "string" ? value.toLowerCase() : "";
  if (v !== "allow" && v !== "deny") throw invalidParameter(what);
  return v === "allow" ? "Allow" : "Deny";
}

/** Defaults, read-only `state`, and the checks that need only the body (§4.1 R2, R3). */
function normaliseAcls(raw: unknown): StorageNetworkAcls {
  if (raw === undefined || raw === null) {
    return { bypass: "AzureServices", virtualNetworkRules: [], ipRules: [], defaultAction: "Allow" };
  }
  if (typeof raw !== "object" || Array.isArray(raw)) throw invalidParameter("networkAcls");
  const acls = raw as Props;
  const bypass = acls.bypass === undefined ? "AzureServices" : String(acls.bypass);
  const parts = bypass.split(",").map((s) => s.trim());
  if (
    parts.some((s) => !BYPASS_VALUES.has(s.toLowerCase())) ||
    (parts.length > 1 && parts.some((s) => s.toLowerCase() === "none"))
  ) {
    throw invalidParameter("networkAcls.bypass"); // [INF] same wrapper as the observed ipRule / virtualNetworkRules texts
  }
  const ipRules = listOf<Props>(acls.ipRules);
  const vnetRules = listOf<Props>(acls.virtualNetworkRules);
  if (ipRules.length > MAX_IP_RULES) throw invalidParameter("networkAcls.ipRules[]");
  if (vnetRules.length > MAX_VNET_RULES) throw invalidParameter("networkAcls.virtualNetworkRules[]");
  for (const rule of ipRules) {
    // §4.1 R3 [S8]: public IPv4 only; no /31 or /32 ranges (single addresses instead).
    if (!checkPublicIpRule(rule?.value, { rejectSlash31And32: true }).ok)
      throw invalidParameter("networkAcls.ipRule[*].value");
  }
  for (const rule of vnetRules) {
    if (typeof rule?.id !== "string" || rule.id === "")
      throw invalidParameter("networkAcls.virtualNetworkRules[*].id");
  }
  const out: StorageNetworkAcls & Props = {
    ...acls,
    bypass: parts.join(", "),
    virtualNetworkRules: vnetRules.map((v) => ({ id: v.id as string, action: "Allow", state: "Succeeded" })),
    ipRules: ipRules.map((ip) => ({ value: String(ip.value).trim(), action: "Allow" })),
    defaultAction: normaliseAction(acls.defaultAction, "networkAcls.defaultAction"),
  };
  if (acls.resourceAccessRules !== undefined) {
    out.resourceAccessRules = listOf<Props>(acls.resourceAccessRules).map((x) => ({
      tenantId: String(x.tenantId ?? ""),
      resourceId: String(x.resourceId ?? ""),
    }));
  }
  return out;
}

/** `primaryEndpoints` / `secondaryEndpoints` from the public host names (src/model/publicEndpoints.ts). */
function endpoints(r: ArmResource, secondary: boolean): Record<string, string> {
  const only =
    r.kind === "FileStorage" ? ["file"] : r.kind === "BlockBlobStorage" ? ["blob", "dfs", "web"] : undefined;
  const out: Record<string, string> = {};
  for (const h of publicHostsOf(r)) {
    if (Boolean(h.secondary) !== secondary) continue;
    const service = h.subresource.replace(/_secondary$/, "");
    if (!only || only.includes(service)) out[service] = `https://${h.host}/`;
  }
  return out;
}

function prepareAccount(r: ArmResource, ctx: WriteContext): ArmResource {
  checkAccountName(r);
  normaliseLocation(r, ctx);
  const skuName = r.sku?.name ?? "Standard_LRS";
  r.sku = { name: skuName, tier: skuName.toLowerCase().startsWith("premium") ? "Premium" : "Standard" };
  r.kind ??= "StorageV2";
  const p = dropProperties(
    r,
    "provisioningState",
    "primaryEndpoints",
    "secondaryEndpoints",
    "primaryLocation",
    "secondaryLocation",
    "statusOfPrimary",
    "statusOfSecondary",
    "creationTime",
    "keyCreationTime",
  );
  p.networkAcls = normaliseAcls(p.networkAcls);
  keepTimestamp(r, ctx.existing, "creationTime");
  const priorKeys = (ctx.existing?.properties as Props | undefined)?.keyCreationTime;
  p.keyCreationTime = priorKeys ?? { key1: p.creationTime, key2: p.creationTime };
  p.primaryEndpoints = endpoints(r, false);
  p.primaryLocation = r.location;
  p.statusOfPrimary = "available";
  if (/GZ?RS$/i.test(skuName)) {
    // Geo-redundant accounts replicate to the region's pair [S23]; RA-* ones serve it read-only [S8 R6].
    const pair = ctx.regions.pairOf(r.location!);
    if (pair) {
      p.secondaryLocation = pair;
      p.statusOfSecondary = "available";
      if (/^Standard_RAG/i.test(skuName)) p.secondaryEndpoints = endpoints(r, true);
    }
  }
  p.encryption ??= {
    services: { blob: { keyType: "Account", enabled: true }, file: { keyType: "Account", enabled: true } },
    keySource: "Microsoft.Storage",
  };
  if (r.kind === "StorageV2" || r.kind === "BlobStorage") p.accessTier ??= "Hot";
  // Secure transfer is on by default for accounts created with API version 2019-04-01 or later, off before
  // [learn/storage/common/storage-require-secure-transfer]; an update keeps what the account had.
  p.supportsHttpsTrafficOnly ??=
    (ctx.existing?.properties as { supportsHttpsTrafficOnly?: boolean } | undefined)
      ?.supportsHttpsTrafficOnly ?? ctx.apiVersion.slice(0, 10) >= "2019-04-01";
  p.minimumTlsVersion ??= "TLS1_2";
  p.allowBlobPublicAccess ??= false;
  p.provisioningState = "Succeeded";
  return r;
}

/** §4.1 R4 [S10] and the Network RP's lookups: every named subnet must exist and carry a storage endpoint. */
function validateAccount(r: ArmResource, ctx: WriteContext): void {
  const acls = propsOf(r).networkAcls as StorageNetworkAcls;
  const estate = ctx.after();
  const missing: ArmResource[] = [];
  const priorAcls = (ctx.existing?.properties as { networkAcls?: StorageNetworkAcls } | undefined)
    ?.networkAcls;
  const prior = priorRuleKeys(priorAcls?.virtualNetworkRules, (x) => ruleKey(x.id));
  for (const rule of acls.virtualNetworkRules ?? []) {
    if (prior.has(ruleKey(rule.id))) continue;
    const found = lookupSubnet(estate, rule.id);
    switch (found.kind) {
      case "malformed":
        throw invalidParameter("networkAcls.virtualNetworkRules[*].id");
      case "outside":
        // Cross-subscription and cross-tenant subnets are allowed (§4.1 R7); vnetlab cannot see them.
        continue;
      case "noResourceGroup":
        // [OBS azure-docs #104109]
        throw aclFailure(`ResourceGroupNotFound:Resource group '${found.resourceGroup}' could not be found.`);
      case "noVnet":
        // [OBS azure-docs #113515]
        throw aclFailure(
          `ParentResourceNotFound:Failed to perform 'action' on resource(s) of type 'virtualNetworks/taggedTrafficConsumers', because the parent resource '${found.vnetId}' could not be found.`,
        );
      case "noSubnet":
        // [INF] the Network RP's ResourceNotFound text, in the wrapper observed for the two cases above.
        throw aclFailure(
          `ResourceNotFound:The Resource 'Microsoft.Network/virtualNetworks/${found.vnetId.split("/").pop()}/subnets/${found.subnetName}' was not found.`,
        );
      case "found":
        // §4.1 R5 [S8][INF]: a regional Microsoft.Storage endpoint covers the VNet's region and its pair only;
        // a rule for an account elsewhere needs Microsoft.Storage.Global. Refused with the same text [INF].
        if (
          !hasServiceEndpoint(found.subnet, ["Microsoft.Storage", "Microsoft.Storage.Global"], r.location)
        ) {
          missing.push(found.subnet);
        }
    }
  }
  const group = groupByVnet(missing)[0];
  if (group) {
    throw aclFailure(
      `SubnetsHaveNoServiceEndpointsConfigured:${missingEndpointText("Microsoft.Storage", group.names, group.vnetId)}`,
    );
  }
}

/** §4.1 R8 [S8]: a rule whose subnet is gone reads back as NetworkSourceDeleted. */
function presentAccount(r: ArmResource, estate: Estate): ArmResource {
  const acls = (r.properties as { networkAcls?: StorageNetworkAcls } | undefined)?.networkAcls;
  for (const rule of acls?.virtualNetworkRules ?? []) {
    const kind = lookupSubnet(estate, rule.id).kind;
    if (kind === "noSubnet" || kind === "noVnet" || kind === "noResourceGroup")
      rule.state = "NetworkSourceDeleted";
  }
  return r;
}

const listKeys: ActionHandler = (account) => ({ status: 200, body: { keys: storageAccountKeys(account) } });

const regenerateKey: ActionHandler = (account, body) => {
  const requested = (body as { keyName?: unknown } | undefined)?.keyName;
  const keyName = STORAGE_KEY_NAMES.find(
    (k) => typeof requested === "string" && k === requested.toLowerCase(),
  );
  if (!keyName) throw invalidParameter("keyName"); // [INF] the storage RP's wrapper for a bad parameter
  const next = cloneJson(account);
  const p = propsOf(next);
  p.keyCreationTime = {
    ...(p.keyCreationTime as Record<StorageKeyName, string>),
    [keyName]: new Date().toISOString(),
  };
  return { status: 200, body: { keys: storageAccountKeys(next) }, write: next };
};

export const storageAccounts: ResourceTypeDef = {
  type: ServiceTypes.storageAccount,
  location: "required",
  prepare: prepareAccount,
  patch: mergePatch,
  validate: validateAccount,
  present: presentAccount,
  actions: { listkeys: listKeys, regeneratekey: regenerateKey },
};
