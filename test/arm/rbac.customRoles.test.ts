// `serve --auth`, custom role definitions: a network team's "Subnet Joiner" role (only joinViaServiceEndpoint/action
// and subnets/read) created at the network subscription, assigned on a subnet to the storage contributor, who may
// then add a VNet rule naming that subnet (LinkedAuthorizationFailed before); listed and read where it is
// assignable, updated in place, refused where it is not assignable, and deleted once unassigned. And RBAC's
// evaluation of a custom role's Actions and NotActions.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Permissions } from "../../src/arm/auth/rbac.js";
import { RoleCatalogue } from "../../src/arm/auth/roleCatalogue.js";
import {
  APP_RG,
  APP_SUB,
  FOREIGN_SUB,
  NET_RG,
  NET_SUB,
  type NetworkedTest,
  ok,
  P,
  SNET_APP,
  startWithNetworks,
  sub,
  VNET,
} from "./authFixture.js";
import {
  assignmentPath,
  AUTHZ,
  definition,
  definitions,
  JOIN,
  message,
  names,
  refused,
  roleBody,
  SUBNET_READ,
} from "./customRoleFixture.js";
import type { HttpResult } from "./http.js";

let t: NetworkedTest;
beforeAll(async () => {
  t = await startWithNetworks();
});
afterAll(async () => t.close());

const STG = (name: string): string =>
  `${APP_RG}/providers/Microsoft.Storage/storageAccounts/${name}?api-version=2025-01-01`;
const storageWithRule = (subnet: string): object => ({
  location: "eastus",
  sku: { name: "Standard_LRS" },
  kind: "StorageV2",
  properties: { networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: subnet }] } },
});
const grantBody = (roleId: string, principalId: string): object => ({
  properties: { roleDefinitionId: roleId, principalId },
});

const JOINER = randomUUID();
const JOINER_ID = `${sub(NET_SUB)}/${AUTHZ}/roleDefinitions/${JOINER}`;

describe("a custom Subnet Joiner role", () => {
  const assignment = randomUUID();

  it("lets the storage contributor add a VNet rule for the network's subnet once assigned there", async () => {
    await refused(
      t,
      () => t.call("storage", "PUT", STG("stgjoin"), storageWithRule(SNET_APP)),
      403,
      "LinkedAuthorizationFailed",
    );
    const created = await t.call(
      "owner",
      "PUT",
      definition(sub(NET_SUB), JOINER),
      roleBody("Subnet Joiner", [JOIN, SUBNET_READ], [sub(NET_SUB)]),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      id: JOINER_ID,
      name: JOINER,
      type: "Microsoft.Authorization/roleDefinitions",
      properties: {
        roleName: "Subnet Joiner",
        type: "CustomRole",
        assignableScopes: [sub(NET_SUB)],
        permissions: [{ actions: [JOIN, SUBNET_READ], notActions: [], dataActions: [], notDataActions: [] }],
        createdBy: P.owner.objectId,
        updatedBy: P.owner.objectId,
      },
    });
    expect(ok(await t.call("reader", "GET", definition(sub(NET_SUB), JOINER))).body).toEqual(created.body);

    const granted = await t.call(
      "owner",
      "PUT",
      assignmentPath(SNET_APP, assignment),
      grantBody(JOINER_ID, P.storage.objectId),
    );
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    expect((granted.body as { properties: { roleDefinitionId: string } }).properties.roleDefinitionId).toBe(
      JOINER_ID,
    );
    expect((await t.call("storage", "PUT", STG("stgjoin"), storageWithRule(SNET_APP))).status).toBe(201);
    // The role's actions, nothing more: the subnet reads, its VNet (above the assignment) and writes do not.
    ok(await t.call("storage", "GET", `${SNET_APP}?api-version=2024-05-01`));
    await refused(
      t,
      () => t.call("storage", "GET", `${VNET}?api-version=2024-05-01`),
      403,
      "AuthorizationFailed",
    );
    await refused(
      t,
      () =>
        t.call("storage", "PUT", `${SNET_APP}?api-version=2024-05-01`, {
          properties: { addressPrefix: "10.0.1.0/24" },
        }),
      403,
      "AuthorizationFailed",
    );
  });

  it("is listed where it is assignable, with $filter by type and by roleName", async () => {
    expect(
      names(ok(await t.call("reader", "GET", definitions(sub(NET_SUB), "type eq 'CustomRole'")))),
    ).toEqual([JOINER]);
    // Below its assignable scope too, and not in the subscription it was not made assignable in.
    expect(names(ok(await t.call("reader", "GET", definitions(SNET_APP, "type eq 'CustomRole'"))))).toEqual([
      JOINER,
    ]);
    expect(
      names(ok(await t.call("reader", "GET", definitions(sub(APP_SUB), "type eq 'CustomRole'")))),
    ).toEqual([]);
    const builtIn = names(
      ok(await t.call("reader", "GET", definitions(sub(NET_SUB), "type eq 'BuiltInRole'"))),
    );
    expect(builtIn).toHaveLength(8);
    expect(builtIn).not.toContain(JOINER);
    expect(
      names(ok(await t.call("reader", "GET", definitions(NET_RG, "roleName eq 'Subnet Joiner'")))),
    ).toEqual([JOINER]);
    expect(names(ok(await t.call("reader", "GET", definitions(sub(NET_SUB)))))).toHaveLength(9);
    // The directory's custom roles at the tenant scope [custom-roles-rest], and only its own directory's.
    expect(names(ok(await t.call("reader", "GET", definitions("", "type eq 'CustomRole'"))))).toEqual([
      JOINER,
    ]);
    expect(names(ok(await t.call("foreign", "GET", definitions("", "type eq 'CustomRole'"))))).toEqual([]);
    // A role assignable in a resource group only is listed at the subscription with atScopeAndBelow() alone.
    const rgOnly = randomUUID();
    const rgRole = roleBody("Resource group only", [SUBNET_READ], [NET_RG]);
    expect((await t.call("owner", "PUT", definition(NET_RG, rgOnly), rgRole)).status).toBe(201);
    const atSub = (filter: string): Promise<HttpResult> =>
      t.call("reader", "GET", definitions(sub(NET_SUB), filter));
    expect(names(ok(await atSub("type eq 'CustomRole'")))).toEqual([JOINER]);
    expect(names(ok(await atSub("atScopeAndBelow()")))).toEqual(expect.arrayContaining([JOINER, rgOnly]));
    expect(
      names(ok(await t.call("reader", "GET", definitions(sub(APP_SUB), "atScopeAndBelow()")))),
    ).not.toContain(rgOnly);
    expect((await t.call("owner", "DELETE", definition(NET_RG, rgOnly))).status).toBe(200);
    await refused(
      t,
      () => t.call("reader", "GET", definition(sub(APP_SUB), JOINER)),
      404,
      "RoleDefinitionDoesNotExist",
    );
  });

  it("is not assignable outside its assignable scopes", async () => {
    await refused(
      t,
      () =>
        t.call("owner", "PUT", assignmentPath(APP_RG, randomUUID()), grantBody(JOINER_ID, P.sql.objectId)),
      404,
      "RoleDefinitionDoesNotExist",
    );
  });

  it("refuses a name already taken in the directory, by a custom or a built-in role", async () => {
    for (const roleName of ["Subnet Joiner", "subnet joiner", "Reader"]) {
      const r = await refused(
        t,
        () =>
          t.call(
            "owner",
            "PUT",
            definition(sub(NET_SUB), randomUUID()),
            roleBody(roleName, [SUBNET_READ], [sub(NET_SUB)]),
          ),
        409,
        "RoleDefinitionWithSameNameExists",
      );
      expect(message(r)).toBe("A custom role with the same name already exists in this directory.");
    }
  });

  it("is updated in place, keeping its GUID and creation, answered 201 as ARM does", async () => {
    const before = ok(await t.call("reader", "GET", definition(sub(NET_SUB), JOINER))).body as {
      properties: { createdOn: string; updatedOn: string };
    };
    t.clock.now += 60_000;
    const updated = await t.call(
      "owner",
      "PUT",
      definition(NET_RG, JOINER),
      roleBody("Subnet Joiner (network)", [JOIN, SUBNET_READ], [sub(NET_SUB)]),
    );
    expect(updated.status, JSON.stringify(updated.body)).toBe(201);
    const props = (updated.body as { id: string; properties: { createdOn: string; updatedOn: string } })
      .properties;
    expect((updated.body as { id: string }).id).toBe(JOINER_ID);
    expect(props).toMatchObject({
      roleName: "Subnet Joiner (network)",
      createdOn: before.properties.createdOn,
    });
    expect(props.updatedOn).not.toBe(before.properties.updatedOn);
    expect(
      names(ok(await t.call("reader", "GET", definitions(sub(NET_SUB), "type eq 'CustomRole'")))),
    ).toEqual([JOINER]);
  });

  it("cannot be narrowed away from its assignments, nor reach into another directory", async () => {
    // The assignment on snet-app would be stranded outside the role's scopes (and then grant nothing).
    await refused(
      t,
      () =>
        t.call(
          "owner",
          "PUT",
          definition(sub(NET_SUB), JOINER),
          roleBody("Subnet Joiner (network)", ["*"], [`${sub(NET_SUB)}/resourceGroups/rg-elsewhere`]),
        ),
      400,
      "RoleScopeBeingRemovedContainsAssignments",
    );
    await refused(
      t,
      () =>
        t.call(
          "owner",
          "PUT",
          definition(sub(NET_SUB), JOINER),
          roleBody("Subnet Joiner (network)", [JOIN, SUBNET_READ], [sub(NET_SUB), sub(FOREIGN_SUB)]),
        ),
      400,
      "InvalidAssignableScope",
    );
  });

  it("cannot be deleted while assigned; once unassigned it is deleted, and the subnet is closed again", async () => {
    const r = await refused(
      t,
      () => t.call("owner", "DELETE", definition(sub(NET_SUB), JOINER)),
      409,
      "RoleDefinitionHasAssignments",
    );
    expect(message(r)).toBe("There are existing role assignments referencing role");
    ok(await t.call("owner", "DELETE", assignmentPath(SNET_APP, assignment)));
    // Reader lacks roleDefinitions/delete.
    await refused(
      t,
      () => t.call("reader", "DELETE", definition(sub(NET_SUB), JOINER)),
      403,
      "AuthorizationFailed",
    );
    const deleted = await t.call("owner", "DELETE", definition(sub(NET_SUB), JOINER));
    expect([deleted.status, (deleted.body as { name: string }).name]).toEqual([200, JOINER]);
    expect((await t.call("owner", "DELETE", definition(sub(NET_SUB), JOINER))).status).toBe(204);
    await refused(
      t,
      () => t.call("reader", "GET", definition(sub(NET_SUB), JOINER)),
      404,
      "RoleDefinitionDoesNotExist",
    );
    await refused(
      t,
      () => t.call("storage", "PUT", STG("stgjoin2"), storageWithRule(SNET_APP)),
      403,
      "LinkedAuthorizationFailed",
    );
  });
});

describe("RBAC's evaluation of custom roles", () => {
  it("applies a custom role's NotActions within the role, with the built-ins' wildcard logic", () => {
    const guid = randomUUID();
    const roles = new RoleCatalogue([
      {
        id: `/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
        name: guid,
        type: "Microsoft.Authorization/roleDefinitions",
        tenantId: "t",
        properties: {
          roleName: "Network but no joins",
          type: "CustomRole",
          description: null,
          assignableScopes: [sub(NET_SUB)],
          permissions: [
            {
              actions: ["Microsoft.Network/*"],
              notActions: ["*/joinViaServiceEndpoint/action"],
              dataActions: [],
              notDataActions: [],
            },
          ],
          createdOn: "",
          updatedOn: "",
          createdBy: "",
          updatedBy: "",
        },
      },
    ]);
    const who = randomUUID();
    const permissions = new Permissions(
      [
        {
          id: `${VNET}/${AUTHZ}/roleAssignments/${randomUUID()}`,
          name: "a",
          type: "Microsoft.Authorization/roleAssignments",
          properties: {
            roleDefinitionId: `${sub(NET_SUB)}/${AUTHZ}/roleDefinitions/${guid}`,
            principalId: who,
            scope: VNET,
          },
        },
      ],
      roles,
    );
    expect(permissions.allows(who, "Microsoft.Network/virtualNetworks/subnets/write", SNET_APP)).toBe(true);
    expect(permissions.allows(who, JOIN, SNET_APP)).toBe(false);
    expect(permissions.allows(who, "Microsoft.Network/virtualNetworks/write", NET_RG)).toBe(false);
    expect(permissions.allows(who, "Microsoft.Storage/storageAccounts/write", SNET_APP)).toBe(false);
  });
});
