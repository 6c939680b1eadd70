// The service firewalls behind one interface: look one up by resource type, or evaluate a request against
// whichever firewall guards a resource.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { appServiceFirewall } from "./appService.js";
import { cognitiveServicesFirewall } from "./cognitiveServices.js";
import { containerRegistryFirewall } from "./containerRegistry.js";
import { cosmosDbFirewall } from "./cosmosDb.js";
import { dataLakeStoreFirewall } from "./dataLakeStore.js";
import { keyVaultFirewall } from "./keyVault.js";
import { eventHubsFirewall, serviceBusFirewall } from "./messaging.js";
import { mariaDbFirewall, mySqlFirewall, postgreSqlFirewall, sqlFirewall } from "./sql.js";
import { storageFirewall } from "./storage.js";
import type { FirewallRequest, FirewallResult, ServiceFirewall } from "./types.js";

export { buildDenial, type Denial, type DenialId, type DenialInput, denials } from "./denials.js";
export type * from "./types.js";

export const firewalls: readonly ServiceFirewall[] = [
  storageFirewall,
  sqlFirewall,
  postgreSqlFirewall,
  mySqlFirewall,
  mariaDbFirewall,
  keyVaultFirewall,
  cosmosDbFirewall,
  serviceBusFirewall,
  eventHubsFirewall,
  appServiceFirewall,
  cognitiveServicesFirewall,
  containerRegistryFirewall,
  dataLakeStoreFirewall,
];

const byType = new Map<string, ServiceFirewall>();
for (const f of firewalls) for (const t of f.resourceTypes) byType.set(t.toLowerCase(), f);
/** The same by the type as ARM spells it: estates mostly do, and then no lower-cased copy is needed. */
const byExactType = new Map<string, ServiceFirewall>();
for (const f of firewalls) for (const t of f.resourceTypes) byExactType.set(t, f);

/** Every resource type with a modelled firewall, as ARM spells it. */
export const supportedResourceTypes: readonly string[] = firewalls.flatMap((f) => f.resourceTypes);

/** The firewall guarding a resource type (case-insensitive), or undefined when vnetlab models none. */
export function firewallFor(resourceType: string): ServiceFirewall | undefined {
  return byExactType.get(resourceType) ?? byType.get(resourceType.toLowerCase());
}

/** Evaluates a request against the resource's firewall; a type without a modelled firewall is allowed, and says so. */
export function evaluateFirewall(
  resource: ArmResource,
  request: FirewallRequest,
  estate: Estate,
): FirewallResult {
  return evaluateWith(firewallFor(resource.type), resource, request, estate);
}

/** `evaluateFirewall` with the resource's firewall (`firewallFor` its type) already at hand. */
export function evaluateWith(
  firewall: ServiceFirewall | undefined,
  resource: ArmResource,
  request: FirewallRequest,
  estate: Estate,
): FirewallResult {
  if (firewall) return firewall.evaluate(resource, request, estate);
  return {
    decision: "Allow",
    rule: "(no firewall model)",
    reason: `vnetlab does not model the firewall of ${resource.type}, so the request is assumed to be accepted.`,
  };
}
