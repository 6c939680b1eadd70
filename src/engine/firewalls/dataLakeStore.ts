// Data Lake Storage Gen1 firewall (Microsoft.DataLakeStore/accounts): firewallState, firewallAllowAzureIps,
// firewallRules (start/end) and virtualNetworkRules, whose service endpoint is Microsoft.AzureActiveDirectory [S1].
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { type DataLakeStoreAccountProperties, ServiceTypes } from "../../model/resources/services.js";
import { formatIp } from "../../net/index.js";
import {
  allow,
  compileIpRanges,
  defineFirewall,
  denyByDefault,
  describeOrigin,
  type Evaluator,
  type IpRangeSet,
  isAzureClient,
  matchIpRange,
  note,
  originSubnetLabel,
  originVnetRegion,
  privateEndpointBypass,
  propsOf,
  regionKey,
  SubnetRules,
} from "./common.js";

interface DataLakeRules {
  enabled: boolean;
  allowAzureIps: boolean;
  ip: IpRangeSet;
  vnet: SubnetRules;
}

function compile(resource: ArmResource, estate: Estate): DataLakeRules {
  const p = propsOf<DataLakeStoreAccountProperties>(resource);
  return {
    enabled: p.firewallState?.toLowerCase() === "enabled",
    allowAzureIps: p.firewallAllowAzureIps?.toLowerCase() === "enabled",
    ip: compileIpRanges(
      (p.firewallRules ?? []).map((r) => ({
        label: `firewallRules/${r.name}`,
        start: r.properties?.startIpAddress ?? "",
        end: r.properties?.endIpAddress ?? "",
      })),
    ),
    vnet: new SubnetRules(
      (p.virtualNetworkRules ?? [])
        .filter((r) => typeof r.properties?.subnetId === "string")
        .map((r) => ({ id: r.properties!.subnetId, name: r.name })),
      (r) => `virtualNetworkRules/${r.name}`,
      estate,
    ),
  };
}

const firewallState: Evaluator<DataLakeRules> = (ctx) =>
  ctx.rules.enabled
    ? undefined
    : allow(
        ctx,
        "firewallState=Disabled",
        "the account's firewall is disabled, so every network is accepted.",
      );

const virtualNetworkRule: Evaluator<DataLakeRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind !== "serviceEndpoint") return undefined;
  const rule = ctx.rules.vnet.findOrigin(o);
  if (!rule) {
    note(ctx, `${originSubnetLabel(o)} is not in the account's virtual network rules.`);
    return undefined;
  }
  // [S1] Gen1 VNet rules ride on the Microsoft.AzureActiveDirectory service endpoint, same region only
  const vnetRegion = originVnetRegion(ctx.estate, o);
  if (vnetRegion !== regionKey(ctx.resource.location)) {
    note(
      ctx,
      `The rule for ${originSubnetLabel(o)} is ineffective: its VNet is in ${vnetRegion}, not in the account's region.`,
    );
    return undefined;
  }
  return allow(
    ctx,
    ctx.rules.vnet.label(rule),
    `${originSubnetLabel(o)} reaches the account over its Microsoft.AzureActiveDirectory service endpoint and has a virtual network rule.`,
  );
};

const ipRule: Evaluator<DataLakeRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind !== "public") return undefined;
  if (o.ip) {
    const hit = matchIpRange(ctx.rules.ip, o.ip);
    if (hit) return allow(ctx, hit.label, `${formatIp(o.ip)} is inside the firewall rule ${hit.label}.`);
  }
  if (ctx.rules.allowAzureIps && isAzureClient(ctx.estate, o)) {
    return allow(
      ctx,
      "firewallAllowAzureIps=Enabled",
      "the client is an Azure address and the account allows Azure IPs.",
    );
  }
  return undefined;
};

const finalDeny: Evaluator<DataLakeRules> = (ctx) =>
  denyByDefault(
    ctx,
    "firewallState=Enabled",
    `the firewall is enabled and no firewall or virtual network rule admits ${describeOrigin(ctx.request.origin)}.`,
    "dataLakeStoreFirewall",
  );

export const dataLakeStoreFirewall = defineFirewall<DataLakeRules>({
  resourceTypes: [ServiceTypes.dataLakeStoreAccount],
  compile,
  chain: [privateEndpointBypass, firewallState, virtualNetworkRule, ipRule, finalDeny],
});
