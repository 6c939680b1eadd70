// Microsoft.Network/networkManagers (minimal: the scope and scope accesses, no configurations or commits) and its
// verifierWorkspaces. Shapes: stable/2024-07-01 networkManager.json (NetworkManagerProperties) and
// networkVerifier.json (VerifierWorkspace, VerifierWorkspaceUpdate); both DELETEs are long-running (202 + Location).
import type { ArmResource } from "../../../model/arm.js";
import { cloneJson } from "../../../model/cloneJson.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { keepGuid, normaliseLocation, propsOf, succeeded } from "../common.js";
import { type JsonObject, objectField, optionalString } from "../diagnostics/requests.js";
import {
  checkEach,
  checkVerifierName,
  enumList,
  invalid,
  type NetworkManagerScopes,
  requestProperties,
  stringList,
  VerifierTypes as V,
} from "./common.js";

/** networkManager.json ConfigurationType. */
const CONFIGURATION_TYPES = ["SecurityAdmin", "Connectivity", "SecurityUser", "Routing"] as const;

const SUBSCRIPTION = /^\/subscriptions\/[^/\s]+$/i;
const MANAGEMENT_GROUP = /^\/providers\/Microsoft\.Management\/managementGroups\/[^/\s]+$/i;

function scopesOf(p: JsonObject): NetworkManagerScopes {
  const path = "properties.networkManagerScopes";
  const o = objectField(p, "networkManagerScopes", path);
  if (!o) throw invalid(`The required property ${path} is missing.`, path);
  const managementGroups = stringList(o, "managementGroups", `${path}.managementGroups`);
  const subscriptions = stringList(o, "subscriptions", `${path}.subscriptions`);
  checkEach(
    managementGroups,
    `${path}.managementGroups`,
    (g) => MANAGEMENT_GROUP.test(g),
    "a management group id",
  );
  checkEach(subscriptions, `${path}.subscriptions`, (x) => SUBSCRIPTION.test(x), "a subscription id");
  // [INF] a manager of nothing is refused: the portal requires at least one scope.
  if (managementGroups.length + subscriptions.length === 0)
    throw invalid(`${path} must name at least one subscription or management group.`, path);
  // crossTenantScopes is read-only: vnetlab has no cross-tenant scopes to report.
  return { managementGroups, subscriptions, crossTenantScopes: [] };
}

export const networkManagers: ResourceTypeDef = {
  type: V.networkManager,
  location: "required",
  // For the DELETE: 202 with a Location, as the spec's long-running delete. (The pipeline also puts an
  // Azure-AsyncOperation header on the PUT, already Succeeded; the spec's PUT is synchronous and clients ignore it.)
  asyncWrites: true,
  prepare(r, ctx) {
    checkVerifierName(r);
    normaliseLocation(r, ctx);
    const p = requestProperties(r);
    const description = optionalString(p, "description", "properties.description");
    const accesses = enumList(
      p,
      "networkManagerScopeAccesses",
      "properties.networkManagerScopeAccesses",
      CONFIGURATION_TYPES,
    );
    r.properties = {
      ...(description !== undefined ? { description } : {}),
      networkManagerScopes: scopesOf(p),
      ...(accesses ? { networkManagerScopeAccesses: accesses } : {}),
    };
    keepGuid(r, ctx);
    return succeeded(r);
  },
};

export const verifierWorkspaces: ResourceTypeDef = {
  type: V.workspace,
  location: "required",
  asyncWrites: true, // the DELETE is long-running, as for network managers
  prepare(r, ctx) {
    checkVerifierName(r);
    normaliseLocation(r, ctx);
    const description = optionalString(requestProperties(r), "description", "properties.description");
    r.properties = description !== undefined ? { description } : {};
    return succeeded(r);
  },
  /** VerifierWorkspaceUpdate: tags replace; properties.description (its only property) replaces when given. */
  patch(existing, body) {
    const out: ArmResource = cloneJson(existing);
    if (body.tags !== undefined) out.tags = body.tags;
    const update = requestProperties(body);
    const description = optionalString(update, "description", "properties.description");
    if (description !== undefined) propsOf(out).description = description;
    return out;
  },
};
