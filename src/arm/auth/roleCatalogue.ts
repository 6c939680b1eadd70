// The roles a server knows: Azure's built-in roles (roles.ts) and the custom role definitions created through
// Microsoft.Authorization (kept in the authorization store beside the role assignments). A custom role belongs
// to the directory (tenant) of the scope it was created at, and "is available for assignment" at its assignable
// scopes and below [learn.microsoft.com/azure/role-based-access-control/role-definitions#assignablescopes].
import type { ArmResource } from "../../model/arm.js";
import { scopeCovers } from "./rbac.js";
import { BUILT_IN_ROLES, type Permission, type RoleDefinition } from "./roles.js";

export const ROLE_DEFINITION_TYPE = "Microsoft.Authorization/roleDefinitions";

/** A custom role's properties as ARM answers them (RoleDefinitionCreateTests session record, azure-sdk-for-net). */
export interface CustomRoleProperties {
  roleName: string;
  type: "CustomRole";
  description: string | null;
  assignableScopes: string[];
  permissions: Permission[];
  createdOn: string;
  updatedOn: string;
  createdBy: string;
  updatedBy: string;
}

export interface CustomRole extends RoleDefinition {
  /** The directory the role belongs to: role names are unique within it. */
  tenantId: string;
  assignableScopes: string[];
  /** As stored (with its ETag): what the API answers and what an update replaces. */
  resource: ArmResource<CustomRoleProperties>;
}

/** The GUID of a role definition id (`/subscriptions/{s}/providers/…/roleDefinitions/{guid}`) or of a GUID. */
export const roleGuid = (idOrName: string): string => idOrName.split("/").pop()!.toLowerCase();

/** Where a custom role definition is stored: one per GUID, whichever scope it was written at. */
export const customRoleStoreId = (guid: string): string =>
  `/providers/Microsoft.Authorization/roleDefinitions/${guid.toLowerCase()}`;

export const isCustomRole = (role: RoleDefinition): role is CustomRole => "assignableScopes" in role;

function customRole(r: ArmResource): CustomRole {
  const p = r.properties as CustomRoleProperties;
  return {
    name: r.name.toLowerCase(),
    roleName: p.roleName,
    description: p.description ?? "",
    permissions: p.permissions,
    tenantId: (r.tenantId ?? "").toLowerCase(),
    assignableScopes: p.assignableScopes,
    resource: r as ArmResource<CustomRoleProperties>,
  };
}

export class RoleCatalogue {
  private readonly custom = new Map<string, CustomRole>();

  constructor(definitions: readonly ArmResource[] = []) {
    for (const r of definitions) this.custom.set(r.name.toLowerCase(), customRole(r));
  }

  /** A built-in or custom role by its GUID or by any id ending in it. */
  get(idOrName: string): RoleDefinition | undefined {
    const guid = roleGuid(idOrName);
    return BUILT_IN_ROLES.find((r) => r.name === guid) ?? this.custom.get(guid);
  }

  customRole(idOrName: string): CustomRole | undefined {
    return this.custom.get(roleGuid(idOrName));
  }

  customRoles(): CustomRole[] {
    return [...this.custom.values()];
  }

  /**
   * Whether `role` can be seen and assigned at `scope` of `tenant`: a built-in role everywhere (assignable scope
   * `/`); a custom role in its own directory at or below one of its assignable scopes [INF: the docs' "available
   * for assignment"; the list API answers roles "applicable at scope and above" (the 2022-04-01 REST spec)]. At
   * the tenant scope (`""`) every custom role of the directory is listed, as the docs' "List custom roles"
   * request shows [custom-roles-rest].
   */
  visibleAt(role: RoleDefinition, scope: string, tenant: string): boolean {
    if (!isCustomRole(role)) return true;
    if (role.tenantId !== tenant.toLowerCase()) return false;
    return scope === "" || role.assignableScopes.some((a) => scopeCovers(a, scope));
  }

  /** Whether an assignment at `scope` may use the role: built-ins anywhere, custom roles at and below their scopes. */
  assignableAt(role: RoleDefinition, scope: string): boolean {
    return !isCustomRole(role) || role.assignableScopes.some((a) => scopeCovers(a, scope));
  }

  /** Whether a custom role is assignable somewhere below `scope` (the list API's `atScopeAndBelow()`). */
  visibleBelow(role: RoleDefinition, scope: string, tenant: string): boolean {
    return (
      isCustomRole(role) &&
      role.tenantId === tenant.toLowerCase() &&
      role.assignableScopes.some((a) => scopeCovers(scope, a))
    );
  }
}
