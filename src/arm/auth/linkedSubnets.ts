// The subnets a resource's VNet rules name, per service, in each resource provider's own request shape: what
// ARM's linked authorization checks `joinViaServiceEndpoint/action` on (semantics §8 [S1]).
import type { ArmResource } from "../../model/arm.js";
import { idKey } from "../../model/resourceId.js";
import { ServiceTypes as T } from "../../model/resources/services.js";

type Props = Record<string, unknown>;

const list = (v: unknown): Props[] =>
  Array.isArray(v) ? (v as Props[]).filter((x) => !!x && typeof x === "object") : [];
const str = (v: unknown): string[] => (typeof v === "string" && v !== "" ? [v] : []);
const obj = (v: unknown): Props => (v && typeof v === "object" && !Array.isArray(v) ? (v as Props) : {});
const ruleIds = (rules: unknown): string[] => list(rules).flatMap((r) => str(r.id));

/** App Service access restrictions name subnets in `vnetSubnetResourceId`, in both the site and the scm lists. */
const restrictions = (config: Props): string[] =>
  ["ipSecurityRestrictions", "scmIpSecurityRestrictions"].flatMap((k) =>
    list(config[k]).flatMap((r) => str(r.vnetSubnetResourceId)),
  );

/** Per lower-cased type: the subnet ids a resource body's VNet rules name. */
const EXTRACTORS: Record<string, (p: Props) => string[]> = {
  [T.storageAccount.toLowerCase()]: (p) => ruleIds(obj(p.networkAcls).virtualNetworkRules),
  [T.keyVault.toLowerCase()]: (p) => ruleIds(obj(p.networkAcls).virtualNetworkRules),
  [T.cognitiveServicesAccount.toLowerCase()]: (p) => ruleIds(obj(p.networkAcls).virtualNetworkRules),
  [T.cosmosDbAccount.toLowerCase()]: (p) => ruleIds(p.virtualNetworkRules),
  [T.containerRegistry.toLowerCase()]: (p) => ruleIds(obj(p.networkRuleSet).virtualNetworkRules),
  [T.dataLakeStoreAccount.toLowerCase()]: (p) =>
    list(p.virtualNetworkRules).flatMap((r) => str(obj(r.properties).subnetId)),
  [`${T.serviceBusNamespace}/networkRuleSets`.toLowerCase()]: (p) =>
    list(p.virtualNetworkRules).flatMap((r) => str(obj(r.subnet).id)),
  [`${T.eventHubNamespace}/networkRuleSets`.toLowerCase()]: (p) =>
    list(p.virtualNetworkRules).flatMap((r) => str(obj(r.subnet).id)),
  [T.webSite.toLowerCase()]: (p) => restrictions(obj(p.siteConfig)),
  [T.webSiteConfig.toLowerCase()]: (p) => restrictions(p),
  ...Object.fromEntries(
    [T.sqlServer, T.postgreSqlServer, T.mySqlServer, T.mariaDbServer].map((t) => [
      `${t}/virtualNetworkRules`.toLowerCase(),
      (p: Props) => str(p.virtualNetworkSubnetId),
    ]),
  ),
};

/** Whether ARM checks the linked subnets of this type's writes at all. */
export function hasLinkedSubnets(type: string): boolean {
  return type.toLowerCase() in EXTRACTORS;
}

/** The subnets a resource of `type` names in its VNet rules, each once (first spelling kept). */
export function linkedSubnets(type: string, resource: ArmResource | undefined): string[] {
  const extract = EXTRACTORS[type.toLowerCase()];
  if (!extract || !resource) return [];
  const seen = new Map<string, string>();
  for (const id of extract(obj(resource.properties))) if (!seen.has(idKey(id))) seen.set(idKey(id), id);
  return [...seen.values()];
}

/**
 * Types whose every update re-checks all the subnets they name, not only the added ones: Cosmos DB once the
 * account has VNet rules (issue 8, from [S16]; [INF] the exact trigger).
 */
export function rechecksEveryUpdate(type: string): boolean {
  return type.toLowerCase() === T.cosmosDbAccount.toLowerCase();
}
