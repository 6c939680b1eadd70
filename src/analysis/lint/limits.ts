// Rule counts near Azure's limits (VNL010): a warning from 90 % of a limit, an error past it (ARM refuses the
// write). The limits are semantics §9's, each with its source.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import {
  NetworkTypes as N,
  type NetworkSecurityGroupProperties,
  type RouteTableProperties,
  type ServiceEndpointPolicyDefinitionProperties,
  type ServiceEndpointPolicyProperties,
} from "../../model/resources/network.js";
import type { PaasKind } from "../../model/serviceCatalog.js";
import { type NetworkRules, paasResourcesOf } from "./networkRules.js";
import { subnetLabel, subnetsOf } from "./subnets.js";
import type { Draft, EstateRule } from "./types.js";

interface Limit {
  what: string;
  max: number;
  count(r: NetworkRules): number;
  source: string;
}

const vnet = (max: number, source: string): Limit => ({
  what: "virtual network rules",
  max,
  count: (r) => r.vnetRules.length,
  source,
});
const ip = (max: number, source: string): Limit => ({
  what: "IP rules",
  max,
  count: (r) => r.ipRules.length,
  source,
});

/** Per-resource limits of the service firewalls, semantics §9. */
const SERVICE_LIMITS: Partial<Record<PaasKind, Limit[]>> = {
  // §4.1 R2 [S8]: 400 virtual network rules and 400 IP rules per account (current docs)
  storage: [vnet(400, "§4.1 R2 [S8]"), ip(400, "§4.1 R2 [S8]")],
  // §4.2 [S12][S14]: 128 virtual network rules, 256 server-level firewall rules
  sql: [vnet(128, "§4.2 [S12]"), ip(256, "§4.2 [S14]")],
  // §4.3 [S15]: 200 virtual network rules, 1,000 IPv4 rules
  keyVault: [vnet(200, "§4.3 [S15]"), ip(1000, "§4.3 [S15]")],
  // §4.4 [S16]: 256 subnets
  cosmosDb: [vnet(256, "§4.4 [S16]")],
  // §4.5 [S17c]: 128 virtual network and IP rules together
  serviceBus: [
    {
      what: "virtual network and IP rules",
      max: 128,
      count: (r) => r.vnetRules.length + r.ipRules.length,
      source: "§4.5 [S17c]",
    },
  ],
  eventHub: [
    {
      what: "virtual network and IP rules",
      max: 128,
      count: (r) => r.vnetRules.length + r.ipRules.length,
      source: "§4.5 [S17c]",
    },
  ],
  // §4.7 [S20]: 100 virtual network rules, 100 IP rules
  cognitiveServices: [vnet(100, "§4.7 [S20]"), ip(100, "§4.7 [S20]")],
  // §4.8 [S21]: 100 virtual network rules
  containerRegistry: [vnet(100, "§4.8 [S21]")],
};

/** A finding when `count` is at least 90 % of `max`: a warning, an error past the limit. */
function near(
  resource: ArmResource,
  subject: string,
  what: string,
  count: number,
  max: number,
  source: string,
): Draft[] {
  if (count < Math.ceil(max * 0.9)) return [];
  const over = count > max;
  return [
    {
      resourceId: resource.id,
      severity: over ? "error" : "warning",
      message: `${subject} has ${count} ${what}: ${over ? "over" : `${Math.round((count / max) * 100)} % of`} Azure's limit of ${max}.`,
      explanation: over
        ? `Azure accepts at most ${max} ${what} here (${source}); ARM refuses the write, so this cannot be deployed.`
        : `Azure accepts at most ${max} ${what} here (${source}); the next additions will be refused.`,
      fix: `Consolidate the ${what} (wider ranges, fewer subnets behind a shared egress or a private endpoint) before adding more.`,
    },
  ];
}

export const ruleLimitRule: EstateRule = {
  id: "VNL010",
  name: "rule-count-near-limit",
  severity: "warning",
  title: "Rule counts at 90 % or more of Azure's limits (an error past them)",
  help: "Service firewalls, endpoint policies, NSGs and route tables have fixed limits on their rules (e.g. Storage 400 VNet and 400 IP rules, SQL 128 VNet rules, Key Vault 200 VNet and 1,000 IP rules, Service Bus and Event Hubs 128 rules, 200 resources per endpoint policy definition, 1,000 rules per NSG, 400 routes per route table). Past a limit ARM refuses the write.",
  // semantics §9 (limits summary), with each limit's own source
  source:
    "semantics §9; §4.1 R2 [S8]; §4.2 [S12][S14]; §4.3 [S15]; §4.4 [S16]; §4.5 [S17c]; §4.7 [S20]; §4.8 [S21]; §5 S8 [S2]; §2.3 [S24][S3]; §3.5 [S24]",
  check(estate: Estate): Draft[] {
    const out: Draft[] = [];
    for (const { resource, rules } of paasResourcesOf(estate)) {
      for (const l of SERVICE_LIMITS[rules.kind] ?? [])
        out.push(
          ...near(
            resource,
            `${rules.noun} ${resource.name}`,
            l.what,
            l.count(rules),
            l.max,
            `semantics ${l.source}`,
          ),
        );
    }
    // §5 S8 [S2]: 200 service resources per policy definition, 100 policies per subnet
    for (const policy of estate.ofType<ServiceEndpointPolicyProperties>(N.serviceEndpointPolicy)) {
      for (const def of (policy.properties?.serviceEndpointPolicyDefinitions ??
        []) as ArmResource<ServiceEndpointPolicyDefinitionProperties>[]) {
        const n = def.properties?.serviceResources?.length ?? 0;
        out.push(
          ...near(
            policy,
            `service endpoint policy ${policy.name}`,
            `service resources in definition ${def.name}`,
            n,
            200,
            "semantics §5 S8 [S2]",
          ),
        );
      }
    }
    for (const subnet of subnetsOf(estate)) {
      const n = subnet.properties?.serviceEndpointPolicies?.length ?? 0;
      out.push(
        ...near(subnet, subnetLabel(subnet.id), "service endpoint policies", n, 100, "semantics §5 S8 [S2]"),
      );
    }
    // §3.5 [S24]: 1,000 rules per NSG
    for (const nsg of estate.ofType<NetworkSecurityGroupProperties>(N.networkSecurityGroup)) {
      out.push(
        ...near(
          nsg,
          `NSG ${nsg.name}`,
          "security rules",
          nsg.properties?.securityRules?.length ?? 0,
          1000,
          "semantics §3.5 [S24]",
        ),
      );
    }
    // §2.3 [S24][S3]: 400 routes per route table, 25 of them service-tag routes
    for (const table of estate.ofType<RouteTableProperties>(N.routeTable)) {
      const routes = table.properties?.routes ?? [];
      out.push(
        ...near(table, `route table ${table.name}`, "routes", routes.length, 400, "semantics §2.3 [S24]"),
      );
      const tagRoutes = routes.filter((r) =>
        estate.serviceTags.get(r.properties?.addressPrefix ?? ""),
      ).length;
      out.push(
        ...near(
          table,
          `route table ${table.name}`,
          "service-tag routes",
          tagRoutes,
          25,
          "semantics §2.3 [S3]",
        ),
      );
    }
    return out;
  },
};
