// `serve --auth`, Microsoft.Authorization: the built-in role definitions with their real ids and actions, role
// assignments at subscription, resource group and resource scope with ARM's shapes and errors, and RBAC's
// evaluation (wildcards, NotActions subtracting within a role, scopes inheriting downwards).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionMatches, roleAllows } from "../../src/arm/auth/rbac.js";
import { builtInRole } from "../../src/arm/auth/roles.js";
import {
  APP_RG,
  APP_SUB,
  type NetworkedTest,
  denied,
  NET_RG,
  NET_SUB,
  ok,
  P,
  ROLES,
  SNET_APP,
  startWithNetworks,
  sub,
} from "./authFixture.js";

let t: NetworkedTest;
beforeAll(async () => {
  t = await startWithNetworks();
});
afterAll(async () => t.close());

const AUTHZ = "providers/Microsoft.Authorization";
const API = "api-version=2022-04-01";
const assignment = (scope: string, name: string): string =>
  `${scope}/${AUTHZ}/roleAssignments/${name}?${API}`;
const grant = (role: string, principalId: string, scope: string): object => ({
  properties: {
    roleDefinitionId: `${scope.split("/").slice(0, 3).join("/")}/${AUTHZ}/roleDefinitions/${role}`,
    principalId,
  },
});

describe("RBAC's matching of actions", () => {
  it("matches wildcards case-insensitively, anywhere in the action", () => {
    expect(actionMatches("*", "Microsoft.Network/virtualNetworks/write")).toBe(true);
    expect(actionMatches("*/read", "Microsoft.Network/virtualNetworks/read")).toBe(true);
    expect(actionMatches("*/read", "Microsoft.Storage/storageAccounts/listKeys/action")).toBe(false);
    expect(
      actionMatches("Microsoft.Authorization/*/Write", "microsoft.authorization/roleAssignments/write"),
    ).toBe(true);
    expect(
      actionMatches(
        "Microsoft.Network/*",
        "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action",
      ),
    ).toBe(true);
    expect(
      actionMatches("Microsoft.Storage/storageAccounts/*", "Microsoft.Storage/storageAccountsX/write"),
    ).toBe(false);
  });

  it("subtracts NotActions within a role: Contributor may not assign roles, Key Vault Contributor may not purge", () => {
    const contributor = builtInRole(ROLES.contributor)!;
    expect(roleAllows(contributor, "Microsoft.Storage/storageAccounts/write")).toBe(true);
    expect(roleAllows(contributor, "Microsoft.Authorization/roleAssignments/write")).toBe(false);
    expect(roleAllows(contributor, "Microsoft.Authorization/roleAssignments/read")).toBe(true);
    const kv = builtInRole(ROLES.keyVault)!;
    expect(roleAllows(kv, "Microsoft.KeyVault/vaults/write")).toBe(true);
    expect(roleAllows(kv, "Microsoft.KeyVault/locations/deletedVaults/purge/action")).toBe(false);
    expect(
      roleAllows(
        builtInRole(ROLES.sql)!,
        "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action",
      ),
    ).toBe(false);
    expect(
      roleAllows(
        builtInRole(ROLES.cosmos)!,
        "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action",
      ),
    ).toBe(true);
  });
});

describe("roleDefinitions", () => {
  it("serves the built-in roles with their real ids, by id and by $filter=roleName", async () => {
    const r = ok(
      await t.call("reader", "GET", `${sub(APP_SUB)}/${AUTHZ}/roleDefinitions/${ROLES.storage}?${API}`),
    );
    expect(r.body).toMatchObject({
      id: `${sub(APP_SUB)}/${AUTHZ}/roleDefinitions/${ROLES.storage}`,
      name: ROLES.storage,
      type: "Microsoft.Authorization/roleDefinitions",
      properties: { roleName: "Storage Account Contributor", type: "BuiltInRole", assignableScopes: ["/"] },
    });
    const list = ok(
      await t.call(
        "reader",
        "GET",
        `${sub(APP_SUB)}/${AUTHZ}/roleDefinitions?${API}&$filter=${encodeURIComponent("roleName eq 'Network Contributor'")}`,
      ),
    );
    expect((list.body as { value: { name: string }[] }).value.map((v) => v.name)).toEqual([ROLES.network]);
    const all = ok(await t.call("reader", "GET", `/${AUTHZ}/roleDefinitions?${API}`));
    expect((all.body as { value: unknown[] }).value).toHaveLength(8);
    await denied(
      t.h,
      () => t.call("reader", "GET", `${sub(APP_SUB)}/${AUTHZ}/roleDefinitions/${randomUUID()}?${API}`),
      404,
      "RoleDefinitionDoesNotExist",
    );
  });

  it("checks the api-version like every provider", async () => {
    await denied(
      t.h,
      () => t.call("reader", "GET", `${sub(APP_SUB)}/${AUTHZ}/roleDefinitions`),
      400,
      "MissingApiVersionParameter",
    );
    await denied(
      t.h,
      () => t.call("reader", "GET", `${sub(APP_SUB)}/${AUTHZ}/roleDefinitions?api-version=2014-01-01`),
      400,
      "NoRegisteredProviderFound",
    );
  });
});

describe("roleAssignments", () => {
  it("are created, read, listed and deleted at subscription, resource group and resource scope, in ARM's shape", async () => {
    const scopes = [sub(APP_SUB), APP_RG, SNET_APP];
    for (const scope of scopes) {
      const name = randomUUID();
      const created = await t.call(
        "owner",
        "PUT",
        assignment(scope, name),
        grant(ROLES.reader, P.sql.objectId, scope),
      );
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({
        id: `${scope}/${AUTHZ}/roleAssignments/${name}`,
        name,
        type: "Microsoft.Authorization/roleAssignments",
        properties: {
          roleDefinitionId: `${scope.split("/").slice(0, 3).join("/")}/${AUTHZ}/roleDefinitions/${ROLES.reader}`,
          principalId: P.sql.objectId,
          principalType: "ServicePrincipal",
          scope,
          createdBy: P.owner.objectId,
        },
      });
      expect(ok(await t.call("reader", "GET", assignment(scope, name))).body).toEqual(created.body);
      const again = await t.call(
        "owner",
        "PUT",
        assignment(scope, name),
        grant(ROLES.reader, P.sql.objectId, scope),
      );
      expect(again.status).toBe(200);
      const listed = ok(await t.call("reader", "GET", `${scope}/${AUTHZ}/roleAssignments?${API}`));
      expect((listed.body as { value: { name: string }[] }).value.map((v) => v.name)).toContain(name);
      const deleted = await t.call("owner", "DELETE", assignment(scope, name));
      expect([deleted.status, (deleted.body as { name: string }).name]).toEqual([200, name]);
      expect((await t.call("owner", "DELETE", assignment(scope, name))).status).toBe(204);
      await denied(
        t.h,
        () => t.call("reader", "GET", assignment(scope, name)),
        404,
        "RoleAssignmentNotFound",
      );
    }
  });

  it("filter with atScope() and principalId, and list what is inherited from above", async () => {
    const filter = (f: string): string =>
      `${APP_RG}/${AUTHZ}/roleAssignments?${API}&$filter=${encodeURIComponent(f)}`;
    const names = async (path: string): Promise<string[]> =>
      (
        ok(await t.call("reader", "GET", path)).body as {
          value: { properties: { principalId: string; scope: string } }[];
        }
      ).value.map((v) => `${v.properties.principalId}@${v.properties.scope}`);
    expect(await names(filter(`principalId eq '${P.storage.objectId}'`))).toEqual([
      `${P.storage.objectId}@${sub(APP_SUB)}`,
    ]);
    expect(await names(filter("atScope()"))).toContain(`${P.owner.objectId}@${sub(APP_SUB)}`);
  });

  it("refuse what ARM refuses, changing nothing", async () => {
    const scope = APP_RG;
    await denied(
      t.h,
      () =>
        t.call("owner", "PUT", assignment(scope, "not-a-guid"), grant(ROLES.reader, P.sql.objectId, scope)),
      400,
      "InvalidRoleAssignmentId",
    );
    await denied(
      t.h,
      () =>
        t.call("owner", "PUT", assignment(scope, randomUUID()), grant(randomUUID(), P.sql.objectId, scope)),
      404,
      "RoleDefinitionDoesNotExist",
    );
    const nobody = randomUUID();
    const r = await denied(
      t.h,
      () => t.call("owner", "PUT", assignment(scope, randomUUID()), grant(ROLES.reader, nobody, scope)),
      400,
      "PrincipalNotFound",
    );
    expect((r.body as { error: { message: string } }).error.message).toMatch(
      /^Principal [0-9a-f]{32} does not exist in the directory aaaaaaaa-/,
    );
    // With principalType, ARM does not look the principal up (replication delay).
    const typed = randomUUID();
    ok(
      await t.call("owner", "PUT", assignment(scope, typed), {
        properties: {
          ...(grant(ROLES.reader, nobody, scope) as { properties: object }).properties,
          principalType: "User",
        },
      }),
    );
    await denied(
      t.h,
      () =>
        t.call("owner", "PUT", assignment(scope, randomUUID()), {
          properties: {
            ...(grant(ROLES.reader, nobody, scope) as { properties: object }).properties,
            principalType: "User",
          },
        }),
      409,
      "RoleAssignmentExists",
    );
    await denied(
      t.h,
      () => t.call("owner", "PUT", assignment(scope, typed), grant(ROLES.owner, P.reader.objectId, scope)),
      400,
      "RoleAssignmentUpdateNotPermitted",
    );
    await denied(
      t.h,
      () => t.call("owner", "PATCH", assignment(scope, typed), {}),
      405,
      "HttpMethodNotAllowed",
    );
  });

  it("need Microsoft.Authorization/roleAssignments/write: a Contributor (NotActions) and a Reader may not assign", async () => {
    for (const who of ["contributor", "reader"]) {
      const r = await denied(
        t.h,
        () =>
          t.call(
            who,
            "PUT",
            assignment(APP_RG, randomUUID()),
            grant(ROLES.owner, P[who as "reader"].objectId, APP_RG),
          ),
        403,
        "AuthorizationFailed",
      );
      expect((r.body as { error: { message: string } }).error.message).toBe(
        `The client '${P[who as "reader"].objectId}' with object id '${P[who as "reader"].objectId}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '${APP_RG}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
    }
    // …but a Contributor reads them (NotActions only remove Write and Delete).
    ok(await t.call("contributor", "GET", `${APP_RG}/${AUTHZ}/roleAssignments?${API}`));
    // And nobody of tenant A reads the network subscription's assignments without a role there.
    await denied(
      t.h,
      () => t.call("storage", "GET", `${sub(NET_SUB)}/${AUTHZ}/roleAssignments?${API}`),
      403,
      "AuthorizationFailed",
    );
  });
});

describe("lists under partial access", () => {
  it("a Reader of one resource group lists that group and its resources only; with no role there, the list is refused", async () => {
    const name = randomUUID();
    ok(
      await t.call("owner", "PUT", assignment(NET_RG, name), grant(ROLES.reader, P.cosmos.objectId, NET_RG)),
    );
    try {
      const groups = ok(
        await t.call("cosmos", "GET", `${sub(NET_SUB)}/resourcegroups?api-version=2021-04-01`),
      );
      expect((groups.body as { value: { id: string }[] }).value.map((g) => g.id.toLowerCase())).toEqual([
        NET_RG.toLowerCase(),
      ]);
      const resources = ok(await t.call("cosmos", "GET", `${sub(NET_SUB)}/resources?api-version=2021-04-01`));
      const ids = (resources.body as { value: { id: string }[] }).value.map((r) => r.id.toLowerCase());
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.every((id) => id.startsWith(`${NET_RG.toLowerCase()}/`))).toBe(true);
      // The subscription's Reader sees the same and more: nothing is hidden from it.
      const all = ok(await t.call("reader", "GET", `${sub(NET_SUB)}/resources?api-version=2021-04-01`));
      expect((all.body as { value: unknown[] }).value.length).toBeGreaterThanOrEqual(ids.length);
      // The storage contributor holds nothing in the network subscription.
      await denied(
        t.h,
        () => t.call("storage", "GET", `${sub(NET_SUB)}/resourcegroups?api-version=2021-04-01`),
        403,
        "AuthorizationFailed",
      );
    } finally {
      ok(await t.call("owner", "DELETE", assignment(NET_RG, name)));
    }
  });
});
