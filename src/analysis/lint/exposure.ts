// Exposure: network rules that do nothing (VNL001, VNL011) and resources that take the whole internet (VNL012).
// VNL012 asks the engine's own firewall of each service, so it follows exactly what a trace would decide.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { ServiceTypes } from "../../model/resources/services.js";
import { type IpAddress, parseIp } from "../../net/index.js";
import { evaluateFirewall, type FirewallResult } from "../../engine/firewalls/index.js";
import { exposureEquivalents } from "./equivalents.js";
import { type NetworkRules, paasResourcesOf } from "./networkRules.js";
import type { Draft, EstateRule } from "./types.js";

const count = (r: NetworkRules): number => r.vnetRules.length + r.ipRules.length;

/** Why a resource's rules have no effect (VNL001), or undefined when they do. */
function rulesWithoutEffect(r: NetworkRules): { why: string; exposed: boolean } | undefined {
  if (r.publicNetworkAccessDisabled || r.unsupportedTier) return undefined;
  if (r.defaultAction === "Allow" && count(r) > 0) {
    return {
      why: `${r.path}.defaultAction is Allow, so its network rules (${count(r)}) have no effect and it accepts every network`,
      exposed: true,
    };
  }
  if (r.kind === "cosmosDb" && r.vnetRules.length > 0 && !r.vnetFilterEnabled) {
    return {
      why: `isVirtualNetworkFilterEnabled is false, so its virtual network rules (${r.vnetRules.length}) are not applied${r.ipRules.length === 0 ? " and, with no IP rules, it accepts every network" : ": clients of those subnets are refused"}`,
      exposed: r.ipRules.length === 0,
    };
  }
  return undefined;
}

/** Network rules on a tier without a firewall (VNL011): why, or undefined. */
function rulesOnUnsupportedTier(r: NetworkRules): string | undefined {
  if (r.publicNetworkAccessDisabled || !r.unsupportedTier) return undefined;
  return count(r) > 0 || r.defaultAction === "Deny" ? r.unsupportedTier : undefined;
}

export const rulesWithoutEffectRule: EstateRule = {
  id: "VNL001",
  name: "network-rules-without-effect",
  severity: "warning",
  title: "Network rules that have no effect (default action Allow, Cosmos DB VNet filter off)",
  help: "Storage, Key Vault, Service Bus, Event Hubs, Cognitive Services and Container Registry apply their IP and virtual network rules only when the default action is Deny; with Allow the rules are kept but every network is accepted. Cosmos DB applies its virtual network rules only with isVirtualNetworkFilterEnabled=true.",
  // semantics §4.1 R1 [S8], §4.3 [S15], §4.4 [S16], §4.5 [S17][S18], §4.7 [S20], §4.8 [S21]; Microsoft.DocumentDB
  // REST spec: isVirtualNetworkFilterEnabled "enable/disable Virtual Network ACL rules"
  source:
    "semantics §4.1 R1 [S8]; §4.3 [S15]; §4.4 [S16] and the Microsoft.DocumentDB REST spec (isVirtualNetworkFilterEnabled); §4.5 [S17][S18]; §4.7 [S20]; §4.8 [S21]",
  check(estate: Estate): Draft[] {
    return paasResourcesOf(estate).flatMap(({ resource, rules }) => {
      const hit = rulesWithoutEffect(rules);
      if (!hit) return [];
      const cosmos = rules.kind === "cosmosDb";
      const equivalents = hit.exposed ? exposureEquivalents(rules.kind) : undefined;
      return [
        {
          resourceId: resource.id,
          message: `${rules.noun} ${resource.name}: ${hit.why}.`,
          explanation: cosmos
            ? "Cosmos DB enforces virtual network rules only while isVirtualNetworkFilterEnabled is true; an account with no enforced IP or virtual network rule accepts requests from any network."
            : `The ${rules.noun}'s IP and virtual network rules are evaluated only when the default action is Deny; with Allow they are stored but every network is accepted.`,
          fix: cosmos
            ? "Set isVirtualNetworkFilterEnabled to true so that the virtual network rules apply (and make sure the listed subnets have the Microsoft.AzureCosmosDB endpoint)."
            : `Set ${rules.path}.defaultAction to Deny once the rules admit every client that needs access, or remove the rules.`,
          ...(equivalents ? { equivalents } : {}),
        },
      ];
    });
  },
};

export const unsupportedTierRule: EstateRule = {
  id: "VNL011",
  name: "network-rules-unsupported-tier",
  severity: "warning",
  title:
    "Network rules on a tier that has no firewall (Service Bus below Premium, Event Hubs Basic, ACR below Premium)",
  help: "Service Bus enforces IP and virtual network rules only in the Premium tier, Event Hubs has no firewall in the Basic tier and Container Registry network rules need Premium: on other tiers the rules are ignored and every network is accepted.",
  // semantics §4.5 [S17][S18] (Service Bus Premium only, Event Hubs not in Basic), §4.8 [S21] (ACR Premium)
  source: "semantics §4.5 [S17][S18]; §4.8 [S21]",
  check(estate: Estate): Draft[] {
    return paasResourcesOf(estate).flatMap(({ resource, rules }) => {
      const why = rulesOnUnsupportedTier(rules);
      if (!why) return [];
      const target = rules.kind === "eventHub" ? "Standard or a higher tier" : "the Premium tier";
      return [
        {
          resourceId: resource.id,
          message: `${rules.noun} ${resource.name} has network rules, but ${why}: they have no effect and it accepts every network.`,
          explanation: `${why}; the ${rules.noun} accepts requests from any network whatever its ${rules.path} says.`,
          fix: `Move the ${rules.noun} to ${target} so that the rules are enforced, or remove them and rely on private endpoints or authentication alone.`,
        },
      ];
    });
  },
};

// Public clients whose address no rule names, and addresses spread over the public space (not Azure's): a
// resource that admits all of them admits the whole internet.
const PROBES: readonly IpAddress[] = ["1.0.0.1", "126.255.255.254", "223.255.255.254"].map((t) =>
  parseIp(t)!,
);

/** Why a resource admits the whole internet, as its firewall says, or undefined when it does not. */
function openToInternet(estate: Estate, resource: ArmResource): { rule: string; why: string } | undefined {
  const probe = (ip: IpAddress | undefined): FirewallResult =>
    evaluateFirewall(resource, { origin: { kind: "public", ip }, port: 443 }, estate);
  const unknown = probe(undefined);
  if (unknown.decision === "Allow") return { rule: unknown.rule, why: unknown.reason.replace(/\.$/, "") };
  const results = PROBES.map(probe);
  if (!results.every((r) => r.decision === "Allow")) return undefined;
  const first = results[0]!;
  return {
    rule: first.rule,
    why: `its rules admit any address (${first.reason.replace(/\.$/, "")})`,
  };
}

function exposureFix(rules: NetworkRules): string {
  const pna = "or set publicNetworkAccess to Disabled and reach it through private endpoints";
  switch (rules.kind) {
    case "cosmosDb":
      return `Add IP rules for the public clients that need access and virtual network rules (with isVirtualNetworkFilterEnabled=true) for subnets, ${pna}.`;
    case "sql":
    case "postgresql":
    case "mysql":
    case "mariadb":
    case "dataLakeStore":
      return `Remove the firewall rules that span the whole address space and allow only the ranges and subnets that need access, ${pna}.`;
    default:
      return rules.defaultAction === "Deny"
        ? `Add at least one IP or virtual network rule (with none, defaultAction=Deny is not enforced), ${pna}.`
        : `Set ${rules.path}.defaultAction to Deny and add virtual network or IP rules for the clients that need access, ${pna}.`;
  }
}

export const openToInternetRule: EstateRule = {
  id: "VNL012",
  name: "open-to-internet",
  severity: "warning",
  title: "PaaS resources that accept requests from the whole internet",
  help: "A PaaS resource with public network access enabled and no firewall in force (default action Allow, no rules where no rules means open, a rule spanning every address) accepts requests from any address on the internet; only authentication protects its data.",
  // semantics §0 step 5 and §4 (each service's firewall evaluation, as the engine implements it)
  source:
    "semantics §0 step 5; §4.1 [S8]; §4.2 [S12][S14]; §4.3 [S15]; §4.4 [S16]; §4.5 [S17][S18]; §4.7 [S20]; §4.8 [S21]",
  check(estate: Estate): Draft[] {
    return paasResourcesOf(estate).flatMap(({ resource, rules }) => {
      // A web app serves the internet by design; VNL001 and VNL011 already report the others they cover.
      if (resource.type.toLowerCase() === ServiceTypes.webSite.toLowerCase()) return [];
      if (rulesWithoutEffect(rules)?.exposed || rulesOnUnsupportedTier(rules)) return [];
      const open = openToInternet(estate, resource);
      if (!open) return [];
      const equivalents = exposureEquivalents(rules.kind);
      return [
        {
          resourceId: resource.id,
          message: `${rules.noun} ${resource.name} accepts requests from the whole internet (${open.rule}).`,
          explanation: `Public network access is enabled and ${open.why}; any client that holds a key, token or SAS can reach the data from anywhere.`,
          fix: exposureFix(rules),
          ...(equivalents ? { equivalents } : {}),
        },
      ];
    });
  },
};
