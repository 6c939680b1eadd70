// What the Azure Virtual Network Manager types share: their type names, the name rule of their specs, reading
// a request's `properties`, and the network manager's scope, which bounds what its verifier may analyse.
// Shapes: Microsoft.Network stable/2024-07-01 (and 2025-05-01) networkManager.json and networkVerifier.json.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { Estate } from "../../../model/estate.js";
import { parseResourceId } from "../../../model/resourceId.js";
import { field, type JsonObject, oneOf } from "../diagnostics/requests.js";

const WORKSPACE = "Microsoft.Network/networkManagers/verifierWorkspaces";

export const VerifierTypes = {
  networkManager: "Microsoft.Network/networkManagers",
  workspace: WORKSPACE,
  intent: `${WORKSPACE}/reachabilityAnalysisIntents`,
  run: `${WORKSPACE}/reachabilityAnalysisRuns`,
} as const;

/** networkManager.json / networkVerifier.json: the path pattern of every name (1-64 characters). */
const NAME = /^[0-9a-zA-Z]([0-9a-zA-Z_.-]{0,62}[0-9a-zA-Z_])?$/;

export function checkVerifierName(r: ArmResource): void {
  if (NAME.test(r.name)) return;
  throw new VnetlabError(
    "InvalidResourceName",
    `Resource name ${r.name} is invalid. The name can be up to 64 characters long. It must begin with a letter or number, end with a letter, number or '_', and may contain letters, numbers, '.', '-' and '_'.`,
  );
}

/** The request's `properties` object (an absent one is empty); anything else is refused. */
export function requestProperties(r: { properties?: unknown }): JsonObject {
  const p = r.properties;
  if (p === undefined || p === null) return {};
  if (typeof p !== "object" || Array.isArray(p))
    throw invalid("properties must be a JSON object.", "properties");
  return p as JsonObject;
}

export function invalid(message: string, target: string): VnetlabError {
  return new VnetlabError("InvalidRequestFormat", message, { target });
}

function arrayField(o: JsonObject, name: string, path: string, required: boolean): unknown[] | undefined {
  const v = field(o, name);
  if (v === undefined || v === null) {
    if (required) throw invalid(`The required property ${path} is missing.`, path);
    return undefined;
  }
  if (!Array.isArray(v)) throw invalid(`${path} must be an array.`, path);
  return v;
}

/** Refuses the first item `ok` rejects, naming it by index. */
export function checkEach(items: string[], path: string, ok: (s: string) => boolean, expected: string): void {
  items.forEach((s, i) => {
    if (!ok(s)) throw invalid(`${path}[${i}] '${s}' is not valid; expected ${expected}.`, `${path}[${i}]`);
  });
}

/** An array of strings, trimmed; absent is empty unless required. */
export function stringList(o: JsonObject, name: string, path: string, required = false): string[] {
  const v = arrayField(o, name, path, required) ?? [];
  if (v.some((x) => typeof x !== "string")) throw invalid(`${path} must be an array of strings.`, path);
  return (v as string[]).map((x) => x.trim());
}

/** An array of values from a closed set (case-insensitive, answered in canonical spelling); undefined when absent. */
export function enumList<T extends string>(
  o: JsonObject,
  name: string,
  path: string,
  allowed: readonly T[],
  required = false,
): T[] | undefined {
  return arrayField(o, name, path, required)?.map((x, i) => oneOf({ x }, "x", `${path}[${i}]`, allowed));
}

/** ARM's refusal of a property that must be a fully qualified resource id (the specs' `format: arm-id`). */
export function checkArmId(id: string, path: string): void {
  if (parseResourceId(id)?.type.includes("/")) return;
  throw new VnetlabError(
    "LinkedInvalidPropertyId",
    `Property id '${id}' at path '${path}' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.`,
    { target: path },
  );
}

export interface NetworkManagerScopes {
  managementGroups: string[];
  subscriptions: string[];
  crossTenantScopes?: unknown[];
}

/** The network manager a verifier resource belongs to. */
export function networkManagerIdOf(id: string): string {
  return /^.*?\/providers\/Microsoft\.Network\/networkManagers\/[^/]+/i.exec(id)?.[0] ?? id;
}

/**
 * A verifier analyses what lies within its network manager's scope [concept-virtual-network-verifier]. vnetlab
 * does not know which subscriptions a management group holds, so a management-group scope covers every
 * subscription [INF]; a subscription scope covers that subscription's resources.
 */
export function checkInScope(estate: Estate, ownerId: string, resourceId: string, path: string): void {
  const managerId = networkManagerIdOf(ownerId);
  const manager = estate.get<{ networkManagerScopes?: NetworkManagerScopes }>(managerId);
  const scopes = manager?.properties?.networkManagerScopes;
  if (!scopes || (scopes.managementGroups ?? []).length > 0) return;
  const sub = parseResourceId(resourceId)?.subscriptionId.toLowerCase();
  if ((scopes.subscriptions ?? []).some((s) => s.split("/").pop()?.toLowerCase() === sub)) return;
  throw invalid(
    `Resource ${resourceId} is outside the scope of network manager ${manager.name} (subscriptions: ${(scopes.subscriptions ?? []).join(", ") || "none"}).`,
    path,
  );
}
