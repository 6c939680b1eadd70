// Service endpoint policies [S2]: an allow-list of storage accounts for SE-routed traffic from a subnet.
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import { idKey } from "../model/resourceId.js";
import type {
  ServiceEndpointPolicyDefinitionProperties,
  ServiceEndpointPolicyProperties,
  SubnetProperties,
} from "../model/resources/network.js";
import { ServiceTypes } from "../model/resources/services.js";

export type PolicyResult =
  | { outcome: "none" }
  | { outcome: "pass" | "block"; policyIds: string[]; definition?: string; reason: string };

/** The policies' resource scopes, by `/subscriptions/x`, `/subscriptions/x/resourceGroups/y` or account id. */
function scopeCovers(scope: string, resourceId: string): boolean {
  const s = idKey(scope);
  const r = idKey(resourceId);
  return r === s || r.startsWith(`${s}/`);
}

export function evaluateServiceEndpointPolicies(
  estate: Estate,
  subnet: ArmResource<SubnetProperties>,
  target: ArmResource,
): PolicyResult {
  const refs = subnet.properties?.serviceEndpointPolicies ?? [];
  // [S2] S1: policies filter only Azure Storage; other services' SE traffic is never filtered.
  if (refs.length === 0 || target.type.toLowerCase() !== ServiceTypes.storageAccount.toLowerCase()) {
    return { outcome: "none" };
  }
  const policyIds = refs.map((r) => r.id);
  let specific = 0;
  for (const ref of refs) {
    const policy = estate.get<ServiceEndpointPolicyProperties>(ref.id);
    const defs = (policy?.properties?.serviceEndpointPolicyDefinitions ??
      []) as ArmResource<ServiceEndpointPolicyDefinitionProperties>[];
    for (const def of defs) {
      if ((def.properties?.service ?? "").toLowerCase() !== "microsoft.storage") continue; // "Global" = aliases
      for (const scope of def.properties?.serviceResources ?? []) {
        specific++;
        if (scopeCovers(scope, target.id)) {
          return {
            outcome: "pass",
            policyIds,
            definition: def.id,
            reason: `${scope} is listed in service endpoint policy definition ${def.name}`,
          };
        }
      }
    }
  }
  // [S2] S4: a policy with only aliases is not effective unless a specific storage account is also listed.
  if (specific === 0) {
    return {
      outcome: "pass",
      policyIds,
      reason:
        "the attached policies list only service aliases, which are not effective without a storage account",
    };
  }
  return {
    outcome: "block",
    policyIds,
    reason: `storage account ${target.name} is not listed in the service endpoint policies attached to subnet ${subnet.name}`,
  };
}
