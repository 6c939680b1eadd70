// Microsoft.Authorization roleDefinitions under `serve --auth`: Azure's built-in roles (read-only) and custom role
// definitions, created, updated, read and deleted at subscription, resource group or resource scope
// [azure-rest-api-specs authorization/…/stable/2022-04-01 authorization-RoleDefinitionsCalls.json and its
// examples; learn.microsoft.com/azure/role-based-access-control/custom-roles, custom-roles-rest,
// role-definitions]. What ARM answered to each refusal comes from azure-sdk-for-net's recorded sessions
// (src/ResourceManagement/Authorization/Authorization.Tests/SessionRecords/…/RoleDefinitionCreateTests.json and
// RoleDefinitionUpdateTests.json) [OBS]; the rest is marked [INF].
import { randomUUID } from "node:crypto";
import type { ArmResource } from "../../model/arm.js";
import { VnetlabError } from "../../model/errors.js";
import { parseResourceId } from "../../model/resourceId.js";
import { StorePreconditionFailed } from "../../store/types.js";
import type { ArmState } from "../armState.js";
import type { ArmReply } from "../server.js";
import { roleDefinitionIdAt } from "./assignments.js";
import type { ArmAuth } from "./auth.js";
import type { AuthorizationPath } from "./authorizationApi.js";
import type { Caller } from "./caller.js";
import { isGuid } from "./principals.js";
import { authorizationFailed, type RoleAssignmentProperties, scopeCovers } from "./rbac.js";
import {
  customRoleStoreId,
  type CustomRoleProperties,
  isCustomRole,
  ROLE_DEFINITION_TYPE,
  roleGuid,
} from "./roleCatalogue.js";
import { BUILT_IN_ROLES, type Permission, type RoleDefinition } from "./roles.js";

/** [OBS azure-cli #21961] */
export const noSuchRole = (id: string): VnetlabError =>
  new VnetlabError(
    "RoleDefinitionDoesNotExist",
    `The specified role definition with ID '${id}' does not exist.`,
  );

/**
 * A role definition as ARM answers it: the id below the subscription of the request's scope whatever scope it was
 * written at (the session records answer a resource group PUT with `/subscriptions/{s}/providers/…`), and a
 * custom role's properties with createdOn/updatedOn/createdBy/updatedBy.
 */
export function definitionBody(role: RoleDefinition, scope: string): object {
  const properties = isCustomRole(role)
    ? role.resource.properties
    : {
        roleName: role.roleName,
        type: "BuiltInRole",
        description: role.description,
        assignableScopes: ["/"],
        permissions: role.permissions,
      };
  return { properties, id: roleDefinitionIdAt(scope, role), type: ROLE_DEFINITION_TYPE, name: role.name };
}

/** `roleName eq '…'` (az role definition list --name; OData doubles a quote), `type eq '…'`, `atScopeAndBelow()`. */
function parseFilter(filter: string): { roleName?: string; type?: string; below: boolean } {
  const quoted = (key: string): string | undefined =>
    new RegExp(`\\b${key}\\s+eq\\s+'((?:[^']|'')*)'`, "i")
      .exec(filter)?.[1]
      ?.replace(/''/g, "'")
      .toLowerCase();
  return { roleName: quoted("roleName"), type: quoted("type"), below: /atScopeAndBelow\(\)/i.test(filter) };
}

async function tenantOf(caller: Caller, state: ArmState, scope: string): Promise<string> {
  return scope === "" ? caller.tenantId : (await state.snapshot()).estate().tenantOf(scope).toLowerCase();
}

async function getDefinitions(
  auth: ArmAuth,
  tenant: string,
  p: AuthorizationPath,
  query: Record<string, string>,
): Promise<ArmReply> {
  const { roles } = await auth.assignments();
  if (p.name) {
    const role = roles.get(p.name);
    // A custom role asked for where it is not assignable (or of another directory) does not exist there [INF].
    if (!role || !roles.visibleAt(role, p.scope, tenant)) throw noSuchRole(p.name);
    return { status: 200, body: definitionBody(role, p.scope) };
  }
  const f = parseFilter(query.$filter ?? "");
  const listed = [...BUILT_IN_ROLES, ...roles.customRoles()].filter(
    (r) =>
      (roles.visibleAt(r, p.scope, tenant) || (f.below && roles.visibleBelow(r, p.scope, tenant))) &&
      (f.roleName === undefined || r.roleName.toLowerCase() === f.roleName) &&
      (f.type === undefined || (isCustomRole(r) ? "customrole" : "builtinrole") === f.type),
  );
  return { status: 200, body: { value: listed.map((r) => definitionBody(r, p.scope)) } };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const invalidContent = (what: string): VnetlabError =>
  new VnetlabError("InvalidRequestContent", `The request content was invalid: ${what}`); // [INF] after ARM's wording

interface CustomRoleInput {
  roleName: string;
  description: string | null;
  permissions: Permission[];
  assignableScopes: string[];
}

function permissionOf(x: unknown, i: number): Permission {
  if (!isObject(x)) throw invalidContent(`properties.permissions[${i}] must be an object.`);
  const list = (key: keyof Permission): string[] => {
    const v = x[key];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v) && v.every((s) => typeof s === "string")) return [...(v as string[])];
    throw invalidContent(`properties.permissions[${i}].${key} must be an array of strings.`);
  };
  return {
    actions: list("actions"),
    notActions: list("notActions"),
    dataActions: list("dataActions"),
    notDataActions: list("notDataActions"),
  };
}

/**
 * Assignable scopes: at least one, none empty [OBS MissingAssignableScopes]; never the root scope, which only
 * built-in roles have [custom-roles: "cannot be set to the root scope"]; each a subscription, resource group or
 * resource id [OBS LinkedInvalidPropertyId for 'Invalid_Scope']. ARM took `subscriptions/…` without the leading
 * slash (RoleDefinitionUpdateTests); vnetlab keeps it with one. Management groups are not modelled.
 */
function assignableScopesOf(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((s) => typeof s !== "string" || s.trim() === "")) {
    throw new VnetlabError(
      "MissingAssignableScopes",
      "A role definition must have at least one assignable scope and all assignable scopes must be neither null nor empty.",
    );
  }
  return (raw as string[]).map((s, i) => {
    const given = s.trim();
    if (/^\/+$/.test(given)) {
      throw new VnetlabError(
        "InvalidAssignableScope",
        `The assignable scope '/' at path 'properties.assignableScopes[${i}]' is not valid: only built-in roles are assignable at the root scope.`,
      ); // [INF]
    }
    const scope = (/^subscriptions\//i.test(given) ? `/${given}` : given).replace(/\/+$/, "");
    if (!parseResourceId(scope)) {
      throw new VnetlabError(
        "LinkedInvalidPropertyId",
        `Property id '${s}' at path 'properties.assignableScopes[${i}]' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}'.`,
      );
    }
    return scope;
  });
}

/** The body of a PUT, checked in full before anything is written. */
function customRoleInput(guid: string, body: unknown): CustomRoleInput {
  const props = isObject(body) && isObject(body.properties) ? body.properties : undefined;
  if (!props) throw invalidContent("properties is required.");
  if (typeof props.roleName !== "string" || props.roleName.trim() === "") {
    throw new VnetlabError(
      "RoleDefinitionNameNullOrEmpty",
      "A role definition must have a non-empty, unique name.",
    );
  }
  if (props.type !== undefined && props.type !== null && String(props.type).toLowerCase() !== "customrole") {
    throw new VnetlabError(
      "InvalidRoleDefinitionType",
      `The role definition '${guid}' request is not valid. The Role definition type value '${String(props.type)}' is not supported. The supported values are 'CustomRole'.`,
    );
  }
  if (
    props.description !== undefined &&
    props.description !== null &&
    typeof props.description !== "string"
  ) {
    throw invalidContent("properties.description must be a string.");
  }
  // [INF] ARM's own check of a missing list is not on record (its tests left an empty list unblocked).
  if (!Array.isArray(props.permissions)) {
    throw invalidContent(
      "properties.permissions is required: a list of { actions, notActions, dataActions, notDataActions }.",
    );
  }
  return {
    roleName: props.roleName.trim(),
    description: (props.description as string | null | undefined) ?? null,
    permissions: props.permissions.map(permissionOf),
    assignableScopes: assignableScopesOf(props.assignableScopes),
  };
}

/** Re-runs a read-check-write when another writer changed the role in between (optimistic concurrency). */
async function retrying<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof StorePreconditionFailed) || i >= 2) throw e;
    }
  }
}

/** The caller needs `action` at every one of `scopes` [custom-roles-rest: "on all the assignableScopes"]. */
function requireAtEvery(caller: Caller, action: string, scopes: readonly string[]): void {
  for (const scope of scopes) {
    if (!caller.permissions.allows(caller.objectId, action, scope))
      throw authorizationFailed(caller.objectId, action, scope);
  }
}

async function putDefinition(
  auth: ArmAuth,
  caller: Caller,
  state: ArmState,
  tenant: string,
  p: AuthorizationPath,
  body: unknown,
): Promise<ArmReply> {
  const guid = p.name!.toLowerCase();
  if (!isGuid(guid)) {
    throw new VnetlabError(
      "InvalidRoleDefinitionId",
      `The role definition ID '${p.name!}' is not valid. The role definition ID must be a GUID.`,
    ); // [INF] after InvalidRoleAssignmentId
  }
  if (BUILT_IN_ROLES.some((r) => r.name === guid)) {
    throw new VnetlabError(
      "RoleDefinitionExists",
      "The role definition ID is already in use by a built-in role.",
    );
  }
  const input = customRoleInput(guid, body);
  // A role belongs to one directory: every assignable scope must be in it [INF: role-definitions#assignablescopes
  // lists scopes "in the same Microsoft Entra tenant"].
  const estate = (await state.snapshot()).estate();
  const foreign = input.assignableScopes.find((s) => estate.tenantOf(s).toLowerCase() !== tenant);
  if (foreign) {
    throw new VnetlabError(
      "InvalidAssignableScope",
      `The assignable scope '${foreign}' is in another directory than the role definition.`,
    ); // [INF]
  }
  return retrying(async () => {
    const { roles, assignments } = await auth.assignments();
    const existing = roles.customRole(guid);
    if (existing && existing.tenantId !== tenant) {
      // GUIDs are one namespace in vnetlab; another directory's role keeps its own [INF].
      throw new VnetlabError("RoleDefinitionExists", "The role definition ID is already in use.");
    }
    // An update needs the right at the scopes the role leaves as well as those it gains [INF: the docs ask for
    // it "on all the AssignableScopes of the custom role"; otherwise a role could be taken over by re-scoping].
    requireAtEvery(caller, "Microsoft.Authorization/roleDefinitions/write", [
      ...input.assignableScopes,
      ...(existing?.assignableScopes ?? []),
    ]);
    // Narrowing may not strand an assignment: ARM refuses [OBS Azure/bicep#17145, RoleScopeBeingRemovedContainsAssignments].
    if (existing) {
      const stranded = assignments.find((a) => {
        const x = a.properties as RoleAssignmentProperties;
        return (
          roleGuid(x.roleDefinitionId) === guid &&
          !input.assignableScopes.some((s) => scopeCovers(s, x.scope))
        );
      });
      if (stranded) {
        const scope = (stranded.properties as RoleAssignmentProperties).scope;
        const removed = existing.assignableScopes.find((s) => scopeCovers(s, scope)) ?? scope;
        throw new VnetlabError(
          "RoleScopeBeingRemovedContainsAssignments",
          `Role assignments found under scope '${removed}' which is being removed from the assignable scopes of role '${guid}'. Remove the role assignments first.`,
        ); // the message's tail [INF]
      }
    }
    // Role names are unique in the directory, built-in roles included [custom-roles: "must be unique at the scope
    // of the directory"]; the message is the one public error output quotes [OBS Kong docs].
    const name = input.roleName.toLowerCase();
    const taken = [...BUILT_IN_ROLES, ...roles.customRoles()].some(
      (r) =>
        r.roleName.toLowerCase() === name && (!isCustomRole(r) || (r.tenantId === tenant && r.name !== guid)),
    );
    if (taken) {
      throw new VnetlabError(
        "RoleDefinitionWithSameNameExists",
        "A custom role with the same name already exists in this directory.",
      );
    }
    const nowIso = new Date(auth.now()).toISOString();
    const prior = existing?.resource.properties;
    const resource: ArmResource<CustomRoleProperties> = {
      id: customRoleStoreId(guid),
      name: guid,
      type: ROLE_DEFINITION_TYPE,
      tenantId: tenant,
      properties: {
        roleName: input.roleName,
        type: "CustomRole",
        description: input.description,
        assignableScopes: input.assignableScopes,
        permissions: input.permissions,
        createdOn: prior?.createdOn ?? nowIso,
        updatedOn: nowIso,
        createdBy: prior?.createdBy ?? caller.objectId,
        updatedBy: caller.objectId,
      },
    };
    await auth.store.apply(
      [{ kind: "put", resource, etag: randomUUID() }],
      [{ id: resource.id, etag: existing?.resource.etag ?? null }],
    );
    // 201 for an update too: ARM answered the update of RoleDefinitionUpdateTests with 201, and the 2022-04-01
    // spec lists only 201 (the SDKs refuse any other success status).
    return {
      status: 201,
      body: {
        properties: resource.properties,
        id: roleDefinitionIdAt(p.scope, { name: guid }),
        type: ROLE_DEFINITION_TYPE,
        name: guid,
      },
    };
  });
}

async function deleteDefinition(
  auth: ArmAuth,
  caller: Caller,
  tenant: string,
  p: AuthorizationPath,
): Promise<ArmReply> {
  const guid = roleGuid(p.name!);
  if (BUILT_IN_ROLES.some((r) => r.name === guid)) {
    throw new VnetlabError(
      "RoleDefinitionExists",
      "The role definition ID is in use by a built-in role, which cannot be deleted.",
    ); // [INF]
  }
  return retrying(async () => {
    const { roles, assignments } = await auth.assignments();
    const role = roles.customRole(guid);
    // The spec's 204: "Role definition already deleted or does not exist" (here: at this scope) [INF].
    if (!role || !roles.visibleAt(role, p.scope, tenant)) return { status: 204 };
    requireAtEvery(caller, "Microsoft.Authorization/roleDefinitions/delete", role.assignableScopes);
    const used = assignments.some(
      (a) => roleGuid((a.properties as RoleAssignmentProperties).roleDefinitionId) === guid,
    );
    // [docs troubleshooting: "There are existing role assignments referencing role (code: RoleDefinitionHasAssignments)"]
    if (used)
      throw new VnetlabError(
        "RoleDefinitionHasAssignments",
        "There are existing role assignments referencing role",
      );
    await auth.store.apply(
      [{ kind: "delete", id: role.resource.id }],
      [{ id: role.resource.id, etag: role.resource.etag! }],
    );
    return { status: 200, body: definitionBody(role, p.scope) };
  });
}

/** A roleDefinitions request whose own action at its URL scope the caller holds. */
export async function roleDefinitionRequest(
  auth: ArmAuth,
  caller: Caller,
  state: ArmState,
  req: { verb: string; path: AuthorizationPath; query: Record<string, string>; body: unknown },
): Promise<ArmReply> {
  const { path: p, verb } = req;
  const tenant = await tenantOf(caller, state, p.scope);
  if (verb === "write") return putDefinition(auth, caller, state, tenant, p, req.body);
  if (verb === "delete") return deleteDefinition(auth, caller, tenant, p);
  return getDefinitions(auth, tenant, p, req.query);
}
