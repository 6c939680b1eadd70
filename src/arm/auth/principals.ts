// The directory behind `serve --auth`: service principals (tenant, client id, secret, object id, display name)
// from the `--principals` file, and those created through vnetlab's own endpoint (identityRoutes.ts), which are
// kept in the authorization store so that every server sharing it knows them. The file may also declare which
// tenant each subscription belongs to (ARM's InvalidAuthenticationTokenTenant check needs it).
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ArmResource } from "../../model/arm.js";
import { VnetlabError } from "../../model/errors.js";
import type { ResourceStore } from "../../store/types.js";
import { BUILT_IN_ROLES } from "./roles.js";

export interface Principal {
  tenantId: string;
  /** The application (client) id a token request names. */
  clientId: string;
  /** The service principal's object id: what role assignments name. */
  objectId: string;
  displayName: string;
}

/** A principal with the secret it proves itself with (kept as a SHA-256 digest). */
export interface Credentialed extends Principal {
  secretSha256: string;
}

export interface DeclaredSubscription {
  subscriptionId: string;
  tenantId: string;
  displayName?: string;
}

/** A role assignment to start from (the subscription's owner, say): a built-in role by id or name. */
export interface SeedAssignment {
  principalId: string;
  roleDefinitionId: string;
  scope: string;
}

export interface PrincipalsFile {
  principals: Credentialed[];
  subscriptions: DeclaredSubscription[];
  roleAssignments: SeedAssignment[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const PRINCIPAL_TYPE = "Vnetlab/servicePrincipals";

export const isGuid = (s: unknown): s is string => typeof s === "string" && GUID.test(s);
export const sha256 = (s: string): string => createHash("sha256").update(s, "utf8").digest("hex");

function invalid(where: string, what: string): never {
  throw new VnetlabError("InvalidPrincipals", `${where}: ${what}`);
}

function guidField(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (!isGuid(v)) invalid(where, `${key} must be a GUID`);
  return v.toLowerCase();
}

/** Checks one principal of the file; with `generate` (the API) the ids and the secret are made here, as Entra does. */
export function principalFrom(
  raw: unknown,
  where: string,
  generate = false,
): { p: Credentialed; secret: string } {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) invalid(where, "a principal must be an object");
  const o = raw as Record<string, unknown>;
  const tenantId = guidField(o, "tenantId", where);
  const clientId = generate ? randomUUID() : guidField(o, "clientId", where);
  const objectId = generate ? randomUUID() : guidField(o, "objectId", where);
  const secret = generate ? randomBytes(30).toString("base64url") : o.clientSecret;
  if (typeof secret !== "string" || secret.length < 8)
    invalid(where, "clientSecret must be 8 characters or more");
  const displayName = typeof o.displayName === "string" && o.displayName !== "" ? o.displayName : clientId;
  return { p: { tenantId, clientId, objectId, displayName, secretSha256: sha256(secret) }, secret };
}

function seedAssignment(x: unknown, where: string): SeedAssignment {
  if (!x || typeof x !== "object") invalid(where, "a role assignment must be an object");
  const a = x as Record<string, unknown>;
  const wanted = String(a.roleDefinitionId ?? a.role ?? "").toLowerCase();
  const role = BUILT_IN_ROLES.find(
    (r) => r.name === wanted.split("/").pop() || r.roleName.toLowerCase() === wanted,
  );
  if (!role) invalid(where, `role '${wanted}' is not one of the built-in roles vnetlab serves`);
  if (typeof a.scope !== "string" || !/^\/subscriptions\/[^/]+/i.test(a.scope)) {
    invalid(where, "scope must be a subscription, resource group or resource id");
  }
  return {
    principalId: guidField(a, "principalId", where),
    roleDefinitionId: role.name,
    scope: a.scope.replace(/\/+$/, ""),
  };
}

/**
 * `--principals FILE`: `{ "principals": [...], "subscriptions": [{ subscriptionId, tenantId }], "roleAssignments":
 * [{ principalId, role, scope }] }`, or a bare array of principals.
 */
export function parsePrincipalsFile(raw: unknown, file: string): PrincipalsFile {
  const o = Array.isArray(raw) ? { principals: raw } : (raw as Record<string, unknown> | null);
  if (!o || typeof o !== "object" || !Array.isArray(o.principals)) {
    invalid(file, 'expected { "principals": [...], "subscriptions": [...] } or an array of principals');
  }
  const principals = (o.principals as unknown[]).map(
    (x, i) => principalFrom(x, `${file}: principals[${i}]`).p,
  );
  const subs = o.subscriptions ?? [];
  const grants = o.roleAssignments ?? [];
  if (!Array.isArray(subs) || !Array.isArray(grants))
    invalid(file, "subscriptions and roleAssignments must be arrays");
  const subscriptions = subs.map((x: unknown, i): DeclaredSubscription => {
    const where = `${file}: subscriptions[${i}]`;
    if (!x || typeof x !== "object") invalid(where, "a subscription must be an object");
    const s = x as Record<string, unknown>;
    return {
      subscriptionId: guidField(s, "subscriptionId", where),
      tenantId: guidField(s, "tenantId", where),
      ...(typeof s.displayName === "string" ? { displayName: s.displayName } : {}),
    };
  });
  const seen = new Set<string>();
  for (const p of principals) {
    const key = `${p.tenantId}|${p.clientId}`;
    if (seen.has(key)) invalid(file, `client ${p.clientId} appears twice in tenant ${p.tenantId}`);
    seen.add(key);
  }
  const roleAssignments = grants.map((x: unknown, i) => seedAssignment(x, `${file}: roleAssignments[${i}]`));
  return { principals, subscriptions, roleAssignments };
}

export function readPrincipalsFile(path: string): PrincipalsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new VnetlabError("InvalidPrincipals", `${path}: ${(e as Error).message}`);
  }
  return parsePrincipalsFile(raw, path);
}

/** A principal as the authorization store keeps it. */
export function principalResource(p: Credentialed): ArmResource {
  return {
    id: `/providers/Microsoft.Vnetlab/tenants/${p.tenantId}/servicePrincipals/${p.objectId}`,
    name: p.objectId,
    type: PRINCIPAL_TYPE,
    properties: { ...p },
  };
}

/** The principals of the file and of the store: lookups for the token endpoint and for role assignments. */
export class Directory {
  private cached: { version: number; principals: Credentialed[] } | undefined;

  constructor(
    private readonly fixed: readonly Credentialed[],
    private readonly store: ResourceStore,
  ) {}

  /** Every principal; the store is read again only when it changed. */
  async all(): Promise<Credentialed[]> {
    const version = await this.store.version();
    if (this.cached?.version !== version) {
      const stored = await this.store.list({ type: PRINCIPAL_TYPE });
      this.cached = {
        version,
        principals: [...this.fixed, ...stored.map((s) => s.resource.properties as Credentialed)],
      };
    }
    return this.cached.principals;
  }

  async find(tenantId: string, clientId: string): Promise<Credentialed | undefined> {
    const t = tenantId.toLowerCase();
    const c = clientId.toLowerCase();
    return (await this.all()).find((p) => p.tenantId === t && p.clientId === c);
  }

  async byObjectId(objectId: string): Promise<Credentialed | undefined> {
    const o = objectId.toLowerCase();
    return (await this.all()).find((p) => p.objectId === o);
  }

  async tenants(): Promise<Set<string>> {
    return new Set((await this.all()).map((p) => p.tenantId));
  }

  /** Adds a principal; refuses a client id or object id already taken. */
  async create(p: Credentialed): Promise<void> {
    const all = await this.all();
    if (
      all.some((x) => (x.tenantId === p.tenantId && x.clientId === p.clientId) || x.objectId === p.objectId)
    ) {
      invalid(
        "principal",
        `client ${p.clientId} or object ${p.objectId} already exists in tenant ${p.tenantId}`,
      );
    }
    const r = principalResource(p);
    await this.store.apply([{ kind: "put", resource: r, etag: randomUUID() }], [{ id: r.id, etag: null }]);
  }
}

/** Whether `secret` is the principal's (constant time). */
export function secretMatches(p: Credentialed, secret: string): boolean {
  const a = Buffer.from(p.secretSha256, "hex");
  const b = Buffer.from(sha256(secret), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
