// Azure SQL logical server firewall (Microsoft.Sql/servers), semantics §4.2, and the same logic for the
// single servers that ride on the Microsoft.Sql service endpoint: PostgreSQL, MySQL and MariaDB [S12] R3.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import {
  ServiceTypes,
  type SqlFirewallRuleProperties,
  type SqlServerProperties,
  type SqlVirtualNetworkRuleProperties,
} from "../../model/resources/services.js";
import { formatIp } from "../../net/index.js";
import {
  allow,
  compileIpRanges,
  defineFirewall,
  deny,
  denyByDefault,
  describeOrigin,
  type Evaluator,
  type IpRangeSet,
  isAzureClient,
  isDisabled,
  matchIpRange,
  note,
  originSubnetLabel,
  originVnetRegion,
  privateEndpointBypass,
  propsOf,
  regionKey,
  sameTenant,
  type SubnetRule,
  SubnetRules,
} from "./common.js";
import type { DenialId } from "./denials.js";
import type { ServiceFirewall } from "./types.js";

interface Engine {
  type: string;
  product: string;
  /** SE client without a matching VNet rule. */
  vnetDenial: DenialId;
  /** Public client outside the IP rules. */
  ipDenial: DenialId;
  /** Public network access disabled. */
  pnaDenial: DenialId;
  /** Single servers: VNet rules only on General Purpose and Memory Optimized tiers [S12]. */
  singleServer: boolean;
}

interface SqlRules {
  engine: Engine;
  publicNetworkAccess: string | undefined;
  /** The 0.0.0.0–0.0.0.0 rule ("Allow Azure services and resources"), by its label. */
  allowAzure: string | undefined;
  ip: IpRangeSet;
  vnet: SubnetRules;
  region: string | undefined;
  /** Basic single servers have no VNet rules. */
  basicTier: boolean;
}

const ruleName = (r: SubnetRule): string => `virtualNetworkRules/${r.name}`;

function compile(engine: Engine, resource: ArmResource, estate: Estate): SqlRules {
  const p = propsOf<SqlServerProperties>(resource);
  let allowAzure: string | undefined;
  const ranges: { label: string; start: string; end: string }[] = [];
  for (const r of (p.firewallRules ?? []) as ArmResource<SqlFirewallRuleProperties>[]) {
    const start = r.properties?.startIpAddress ?? "";
    const end = r.properties?.endIpAddress ?? "";
    const label = `firewallRules/${r.name}`;
    // [S14] 0.0.0.0–0.0.0.0 is the "Allow Azure services and resources" switch, not an address range
    if (start === "0.0.0.0" && end === "0.0.0.0") allowAzure ??= label;
    else ranges.push({ label, start, end });
  }
  const vnetRules = (p.virtualNetworkRules ?? []) as ArmResource<SqlVirtualNetworkRuleProperties>[];
  return {
    engine,
    publicNetworkAccess: p.publicNetworkAccess,
    allowAzure,
    ip: compileIpRanges(ranges),
    vnet: new SubnetRules(
      vnetRules
        .filter((r) => typeof r.properties?.virtualNetworkSubnetId === "string")
        .map((r) => {
          const state = r.properties?.state;
          // [S12][S25e] a rule is in force once Ready; an absent state (templates) is taken as Ready
          const ready = state === undefined || state.toLowerCase() === "ready";
          return {
            id: r.properties!.virtualNetworkSubnetId,
            name: r.name,
            ...(ready ? {} : { ineffective: `its state is ${state}` }),
          };
        }),
      ruleName,
      estate,
    ),
    region: regionKey(resource.location),
    basicTier: engine.singleServer && resource.sku?.tier?.toLowerCase() === "basic",
  };
}

const publicNetworkAccess: Evaluator<SqlRules> = (ctx) => {
  if (!isDisabled(ctx.rules.publicNetworkAccess)) return undefined;
  // [S13] Deny public network access: only private endpoint connections, error 47073
  return deny(
    ctx,
    "publicNetworkAccess=Disabled",
    `public network access is disabled on the server: only private endpoint connections are accepted, and ${describeOrigin(ctx.request.origin)} is not one.`,
    ctx.rules.engine.pnaDenial,
  );
};

const virtualNetworkRule: Evaluator<SqlRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind !== "serviceEndpoint") return undefined;
  const { rules, estate, resource } = ctx;
  const rule = rules.vnet.findOrigin(o);
  const label = rule ? ruleName(rule) : "";
  if (!rule) {
    note(ctx, `${originSubnetLabel(o)} has no virtual network rule on the server.`);
    return undefined;
  }
  const where = originSubnetLabel(o);
  if (rule.ineffective) {
    note(ctx, `The rule ${label} for ${where} is not in force: ${rule.ineffective}.`);
    return undefined;
  }
  if (rules.basicTier) {
    // [S12] single servers support VNet rules only on General Purpose and Memory Optimized
    note(
      ctx,
      `The rule ${label} has no effect: Basic-tier ${rules.engine.product} servers do not support virtual network rules.`,
    );
    return undefined;
  }
  const vnetRegion = originVnetRegion(estate, o);
  if (vnetRegion !== rules.region) {
    // [S12] a VNet rule only works for a subnet in the server's region (the SE covers only its own region)
    note(
      ctx,
      `The rule ${label} is ineffective: ${where} is in ${vnetRegion}, not in the server's region ${rules.region}.`,
    );
    return undefined;
  }
  if (!sameTenant(estate, o.subnetId, resource.id)) {
    // [S12][S8] SQL VNet rules need the VNet in the server's tenant
    note(ctx, `The rule ${label} is ineffective: ${where} belongs to another Microsoft Entra tenant.`);
    return undefined;
  }
  // [S12] ignoreMissingVnetServiceEndpoint only delays the check; a service-endpoint request proves the SE is on
  return allow(
    ctx,
    label,
    `${where} reaches the server over its Microsoft.Sql service endpoint and has a virtual network rule.`,
  );
};

const ipRule: Evaluator<SqlRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind !== "public" || !o.ip) return undefined;
  const hit = matchIpRange(ctx.rules.ip, o.ip);
  if (!hit) return undefined;
  return allow(ctx, hit.label, `${formatIp(o.ip)} is inside the server-level firewall rule ${hit.label}.`);
};

const allowAzureServices: Evaluator<SqlRules> = (ctx) => {
  const label = ctx.rules.allowAzure;
  if (!label) return undefined;
  const o = ctx.request.origin;
  // [S14][S12] "Allow Azure services and resources" admits every Azure IP and every Azure subnet, of any tenant
  if (o.kind === "serviceEndpoint") {
    return allow(
      ctx,
      label,
      `the server allows Azure services and resources (${label}), which admits every Azure subnet, of any tenant.`,
    );
  }
  if (isAzureClient(ctx.estate, o)) {
    return allow(
      ctx,
      label,
      `the client is an Azure address and the server allows Azure services and resources (${label}).`,
    );
  }
  return undefined;
};

const finalDeny: Evaluator<SqlRules> = (ctx) => {
  const o = ctx.request.origin;
  const e = ctx.rules.engine;
  if (o.kind === "serviceEndpoint") {
    // [S12] error 40914: a service-endpoint client with no virtual network rule
    note(ctx, "The server does not allow Azure services and resources (no 0.0.0.0 firewall rule).");
    return denyByDefault(
      ctx,
      "virtualNetworkRules",
      `no virtual network rule admits ${originSubnetLabel(o)}.`,
      e.vnetDenial,
    );
  }
  if (o.kind === "public" && o.fromOnPremises) {
    // [S12] VNet rules never apply to VPN or ExpressRoute traffic
    note(
      ctx,
      "On-premises traffic cannot use service endpoints; allow its public NAT address in a firewall rule.",
    );
  }
  // [S12] error 40615: a public client outside the IP rules
  return deny(ctx, "firewallRules", `no server-level firewall rule covers ${describeOrigin(o)}.`, e.ipDenial);
};

function sqlFamilyFirewall(engine: Engine): ServiceFirewall {
  return defineFirewall<SqlRules>({
    resourceTypes: [engine.type],
    compile: (r, estate) => compile(engine, r, estate),
    chain: [
      privateEndpointBypass,
      publicNetworkAccess,
      virtualNetworkRule,
      ipRule,
      allowAzureServices,
      finalDeny,
    ],
  });
}

export const sqlFirewall = sqlFamilyFirewall({
  type: ServiceTypes.sqlServer,
  product: "Azure SQL",
  vnetDenial: "sqlVirtualNetworkRule",
  ipDenial: "sqlIpFirewall",
  pnaDenial: "sqlPublicNetworkAccessDisabled",
  singleServer: false,
});

// [INF] single servers print one refusal whatever the rule type; PNA-disabled texts were not found.
export const postgreSqlFirewall = sqlFamilyFirewall({
  type: ServiceTypes.postgreSqlServer,
  product: "PostgreSQL",
  vnetDenial: "postgreSqlFirewall",
  ipDenial: "postgreSqlFirewall",
  pnaDenial: "postgreSqlFirewall",
  singleServer: true,
});

export const mySqlFirewall = sqlFamilyFirewall({
  type: ServiceTypes.mySqlServer,
  product: "MySQL",
  vnetDenial: "mySqlFirewall",
  ipDenial: "mySqlFirewall",
  pnaDenial: "mySqlFirewall",
  singleServer: true,
});

export const mariaDbFirewall = sqlFamilyFirewall({
  type: ServiceTypes.mariaDbServer,
  product: "MariaDB",
  vnetDenial: "mariaDbFirewall",
  ipDenial: "mariaDbFirewall",
  pnaDenial: "mariaDbFirewall",
  singleServer: true,
});
