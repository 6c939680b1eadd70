// `serve --auth`: the identity and authorization state of one server — the signing key, the directory of
// principals, the authorization store (role assignments, principals created through the API) — and ARM's
// checks of every request: authentication (401s), the request's own action (AuthorizationFailed) and, through
// the dispatch hook, the subnets a write links to (LinkedAuthorizationFailed).
import { decodeJwt } from "jose";
import type { ArmResource } from "../../model/arm.js";
import { cloneJson } from "../../model/cloneJson.js";
import { VnetlabError } from "../../model/errors.js";
import type { Estate } from "../../model/estate.js";
import { idKey, parseResourceId } from "../../model/resourceId.js";
import { createMemoryStore } from "../../store/memoryStore.js";
import type { ResourceStore, StoredResource } from "../../store/types.js";
import type { ArmPath } from "../armPath.js";
import type { ArmState } from "../armState.js";
import type { ArmRequest } from "../dispatch.js";
import type { ArmContext } from "../server.js";
import { assignmentResource, ROLE_ASSIGNMENT_TYPE, seededAssignmentName } from "./assignments.js";
import type { Caller, Identity } from "./caller.js";
import { hasLinkedSubnets, linkedSubnets, rechecksEveryUpdate } from "./linkedSubnets.js";
import { type Credentialed, Directory, type PrincipalsFile } from "./principals.js";
import { authorizationFailed, linkedAuthorizationFailed, linkedTenantFailed, Permissions } from "./rbac.js";
import { requestPermission } from "./requestAction.js";
import { RoleCatalogue, ROLE_DEFINITION_TYPE } from "./roleCatalogue.js";
import { builtInRole, JOIN_VIA_SERVICE_ENDPOINT } from "./roles.js";
import {
  issueToken,
  loadSharedSigningKey,
  loadSigningKey,
  type SigningKey,
  unknownTenant,
  verifyToken,
  wrongTenant,
} from "./tokens.js";

const SUBSCRIPTION_TYPE = "Microsoft.Resources/subscriptions";

export interface AuthOptions {
  /** The `--principals` file, parsed. */
  principals?: PrincipalsFile;
  /** Where role assignments and API-created principals live (default: in memory). */
  store?: ResourceStore;
  /** Directory of the signing key (the data directory); without one the key lasts as long as the process. */
  keyDir?: string;
  /** Keep the signing key in `store`, shared by every server on it (a PostgreSQL store). */
  sharedKey?: boolean;
  /** The clock, in milliseconds (tests). */
  now?: () => number;
}

/** What the authorization store holds, as one request sees it. */
export interface AuthorizationState {
  version: number;
  permissions: Permissions;
  assignments: ArmResource[];
  /** Built-in roles and the custom role definitions of every directory. */
  roles: RoleCatalogue;
}

/** The bearer token of an `Authorization`-style header value, if it is one. */
export const bearerOf = (value: string | undefined): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(value ?? "")?.[1];

/** Each subscription's resource types, in id order; worked out once per estate (estates are immutable). */
const subscriptionTypes = new WeakMap<Estate, [string, Set<string>][]>();

function typesBySubscription(estate: Estate): [string, Set<string>][] {
  let out = subscriptionTypes.get(estate);
  if (!out) {
    const bySub = new Map<string, Set<string>>();
    for (const r of estate.resources) {
      const sub = parseResourceId(r.id)?.subscriptionId.toLowerCase();
      if (!sub) continue;
      const types = bySub.get(sub) ?? new Set([SUBSCRIPTION_TYPE]);
      types.add(r.type);
      bySub.set(sub, types);
    }
    out = [...bySub.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    subscriptionTypes.set(estate, out);
  }
  return out;
}

export class ArmAuth {
  readonly now: () => number;
  private cached: AuthorizationState | undefined;

  private constructor(
    readonly key: SigningKey,
    readonly directory: Directory,
    readonly store: ResourceStore,
    private readonly file: PrincipalsFile,
    now: (() => number) | undefined,
  ) {
    this.now = now ?? Date.now;
  }

  static async create(opts: AuthOptions = {}): Promise<ArmAuth> {
    const store = opts.store ?? createMemoryStore();
    const key = opts.sharedKey ? await loadSharedSigningKey(store) : await loadSigningKey(opts.keyDir);
    const directory = new Directory(opts.principals?.principals ?? [], store);
    const file = opts.principals ?? { principals: [], subscriptions: [], roleAssignments: [] };
    return new ArmAuth(key, directory, store, file, opts.now);
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  /**
   * What the principals file declares beyond principals: the subscriptions' tenants (written into the estate's
   * store, where Estate.tenantOf finds them) and the role assignments to start from (in the authorization store,
   * under stable names, so a restart adds nothing twice).
   */
  async seed(state: ArmState): Promise<void> {
    const subs = [];
    for (const s of this.file.subscriptions) {
      const id = `/subscriptions/${s.subscriptionId}`;
      const stored = await state.store.get(id);
      if (stored && stored.resource.tenantId?.toLowerCase() === s.tenantId) continue;
      const properties = s.displayName ? { displayName: s.displayName } : {};
      const resource: ArmResource = {
        id,
        name: s.subscriptionId,
        type: SUBSCRIPTION_TYPE,
        tenantId: s.tenantId,
        properties,
      };
      subs.push({ kind: "put" as const, resource, etag: `W/"${s.tenantId}"` });
    }
    if (subs.length > 0) await state.store.apply(subs);
    const nowIso = new Date(this.now()).toISOString();
    const assignments = this.file.roleAssignments.map((a) => {
      const role = builtInRole(a.roleDefinitionId)!;
      const name = seededAssignmentName(a.principalId, role, a.scope);
      return assignmentResource({ scope: a.scope, name, role, principalId: a.principalId, by: "", nowIso });
    });
    const fresh = [];
    for (const r of assignments)
      if (!(await this.store.get(r.id))) fresh.push({ kind: "put" as const, resource: r, etag: r.name });
    if (fresh.length > 0) await this.store.apply(fresh);
  }

  /** Tenants this server speaks for: those of principals and of subscriptions it knows. */
  async tenants(estate: Estate): Promise<Set<string>> {
    const out = await this.directory.tenants();
    for (const s of this.file.subscriptions) out.add(s.tenantId);
    for (const r of estate.ofType(SUBSCRIPTION_TYPE)) if (r.tenantId) out.add(r.tenantId.toLowerCase());
    return out;
  }

  async issue(
    p: Credentialed,
    audience: string,
  ): Promise<{ token: string; expiresOn: number; notBefore: number }> {
    const now = Math.floor(this.now() / 1000);
    const { token, claims } = await issueToken(this.key, p, audience, now);
    return { token, expiresOn: claims.exp, notBefore: claims.nbf };
  }

  /**
   * The role assignments in force and the role catalogue they name (built-in roles and the store's custom role
   * definitions), re-read only when the authorization store changed.
   */
  async assignments(): Promise<AuthorizationState> {
    const version = await this.store.version();
    if (this.cached?.version !== version) {
      const withEtag = (s: StoredResource): ArmResource => ({ ...s.resource, etag: s.etag });
      const assignments = (await this.store.list({ type: ROLE_ASSIGNMENT_TYPE })).map(withEtag);
      const roles = new RoleCatalogue((await this.store.list({ type: ROLE_DEFINITION_TYPE })).map(withEtag));
      this.cached = { version, assignments, roles, permissions: new Permissions(assignments, roles) };
    }
    return this.cached;
  }

  private async identity(token: string, baseUrl: string, tenants: Set<string>): Promise<Identity> {
    const claims = await verifyToken(this.key, token, this.now(), baseUrl);
    const tid = claims.tid.toLowerCase();
    if (!tenants.has(tid)) throw unknownTenant(tid);
    return { objectId: claims.oid.toLowerCase(), tenantId: tid, clientId: claims.appid };
  }

  /**
   * ARM's authentication of a request: the bearer token must be ours, unexpired, for ARM, and from the tenant
   * of the subscription the URL names; auxiliary tokens must all be valid [learn.microsoft.com/azure/
   * azure-resource-manager/management/authenticate-multi-tenant: up to three, a bad one fails with 401].
   */
  async authenticate(
    headers: Record<string, string | string[] | undefined>,
    pathname: string,
    baseUrl: string,
    state: ArmState,
  ): Promise<Caller> {
    const estate = (await state.snapshot()).estate();
    const tenants = await this.tenants(estate);
    const primary = await this.identity(
      bearerOf(String(headers.authorization ?? "")) ?? "",
      baseUrl,
      tenants,
    );
    const sub = /^\/subscriptions\/([^/]+)/i.exec(pathname)?.[1];
    if (sub) {
      const tenant = estate.tenantOf(`/subscriptions/${sub}`).toLowerCase();
      if (tenant !== primary.tenantId) throw wrongTenant(primary.tenantId, tenant);
    }
    const auxHeader = headers["x-ms-authorization-auxiliary"];
    const auxTokens = String(auxHeader ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (auxTokens.length > 3) {
      // [INF] the doc's limit; ARM's refusal text of a fourth token is not published.
      throw new VnetlabError(
        "InvalidAuthenticationToken",
        "The x-ms-authorization-auxiliary header holds more than three tokens.",
      );
    }
    const auxiliary: Identity[] = [];
    for (const value of auxTokens) {
      const token = bearerOf(value) ?? "";
      try {
        auxiliary.push(await this.identity(token, baseUrl, tenants));
      } catch (e) {
        if (!(e instanceof VnetlabError)) throw e;
        const c = (() => {
          try {
            return decodeJwt(token);
          } catch {
            return undefined;
          }
        })();
        const who = c ? ` (auxiliary token of client '${String(c.appid)}' in tenant '${String(c.tid)}')` : "";
        throw new VnetlabError(e.code, `${e.message}${who}`);
      }
    }
    return { ...primary, auxiliary, permissions: (await this.assignments()).permissions };
  }

  /** The request's own action at its own scope (AuthorizationFailed, 403). */
  authorize(caller: Caller, method: string, path: ArmPath): void {
    const need = requestPermission(method, path);
    if (!need || caller.permissions.allows(caller.objectId, need.action, need.scope)) return;
    // Lists of resource groups and resources answer what the caller may read below the scope (dispatch.ts
    // filters them) when it holds a role anywhere in it; with none there, ARM refuses the list itself.
    const filtered = path.kind === "resourceGroups" || path.kind === "resources";
    if (filtered && caller.permissions.reaches(caller.objectId, need.scope)) return;
    throw authorizationFailed(caller.objectId, need.action, need.scope);
  }

  /**
   * Read access to the whole estate (the web UI, whose every answer — topology, reachability, findings — is
   * computed over all of it): at each subscription, `subscriptions/read` and the read action of every resource
   * type it holds, which Reader and every role above it grant. Subscriptions are checked in id order,
   * so the AuthorizationFailed names the same one every time.
   */
  authorizeEstateRead(caller: Caller, estate: Estate): void {
    for (const [sub, types] of typesBySubscription(estate)) {
      const scope = `/subscriptions/${sub}`;
      for (const type of types) {
        const action = `${type}/read`;
        if (!caller.permissions.allows(caller.objectId, action, scope))
          throw authorizationFailed(caller.objectId, action, scope);
      }
    }
  }

  /**
   * The dispatch hook of PUT and PATCH (dispatch.ts `beforeWrite`): every subnet the write's VNet rules add
   * needs `joinViaServiceEndpoint/action` there (semantics §8 [S1]), granted to the caller or, for a subnet of
   * another tenant, to the principal of that tenant's auxiliary token. Cosmos DB re-checks every subnet on each
   * update once the account has VNet rules.
   */
  async checkLinked(ctx: ArmContext, req: ArmRequest, id: string, type: string): Promise<void> {
    const caller = req.caller;
    if (!caller || !hasLinkedSubnets(type)) return;
    const snap = await ctx.state.snapshot();
    const existing = snap.lookup(id)?.resource;
    const def = ctx.pipeline.def(type);
    const body = req.body && typeof req.body === "object" ? req.body : undefined;
    const candidate =
      req.method === "PATCH"
        ? existing && body && def.patch
          ? def.patch(cloneJson(existing), body)
          : undefined
        : body;
    const before = linkedSubnets(type, existing);
    const prior = new Set(before.map(idKey));
    const named = linkedSubnets(type, candidate);
    const toCheck =
      rechecksEveryUpdate(type) && before.length > 0 ? named : named.filter((s) => !prior.has(idKey(s)));
    const action = `${def.type}/write`;
    const estate = snap.estate();
    const denied = new Map<string, string[]>();
    for (const subnet of toCheck) {
      const tenant = estate.tenantOf(subnet).toLowerCase();
      const who = tenant === caller.tenantId ? caller : caller.auxiliary.find((a) => a.tenantId === tenant);
      if (!who)
        throw linkedTenantFailed(
          action,
          id,
          caller.tenantId,
          parseResourceId(subnet)?.subscriptionId ?? subnet,
        );
      if (!caller.permissions.allows(who.objectId, JOIN_VIA_SERVICE_ENDPOINT, subnet)) {
        denied.set(who.objectId, [...(denied.get(who.objectId) ?? []), subnet]);
      }
    }
    const [objectId, scopes] = [...denied.entries()][0] ?? [];
    if (objectId && scopes)
      throw linkedAuthorizationFailed(objectId, action, id, JOIN_VIA_SERVICE_ENDPOINT, scopes);
  }
}
