// Azure RBAC's evaluation of control-plane actions: a principal may perform an action at a scope when one of
// its role assignments at that scope or above grants it through a role whose Actions match the action and whose
// NotActions do not (NotActions subtract within one role, never across roles; `*` matches any characters,
// case-insensitively) [learn.microsoft.com/azure/role-based-access-control/role-definitions]. And ARM's 403s.
import type { ArmResource } from "../../model/arm.js";
import { VnetlabError } from "../../model/errors.js";
import { idKey } from "../../model/resourceId.js";
import type { RoleCatalogue } from "./roleCatalogue.js";
import type { RoleDefinition } from "./roles.js";

export interface RoleAssignmentProperties {
  roleDefinitionId: string;
  principalId: string;
  principalType?: string;
  scope: string;
}

const patterns = new Map<string, RegExp>();

/** Whether an Actions / NotActions entry (`Microsoft.Network/*`, Reader's `*` + `/read`) matches an action. */
export function actionMatches(pattern: string, action: string): boolean {
  let re = patterns.get(pattern);
  if (!re) {
    const body = pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    re = new RegExp(`^${body}$`, "i");
    patterns.set(pattern, re);
  }
  return re.test(action);
}

export function roleAllows(role: RoleDefinition, action: string): boolean {
  return role.permissions.some(
    (p) =>
      p.actions.some((a) => actionMatches(a, action)) && !p.notActions.some((n) => actionMatches(n, action)),
  );
}

/** Whether an assignment made at `assigned` applies at `scope` (the same scope or one below it). */
export function scopeCovers(assigned: string, scope: string): boolean {
  const a = idKey(assigned);
  const s = idKey(scope);
  return a === "" || s === a || s.startsWith(`${a}/`);
}

/**
 * The role assignments in force when a request arrived, asked "may this principal do this here?". Built-in and
 * custom roles are evaluated alike (role-definitions: a custom role's Actions and NotActions are the same strings);
 * an assignment whose custom role has been deleted grants nothing.
 */
export class Permissions {
  constructor(
    private readonly assignments: readonly ArmResource[],
    private readonly roles: RoleCatalogue,
  ) {}

  allows(principalId: string, action: string, scope: string): boolean {
    const who = principalId.toLowerCase();
    return this.assignments.some((a) => {
      const p = a.properties as RoleAssignmentProperties;
      if (p.principalId.toLowerCase() !== who || !scopeCovers(p.scope, scope)) return false;
      const role = this.roles.get(p.roleDefinitionId);
      // A custom role grants only where it is assignable, whatever assignments outlived a change of its scopes.
      return role !== undefined && this.roles.assignableAt(role, p.scope) && roleAllows(role, action);
    });
  }

  /** The principal holds some role at `scope`, above it or anywhere inside it (what lists a subscription). */
  reaches(principalId: string, scope: string): boolean {
    const who = principalId.toLowerCase();
    return this.assignments.some((a) => {
      const p = a.properties as RoleAssignmentProperties;
      return (
        p.principalId.toLowerCase() === who && (scopeCovers(p.scope, scope) || scopeCovers(scope, p.scope))
      );
    });
  }
}

/** ARM's refusal of a request [the brief's text; OBS Azure/mpf #44 for its shape]. */
export function authorizationFailed(objectId: string, action: string, scope: string): VnetlabError {
  return new VnetlabError(
    "AuthorizationFailed",
    `The client '${objectId}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

/** [OBS cloud-provider-azure #1999, aad-pod-identity #613] Allowed the action, refused on a linked resource. */
export function linkedAuthorizationFailed(
  objectId: string,
  action: string,
  scope: string,
  linkedAction: string,
  linkedScopes: readonly string[],
): VnetlabError {
  return new VnetlabError(
    "LinkedAuthorizationFailed",
    `The client '${objectId}' with object id '${objectId}' has permission to perform action '${action}' on scope '${scope}'; however, it does not have permission to perform action '${linkedAction}' on the linked scope(s) '${linkedScopes.join(",")}' or the linked scope(s) are invalid.`,
  );
}

/**
 * [OBS Azure/OpenShift #41, azure-cli #27299] The linked resource is in another tenant and the request carries
 * no auxiliary token of that tenant (x-ms-authorization-auxiliary).
 */
export function linkedTenantFailed(
  action: string,
  scope: string,
  tenantId: string,
  linkedSubscription: string,
): VnetlabError {
  return new VnetlabError(
    "LinkedAuthorizationFailed",
    `The client has permission to perform action '${action}' on scope '${scope}', however the current tenant '${tenantId}' is not authorized to access linked subscription '${linkedSubscription}'.`,
  );
}
