// Virtual network rules that can never match: the subnet lacks the service's endpoint (VNL002), or its endpoint
// does not reach the resource's region (VNL005).
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { parentId } from "../../model/resourceId.js";
import { NetworkTypes as N, type SubnetProperties } from "../../model/resources/network.js";
import type { PaasKind } from "../../model/serviceCatalog.js";
import { type NetworkRules, paasResourcesOf, type VnetRuleRef } from "./networkRules.js";
import { coversRegion, endpointForKind, endpointNames, type LiveEndpoint, subnetLabel } from "./subnets.js";
import type { Draft, EstateRule } from "./types.js";

interface RuleOnSubnet {
  resource: ArmResource;
  rules: NetworkRules;
  rule: VnetRuleRef;
  subnet: ArmResource<SubnetProperties>;
  /** The subnet's endpoint for the resource's service, if any. */
  endpoint: LiveEndpoint | undefined;
}

/** Every VNet rule whose subnet is in the estate (rules naming subnets elsewhere cannot be checked). */
function rulesOnSubnets(estate: Estate): RuleOnSubnet[] {
  return paasResourcesOf(estate).flatMap(({ resource, rules }) =>
    rules.vnetRules.flatMap((rule) => {
      const subnet = estate.get<SubnetProperties>(rule.subnetId);
      if (subnet?.type.toLowerCase() !== N.subnet.toLowerCase()) return [];
      return [{ resource, rules, rule, subnet, endpoint: endpointForKind(estate, subnet, rules.kind) }];
    }),
  );
}

export const missingEndpointRule: EstateRule = {
  id: "VNL002",
  name: "vnet-rule-subnet-without-endpoint",
  severity: "error",
  title: "Virtual network rules naming subnets that lack the service's endpoint",
  help: "A virtual network rule matches only requests that arrive over the subnet's service endpoint, which carries the subnet's identity. Without the endpoint, traffic from the subnet reaches the service from its public address and the rule never matches. ignoreMissingVnetServiceEndpoint only lets the rule be created before the endpoint exists; it grants nothing until the endpoint is enabled.",
  // semantics §4 universal [S1][S8][S16]; §4.1 R4 [S10]; §4.2 [S12] (ignoreMissingVnetServiceEndpoint)
  source: "semantics §4 (universal) [S1][S8][S16]; §4.1 R4 [S10]; §4.2 [S12]",
  check(estate: Estate): Draft[] {
    return rulesOnSubnets(estate)
      .filter((x) => !x.endpoint)
      .map(({ resource, rules, rule, subnet }) => {
        const needed = endpointNames(rules.kind);
        const ignored = rule.ignoreMissingVnetServiceEndpoint
          ? " ignoreMissingVnetServiceEndpoint=true let the rule be saved without it, but the rule still grants nothing."
          : "";
        return {
          resourceId: resource.id,
          message: `${rules.noun} ${resource.name}: ${rule.label} names ${subnetLabel(subnet.id)}, which has no ${needed} service endpoint, so the rule admits nothing.${ignored}`,
          explanation:
            "A virtual network rule matches only requests that arrive over the subnet's service endpoint; without it the subnet's traffic reaches the service from its public address, which the rule never matches.",
          fix: `Enable the ${needed} service endpoint on ${subnetLabel(subnet.id)} (existing connections from the subnet to the service restart when it is enabled), or remove the rule.`,
          related: [subnet.id],
        };
      });
  },
};

/** Services whose VNet rules work only for subnets in the resource's own region [S12][S1]. */
const SAME_REGION_ONLY: ReadonlySet<PaasKind> = new Set([
  "sql",
  "postgresql",
  "mysql",
  "mariadb",
  "dataLakeStore",
]);

function regionProblem(estate: Estate, x: RuleOnSubnet): string | undefined {
  const region = x.rules.region;
  if (SAME_REGION_ONLY.has(x.rules.kind)) {
    const vnetRegion = estate.get(parentId(x.subnet.id))?.location?.toLowerCase();
    if (vnetRegion !== undefined && vnetRegion !== region) {
      return `the subnet's VNet is in ${vnetRegion} and the ${x.rules.noun} in ${region}: its virtual network rules work only for subnets in its own region`;
    }
    return undefined;
  }
  if (x.endpoint && !coversRegion(x.endpoint, region)) {
    return `the subnet's ${x.endpoint.info.name} endpoint reaches ${x.endpoint.locations.join(", ")} only, not ${region} where the ${x.rules.noun} is: its traffic goes over the internet from the subnet's public address`;
  }
  return undefined;
}

export const regionMismatchRule: EstateRule = {
  id: "VNL005",
  name: "vnet-rule-region-mismatch",
  severity: "error",
  title:
    "Virtual network rules across regions (SQL and Data Lake rules for other regions, endpoints that do not reach the resource's region)",
  help: "Azure SQL (and the single servers on the Microsoft.Sql endpoint) and Data Lake Gen1 accept virtual network rules only for subnets in the server's region. A Microsoft.Storage endpoint reaches only the VNet's region and its pair (Microsoft.Storage.Global reaches all); an endpoint with narrower locations reaches only those. A rule for a subnet whose endpoint does not reach the resource never matches.",
  // semantics §4.2 [S12] (same-region VNet rules), §4.1 R5 [S8], §1.2 [S28] (default locations)
  source: "semantics §4.2 [S12][S1]; §4.1 R5 [S8]; §1.2 [S28]",
  check(estate: Estate): Draft[] {
    return rulesOnSubnets(estate).flatMap((x) => {
      const problem = x.endpoint ? regionProblem(estate, x) : undefined;
      if (!problem) return [];
      const { resource, rules, rule, subnet } = x;
      const storage = rules.kind === "storage";
      return [
        {
          resourceId: resource.id,
          message: `${rules.noun} ${resource.name}: ${rule.label} names ${subnetLabel(subnet.id)}, but ${problem}. The rule never matches.`,
          explanation: SAME_REGION_ONLY.has(rules.kind)
            ? "The service endpoint of a subnet reaches the service only in the VNet's own region, and the service refuses virtual network rules for subnets in other regions."
            : "A service endpoint routes to the service only in the regions its locations list; elsewhere the subnet's traffic is routed to the internet and arrives without the subnet's identity.",
          fix: SAME_REGION_ONLY.has(rules.kind)
            ? `Allow a subnet in ${rules.region} instead (or reach the ${rules.noun} through a private endpoint), and remove the rule.`
            : storage
              ? `Replace Microsoft.Storage with Microsoft.Storage.Global on ${subnetLabel(subnet.id)}, or reach the account through a private endpoint.`
              : `Add ${rules.region} to the endpoint's locations on ${subnetLabel(subnet.id)}, or reach the ${rules.noun} through a private endpoint.`,
          related: [subnet.id],
        },
      ];
    });
  },
};
