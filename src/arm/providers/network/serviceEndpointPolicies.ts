// Microsoft.Network/serviceEndpointPolicies with inline serviceEndpointPolicyDefinitions (§5): service
// Microsoft.Storage or Global, valid scopes and aliases, description ≤ 140, 200 resources per definition; the
// `subnets` back-reference; no delete while a subnet uses the policy.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import {
  NetworkTypes as N,
  type ServiceEndpointPolicyDefinitionProperties,
} from "../../../model/resources/network.js";
import { parseResourceId } from "../../../model/resourceId.js";
import { serviceEndpointPolicyAliases } from "../../../model/serviceCatalog.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { checkName, keepGuid, normaliseLocation, propsOf, succeeded } from "../common.js";
import { subnetsWithPolicy } from "./backReferences.js";
import { checkCount, listOf, refuseInUse } from "./references.js";
import { subnetHasStorageEndpoint, storageEndpointMissing } from "./subnetReferences.js";

/** §5 S8 [S2]. */
export const MAX_RESOURCES_PER_DEFINITION = 200;
export const MAX_DESCRIPTION = 140;
export const MAX_POLICIES_PER_SUBSCRIPTION = 500;

/** `/subscriptions/{id}`, `/subscriptions/{id}/resourceGroups/{rg}` or a storage account id (§5 S2). */
function validStorageScope(text: string): boolean {
  if (
    /^\/subscriptions\/[^/]+\/?$/i.test(text) ||
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/?$/i.test(text)
  )
    return true;
  const parts = parseResourceId(text);
  return parts?.type.toLowerCase() === "microsoft.storage/storageaccounts";
}

export const serviceEndpointPolicyDefinitions: ResourceTypeDef = {
  type: N.serviceEndpointPolicyDefinition,
  inline: { property: "serviceEndpointPolicyDefinitions" },
  location: "none",
  asyncWrites: true,
  prepare(r) {
    checkName(r);
    const p = propsOf(r) as ServiceEndpointPolicyDefinitionProperties;
    const service = typeof p.service === "string" ? p.service : "";
    const known = ["Microsoft.Storage", "Global"].find((s) => s.toLowerCase() === service.toLowerCase());
    if (!known) {
      // [INF] code, named like InvalidServiceNameOnServiceEndpoint; §5 S1/S3 [S2].
      throw new VnetlabError(
        "InvalidServiceNameOnServiceEndpointPolicyDefinition",
        `Service endpoint policy definition ${r.id} has an invalid service '${service}'. Valid services are 'Microsoft.Storage' and 'Global'.`,
        { target: r.id },
      );
    }
    p.service = known;
    if (typeof p.description === "string" && p.description.length > MAX_DESCRIPTION) {
      // [INF] code; the 140-character limit is the REST spec's ("Restricted to 140 chars").
      throw new VnetlabError(
        "ServiceEndpointPolicyDefinitionDescriptionTooLong",
        `The description of service endpoint policy definition ${r.id} is ${p.description.length} characters long. It is restricted to ${MAX_DESCRIPTION} characters.`,
        { target: r.id },
      );
    }
    const resources = listOf<unknown>(p.serviceResources);
    if (resources.length > MAX_RESOURCES_PER_DEFINITION) {
      // [INF] code; limit §5 S8 [S2].
      throw new VnetlabError(
        "ServiceResourcesLimitReachedOnServiceEndpointPolicyDefinition",
        `Service endpoint policy definition ${r.id} lists ${resources.length} service resources. At most ${MAX_RESOURCES_PER_DEFINITION} are allowed.`,
        { target: r.id },
      );
    }
    const aliases = serviceEndpointPolicyAliases().map((a) => a.toLowerCase());
    for (const x of resources) {
      const text = typeof x === "string" ? x : "";
      const ok =
        known === "Global"
          ? aliases.includes(text.toLowerCase().replace(/\/$/, ""))
          : validStorageScope(text);
      if (!ok) {
        // [INF] code; §5 S2 (scopes) and S3 (aliases) [S2][S29].
        throw new VnetlabError(
          "InvalidServiceResourceOnServiceEndpointPolicyDefinition",
          known === "Global"
            ? `Service resource '${String(x)}' of service endpoint policy definition ${r.id} is not a known service alias. Aliases are listed by availableServiceAliases.`
            : `Service resource '${String(x)}' of service endpoint policy definition ${r.id} must be a subscription, a resource group or a storage account id.`,
          { target: r.id },
        );
      }
    }
    p.serviceResources = resources as string[];
    return succeeded(r);
  },
};

export const serviceEndpointPolicies: ResourceTypeDef = {
  type: N.serviceEndpointPolicy,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    normaliseLocation(r, ctx);
    const p = propsOf(r);
    p.serviceEndpointPolicyDefinitions = listOf(p.serviceEndpointPolicyDefinitions);
    delete p.subnets; // read-only, computed on read
    keepGuid(r, ctx);
    return succeeded(r);
  },
  validate(r, ctx) {
    // [INF] code (see checkCount); limit §5 S8 [S2].
    checkCount(r, ctx, {
      code: "ServiceEndpointPolicyCountLimitReached",
      max: MAX_POLICIES_PER_SUBSCRIPTION,
      noun: "service endpoint policies",
      perRegion: false,
    });
    // A policy that gains definitions while attached to a subnet without the storage endpoint fails like the
    // attach itself would (§5 S6) [INF].
    if (listOf<ArmResource>(propsOf(r).serviceEndpointPolicyDefinitions).length === 0) return;
    const estate = ctx.before();
    for (const s of subnetsWithPolicy(estate, r.id)) {
      const subnet = estate.get(s.id);
      if (subnet && !subnetHasStorageEndpoint(subnet)) throw storageEndpointMissing(s.id, r.id);
    }
  },
  checkDelete(r, estate) {
    // [OBS] code and message quoted in public Databricks deployment troubleshooting notes.
    refuseInUse(
      "ServiceEndpointPolicyCannotBeDeletedIfReferencedBySubnet",
      subnetsWithPolicy(estate, r.id),
      (ids) =>
        `Service Endpoint Policy ${r.id} cannot be deleted because it is in use with subnet(s): ${ids}.`,
      r.id,
    );
  },
  present(r, estate) {
    const subnets = subnetsWithPolicy(estate, r.id);
    if (subnets.length) propsOf(r).subnets = subnets;
    return r;
  },
};
