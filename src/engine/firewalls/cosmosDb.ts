// Cosmos DB account firewall (Microsoft.DocumentDB/databaseAccounts), semantics §4.4.
import { idKey } from "../../model/resourceId.js";
import { type CosmosDbAccountProperties, ServiceTypes } from "../../model/resources/services.js";
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
  isAzureClient,
  isDisabled,
  matchIpRule,
  note,
  originSubnetLabel,
  parseBypass,
  privateEndpointBypass,
  propsOf,
  sameTenant,
  SubnetRules,
  trustedBypass,
} from "./common.js";

/** Properties the shared shape leaves out: the legacy IP filter string and the bypass settings. */
interface CosmosExtra {
  ipRangeFilter?: string;
  networkAclBypass?: "AzureServices" | "None";
  networkAclBypassResourceIds?: string[];
}

interface CosmosRules {
  publicNetworkAccess: string | undefined;
  vnetFilter: boolean;
  vnet: SubnetRules;
  ip: IpRuleSet;
  /** The `0.0.0.0` entry: accept connections from within public Azure datacenters [S16b]. */
  azureDatacenters: boolean;
  bypass: ReadonlySet<string>;
  bypassIds: ReadonlySet<string>;
  /** Some IP or (enabled) VNet rule exists; without one the account takes any network [S16]. */
  active: boolean;
}

const publicNetworkAccess: Evaluator<CosmosRules> = (ctx) => {
  if (!isDisabled(ctx.rules.publicNetworkAccess)) return undefined;
  // [S16b] publicNetworkAccess=Disabled overrides every other rule
  const o = ctx.request.origin;
  return deny(
    ctx,
    "publicNetworkAccess=Disabled",
    `public network access is disabled on the account: only private endpoints reach it, and ${describeOrigin(o)} is not one.`,
    o.kind === "serviceEndpoint" ? "cosmosDbServiceEndpoint" : "cosmosDbPublicInternet",
  );
};

const noRules: Evaluator<CosmosRules> = (ctx) => {
  if (ctx.rules.active) return undefined;
  // [S16] no IP and no VNet rules, so every source with valid credentials [INF: VNet rules count only when enabled]
  return allow(
    ctx,
    "ipRules=[] virtualNetworkRules=[]",
    "the account has no IP or virtual network rules, so it accepts every network.",
  );
};

const virtualNetworkRule: Evaluator<CosmosRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind !== "serviceEndpoint") return undefined;
  if (!ctx.rules.vnetFilter) {
    note(
      ctx,
      "Virtual network filtering is off (isVirtualNetworkFilterEnabled=false), so no subnet is admitted by identity.",
    );
    return undefined;
  }
  const rule = ctx.rules.vnet.findOrigin(o);
  if (!rule) {
    // [S16] peered VNets get no access unless their own subnets are listed
    note(ctx, `${originSubnetLabel(o)} is not in the account's virtual network rules.`);
    return undefined;
  }
  if (!sameTenant(ctx.estate, o.subnetId, ctx.resource.id)) {
    // [S16][S8] Cosmos VNet rules need the VNet in the account's tenant
    note(
      ctx,
      `The rule for ${originSubnetLabel(o)} is ineffective: the VNet is in another Microsoft Entra tenant.`,
    );
    return undefined;
  }
  return allow(
    ctx,
    ctx.rules.vnet.label(rule),
    `${originSubnetLabel(o)} reaches the account over its service endpoint and is in the virtual network rules.`,
  );
};

const ipRule: Evaluator<CosmosRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind !== "public") return undefined;
  if (o.ip) {
    const hit = matchIpRule(ctx.rules.ip, o.ip);
    if (hit) return allow(ctx, hit.label, `${formatIp(o.ip)} is inside the account's IP rule ${hit.text}.`);
  }
  // [S16b] 0.0.0.0 accepts connections from within public Azure datacenters
  if (ctx.rules.azureDatacenters && isAzureClient(ctx.estate, o)) {
    return allow(
      ctx,
      "ipRules[0.0.0.0]",
      "the client is in a public Azure datacenter and the account accepts them (IP rule 0.0.0.0).",
    );
  }
  return undefined;
};

const exceptions: Evaluator<CosmosRules> = (ctx) => {
  const { request, rules } = ctx;
  const callerId = request.caller?.resourceId;
  if (callerId && rules.bypassIds.has(idKey(callerId))) {
    return allow(
      ctx,
      `networkAclBypassResourceIds[${callerId}]`,
      `${callerId} is listed in networkAclBypassResourceIds.`,
    );
  }
  const trusted = trustedBypass(request, rules.bypass);
  if (trusted)
    return allow(
      ctx,
      "networkAclBypass=AzureServices",
      "the caller is a trusted Azure service and networkAclBypass is AzureServices.",
    );
  return undefined;
};

const finalDeny: Evaluator<CosmosRules> = (ctx) => {
  const o = ctx.request.origin;
  // [OBS S16c] the message tells a service-endpoint client from a public one
  if (o.kind === "public" && o.ip) note(ctx, `${formatIp(o.ip)} is not in the account's IP rules.`);
  return denyByDefault(
    ctx,
    o.kind === "serviceEndpoint" ? "virtualNetworkRules" : "ipRules",
    `no IP or virtual network rule of the account admits ${describeOrigin(o)}.`,
    o.kind === "serviceEndpoint" ? "cosmosDbServiceEndpoint" : "cosmosDbPublicInternet",
  );
};

export const cosmosDbFirewall = defineFirewall<CosmosRules>({
  resourceTypes: [ServiceTypes.cosmosDbAccount],
  compile: (resource, estate) => {
    const p = propsOf<CosmosDbAccountProperties & CosmosExtra>(resource);
    const values = [
      ...(p.ipRules ?? []).map((r) => r.ipAddressOrRange),
      ...(p.ipRangeFilter ? p.ipRangeFilter.split(",") : []),
    ]
      .map((v) => v.trim())
      .filter((v) => v !== "");
    const azureDatacenters = values.includes("0.0.0.0");
    const ip = compileIpRules(
      values.filter((v) => v !== "0.0.0.0"),
      (v) => `ipRules[${v}]`,
    );
    const vnetFilter = p.isVirtualNetworkFilterEnabled === true;
    const vnet = new SubnetRules(
      (p.virtualNetworkRules ?? []).map((r) => ({ id: r.id })),
      (r) => `virtualNetworkRules[${r.id}]`,
      estate,
    );
    return {
      publicNetworkAccess: p.publicNetworkAccess,
      vnetFilter,
      vnet,
      ip,
      azureDatacenters,
      bypass: parseBypass(p.networkAclBypass),
      bypassIds: new Set((p.networkAclBypassResourceIds ?? []).map(idKey)),
      active: values.length > 0 || (vnetFilter && vnet.size > 0),
    };
  },
  chain: [
    privateEndpointBypass,
    publicNetworkAccess,
    noRules,
    virtualNetworkRule,
    ipRule,
    exceptions,
    finalDeny,
  ],
});
