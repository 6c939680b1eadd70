// Role assignments as ARM shapes them (azure-rest-api-specs authorization/…/stable/2022-04-01
// RoleAssignments_CreateForResourceGroup.json; createdOn/createdBy as real responses quote them).
import { createHash } from "node:crypto";
import type { ArmResource } from "../../model/arm.js";
import { parseResourceId } from "../../model/resourceId.js";
import type { RoleDefinition } from "./roles.js";

export const ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments";

export interface NewAssignment {
  scope: string;
  name: string;
  role: RoleDefinition;
  principalId: string;
  principalType?: string;
  description?: string | null;
  /** The principal writing it ("" for the principals file). */
  by: string;
  nowIso: string;
  /** The assignment it replaces, whose creation it keeps. */
  prior?: ArmResource;
}

/** Role definition ids are answered below the subscription of the scope, as ARM does. */
export function roleDefinitionIdAt(scope: string, role: Pick<RoleDefinition, "name">): string {
  const sub = parseResourceId(scope)?.subscriptionId;
  return `${sub ? `/subscriptions/${sub}` : ""}/providers/Microsoft.Authorization/roleDefinitions/${role.name}`;
}

export function assignmentResource(a: NewAssignment): ArmResource {
  const prior = a.prior?.properties as Record<string, unknown> | undefined;
  return {
    id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
    name: a.name,
    type: ROLE_ASSIGNMENT_TYPE,
    properties: {
      roleDefinitionId: roleDefinitionIdAt(a.scope, a.role),
      principalId: a.principalId.toLowerCase(),
      principalType: a.principalType ?? "ServicePrincipal",
      scope: a.scope,
      condition: null,
      conditionVersion: null,
      createdOn: prior?.createdOn ?? a.nowIso,
      updatedOn: a.nowIso,
      createdBy: prior?.createdBy ?? a.by,
      updatedBy: a.by,
      delegatedManagedIdentityResourceId: null,
      description: a.description ?? null,
    },
  };
}

/** A stable GUID for an assignment the principals file makes (so that restarts do not duplicate it). */
export function seededAssignmentName(principalId: string, role: RoleDefinition, scope: string): string {
  const h = createHash("sha256").update(`${principalId}|${role.name}|${scope}`.toLowerCase()).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
