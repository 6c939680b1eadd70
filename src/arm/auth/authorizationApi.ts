// Microsoft.Authorization under `serve --auth`: roleDefinitions (built-in and custom: roleDefinitions.ts) and
// roleAssignments at any scope — subscription, resource group, resource — with ARM's URL scheme, bodies and errors
// (azure-rest-api-specs authorization/…/stable/2022-04-01 and its examples). Role assignments and custom role
// definitions are extension resources, so they live in the authorization store, not in the estate.
import { randomUUID } from "node:crypto";
import type { ArmResource } from "../../model/arm.js";
import { VnetlabError } from "../../model/errors.js";
import { idKey } from "../../model/resourceId.js";
import { StorePreconditionFailed } from "../../store/types.js";
import { checkApiVersion } from "../apiVersions.js";
import type { ArmState } from "../armState.js";
import type { ArmReply } from "../server.js";
import { assignmentResource } from "./assignments.js";
import type { ArmAuth } from "./auth.js";
import type { Caller } from "./caller.js";
import { isGuid } from "./principals.js";
import { authorizationFailed, type RoleAssignmentProperties, scopeCovers } from "./rbac.js";
import { roleGuid } from "./roleCatalogue.js";
import { noSuchRole, roleDefinitionRequest } from "./roleDefinitions.js";

const NS = "/providers/microsoft.authorization/";

export interface AuthorizationPath {
  /** The scope the path is under: `""` (tenant), `/subscriptions/s`, a resource group or a resource. */
  scope: string;
  kind: "roleAssignments" | "roleDefinitions";
  name?: string;
}

/** `{scope}/providers/Microsoft.Authorization/{roleAssignments|roleDefinitions}[/{name}]`, or undefined. */
export function parseAuthorizationPath(pathname: string): AuthorizationPath | undefined {
  const clean = pathname.replace(/\/+$/, "");
  const at = clean.toLowerCase().lastIndexOf(NS);
  if (at < 0) return undefined;
  const rest = clean
    .slice(at + NS.length)
    .split("/")
    .map(decodeURIComponent);
  const kind = ({ roleassignments: "roleAssignments", roledefinitions: "roleDefinitions" } as const)[
    rest[0]!.toLowerCase() as "roleassignments" | "roledefinitions"
  ];
  if (!kind || rest.length > 2) return undefined;
  return { scope: clean.slice(0, at), kind, ...(rest[1] ? { name: rest[1] } : {}) };
}

const shown = (r: ArmResource): object => {
  const { etag: _e, ...rest } = r;
  return rest;
};

async function putAssignment(
  auth: ArmAuth,
  caller: Caller,
  state: ArmState,
  p: AuthorizationPath,
  body: unknown,
): Promise<ArmReply> {
  const name = p.name!;
  if (!isGuid(name)) {
    throw new VnetlabError(
      "InvalidRoleAssignmentId",
      `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
    ); // [INF]
  }
  const props = ((body as { properties?: unknown } | undefined)?.properties ??
    {}) as Partial<RoleAssignmentProperties>;
  if (typeof props.roleDefinitionId !== "string" || typeof props.principalId !== "string") {
    throw new VnetlabError(
      "InvalidRequestContent",
      "The request content was invalid: properties.roleDefinitionId and properties.principalId are required.",
    );
  }
  const tenant = (await state.snapshot()).estate().tenantOf(p.scope).toLowerCase();
  const { assignments, roles } = await auth.assignments();
  // A custom role is assignable only where it is available: at or below one of its assignable scopes, in its
  // own directory [role-definitions#assignablescopes; the refusal's code and text are INF].
  const role = roles.get(props.roleDefinitionId);
  if (!role || !roles.visibleAt(role, p.scope, tenant)) throw noSuchRole(roleGuid(props.roleDefinitionId));
  const principal = await auth.directory.byObjectId(props.principalId);
  if (!principal && !props.principalType) {
    // [OBS HubAndSpokeResearchEnclave #50]: without principalType ARM looks the principal up in the directory.
    throw new VnetlabError(
      "PrincipalNotFound",
      `Principal ${props.principalId.replace(/-/g, "")} does not exist in the directory ${tenant}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
  }
  const id = `${p.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  const existing = assignments.find((a) => idKey(a.id) === idKey(id));
  const same = (a: ArmResource): boolean => {
    const x = a.properties as RoleAssignmentProperties;
    return (
      idKey(x.scope) === idKey(p.scope) &&
      x.principalId.toLowerCase() === props.principalId!.toLowerCase() &&
      roleGuid(x.roleDefinitionId) === role.name
    );
  };
  if (existing && !same(existing)) {
    // [OBS Enterprise-Scale #1747 and others]
    throw new VnetlabError(
      "RoleAssignmentUpdateNotPermitted",
      "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
    );
  }
  if (!existing && assignments.some(same)) {
    throw new VnetlabError("RoleAssignmentExists", "The role assignment already exists."); // [OBS ansible azure #1137]
  }
  const resource = assignmentResource({
    scope: p.scope,
    name,
    role,
    principalId: props.principalId,
    principalType: props.principalType,
    description: (props as { description?: string }).description,
    by: caller.objectId,
    nowIso: new Date(auth.now()).toISOString(),
    prior: existing,
  });
  try {
    await auth.store.apply(
      [{ kind: "put", resource, etag: randomUUID() }],
      [{ id, etag: existing?.etag ?? null }],
    );
  } catch (e) {
    if (e instanceof StorePreconditionFailed)
      throw new VnetlabError("RoleAssignmentExists", "The role assignment already exists.");
    throw e;
  }
  return { status: existing ? 200 : 201, body: shown(resource) };
}

/** `$filter`: `atScope()` (at or above the scope), `principalId eq '…'` / `assignedTo('…')`; else at, above or below. */
function listAssignments(all: readonly ArmResource[], scope: string, filter: string): ArmResource[] {
  const atScope = /atScope\(\)/i.test(filter);
  const principal = /(?:principalId\s+eq\s+'([^']+)')|(?:assignedTo\('([^']+)'\))/i.exec(filter);
  const who = (principal?.[1] ?? principal?.[2])?.toLowerCase();
  return all.filter((a) => {
    const x = a.properties as RoleAssignmentProperties;
    if (who && x.principalId.toLowerCase() !== who) return false;
    return scopeCovers(x.scope, scope) || (!atScope && scopeCovers(scope, x.scope));
  });
}

const VERBS: Record<string, string> = { GET: "read", HEAD: "read", PUT: "write", DELETE: "delete" };

/** Serves a Microsoft.Authorization request; `caller` has been authenticated (tenant checks included). */
export async function authorizationRequest(
  auth: ArmAuth,
  caller: Caller,
  state: ArmState,
  req: { method: string; path: AuthorizationPath; query: Record<string, string>; body: unknown },
): Promise<ArmReply> {
  const { path: p, method } = req;
  checkApiVersion("Microsoft.Authorization", `Microsoft.Authorization/${p.kind}`, req.query["api-version"]);
  const verb = VERBS[method.toUpperCase()];
  if (!verb || (verb !== "read" && !p.name)) {
    throw new VnetlabError("HttpMethodNotAllowed", `The requested method '${method}' is not allowed.`);
  }
  const action = `Microsoft.Authorization/${p.kind}/${verb}`;
  if (p.scope !== "" && !caller.permissions.allows(caller.objectId, action, p.scope)) {
    throw authorizationFailed(caller.objectId, action, p.scope);
  }
  // Only role definitions are read at the tenant scope; vnetlab has no management groups [INF].
  if (p.scope === "" && (p.kind !== "roleDefinitions" || verb !== "read"))
    throw new VnetlabError(
      "MissingSubscription",
      "The request did not have a subscription or a valid tenant level resource provider.",
    ); // [INF]
  if (p.kind === "roleDefinitions")
    return roleDefinitionRequest(auth, caller, state, { verb, path: p, query: req.query, body: req.body });
  if (verb === "write") return putAssignment(auth, caller, state, p, req.body);
  const { assignments } = await auth.assignments();
  if (!p.name)
    return {
      status: 200,
      body: { value: listAssignments(assignments, p.scope, req.query.$filter ?? "").map(shown) },
    };
  const id = idKey(`${p.scope}/providers/Microsoft.Authorization/roleAssignments/${p.name}`);
  const found = assignments.find((a) => idKey(a.id) === id);
  if (verb === "delete") {
    if (!found) return { status: 204 };
    await auth.store.apply([{ kind: "delete", id: found.id }]);
    return { status: 200, body: shown(found) };
  }
  if (!found)
    throw new VnetlabError("RoleAssignmentNotFound", `The role assignment '${p.name}' is not found.`); // [INF]
  return { status: 200, body: shown(found) };
}
