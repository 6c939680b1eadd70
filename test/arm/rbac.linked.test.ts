// `serve --auth`, authorization as ARM does it: every request checked against the caller's role assignments
// (per role and scope), and the linked check of VNet rules — joinViaServiceEndpoint/action on each subnet a write
// adds (LinkedAuthorizationFailed without it), which Cosmos DB re-checks on every update of an account that
// has VNet rules. Issue 8's principals: the network owner, a storage contributor without network rights, a reader.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_RG,
  type NetworkedTest,
  denied,
  NET_RG,
  ok,
  P,
  ROLES,
  SNET_APP,
  startWithNetworks,
  tokenFor,
  VNET,
} from "./authFixture.js";

let t: NetworkedTest;
beforeAll(async () => {
  t = await startWithNetworks();
});
afterAll(async () => t.close());

const JOIN = "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action";
const STG = (name: string): string => `${APP_RG}/providers/Microsoft.Storage/storageAccounts/${name}`;
const COSMOS = (name: string): string => `${APP_RG}/providers/Microsoft.DocumentDB/databaseAccounts/${name}`;
const SQL = `${APP_RG}/providers/Microsoft.Sql/servers/sql-app`;
const v = (id: string, api: string): string => `${id}?api-version=${api}`;
const message = (r: { body: unknown }): string => (r.body as { error: { message: string } }).error.message;

const storageBody = (rules: string[]): object => ({
  location: "eastus",
  sku: { name: "Standard_LRS" },
  kind: "StorageV2",
  properties: { networkAcls: { defaultAction: "Deny", virtualNetworkRules: rules.map((id) => ({ id })) } },
});
const cosmosBody = (rules: string[]): object => ({
  location: "eastus",
  properties: {
    databaseAccountOfferType: "Standard",
    isVirtualNetworkFilterEnabled: true,
    virtualNetworkRules: rules.map((id) => ({ id })),
  },
});

/** The owner grants a built-in role at a scope. */
async function grant(role: string, principalId: string, scope: string): Promise<void> {
  const sub = scope.split("/").slice(0, 3).join("/");
  ok(
    await t.call(
      "owner",
      "PUT",
      `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      {
        properties: {
          roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId,
        },
      },
    ),
  );
}

describe("every request is checked against the caller's roles (AuthorizationFailed)", () => {
  it("a reader reads but does not write", async () => {
    ok(await t.call("reader", "GET", v(VNET, "2024-05-01")));
    ok(
      await t.call("reader", "GET", v(`${NET_RG}/providers/Microsoft.Network/virtualNetworks`, "2024-05-01")),
    );
    const r = await denied(
      t.h,
      () => t.call("reader", "PUT", v(STG("stgreader"), "2025-01-01"), storageBody([])),
      403,
      "AuthorizationFailed",
    );
    expect(message(r)).toContain(
      `perform action 'Microsoft.Storage/storageAccounts/write' over scope '${STG("stgreader")}'`,
    );
    await denied(t.h, () => t.call("reader", "DELETE", v(VNET, "2024-05-01")), 403, "AuthorizationFailed");
  });

  it("a storage contributor manages accounts (keys too) in its subscription, and nothing of the network", async () => {
    expect((await t.call("storage", "PUT", v(STG("stgplain"), "2025-01-01"), storageBody([]))).status).toBe(
      201,
    );
    ok(await t.call("storage", "POST", v(`${STG("stgplain")}/listKeys`, "2025-01-01")));
    await denied(t.h, () => t.call("storage", "GET", v(VNET, "2024-05-01")), 403, "AuthorizationFailed");
    const sql = await denied(
      t.h,
      () => t.call("storage", "PUT", v(SQL, "2021-11-01"), { location: "eastus" }),
      403,
      "AuthorizationFailed",
    );
    expect(message(sql)).toContain("'Microsoft.Sql/servers/write'");
  });

  it("assignments apply at their scope and below: resource group and resource scope", async () => {
    const scoped = ok(await t.call("owner", "POST", "/vnetlab/principals", { displayName: "scoped" }))
      .body as typeof P.owner;
    await grant(ROLES.reader, scoped.objectId, NET_RG);
    await grant(ROLES.network, scoped.objectId, VNET);
    const token = await tokenFor(t.h, { ...scoped, displayName: "scoped" });
    ok(await t.call(token, "GET", v(NET_RG, "2021-04-01")));
    await denied(t.h, () => t.call(token, "GET", v(APP_RG, "2021-04-01")), 403, "AuthorizationFailed");
    ok(
      await t.call(token, "PUT", v(`${VNET}/subnets/snet-scoped`, "2024-05-01"), {
        properties: { addressPrefix: "10.0.7.0/24" },
      }),
    );
    await denied(
      t.h,
      () =>
        t.call(
          token,
          "PUT",
          v(`${NET_RG}/providers/Microsoft.Network/virtualNetworks/vnet-other`, "2024-05-01"),
          { location: "eastus", properties: { addressSpace: { addressPrefixes: ["10.60.0.0/16"] } } },
        ),
      403,
      "AuthorizationFailed",
    );
  });
});

describe("the linked check of VNet rules (joinViaServiceEndpoint/action on the subnet)", () => {
  it("the storage contributor cannot add a rule for the network's subnet until granted the join there, then can", async () => {
    const r = await denied(
      t.h,
      () => t.call("storage", "PUT", v(STG("stgapp"), "2025-01-01"), storageBody([SNET_APP])),
      403,
      "LinkedAuthorizationFailed",
    );
    expect(message(r)).toBe(
      `The client '${P.storage.objectId}' with object id '${P.storage.objectId}' has permission to perform action 'Microsoft.Storage/storageAccounts/write' on scope '${STG("stgapp")}'; however, it does not have permission to perform action '${JOIN}' on the linked scope(s) '${SNET_APP}' or the linked scope(s) are invalid.`,
    );
    // Through PATCH too, on an account it already has.
    await denied(
      t.h,
      () =>
        t.call("storage", "PATCH", v(STG("stgplain"), "2025-01-01"), {
          properties: { networkAcls: { virtualNetworkRules: [{ id: SNET_APP }] } },
        }),
      403,
      "LinkedAuthorizationFailed",
    );
    await grant(ROLES.network, P.storage.objectId, SNET_APP);
    expect(
      (await t.call("storage", "PUT", v(STG("stgapp"), "2025-01-01"), storageBody([SNET_APP]))).status,
    ).toBe(201);
  });

  it("a rule already in force is not checked again on Storage: a Contributor without network rights updates tags", async () => {
    ok(await t.call("contributor", "PATCH", v(STG("stgapp"), "2025-01-01"), { tags: { team: "data" } }));
    ok(
      await t.call("contributor", "PUT", v(STG("stgapp"), "2025-01-01"), {
        ...storageBody([SNET_APP]),
        tags: { team: "data" },
      }),
    );
  });

  it("SQL needs Network Contributor on the subnet besides SQL Server Contributor (semantics §8)", async () => {
    expect(
      (
        await t.call("sql", "PUT", v(SQL, "2021-11-01"), {
          location: "eastus",
          properties: { administratorLogin: "sqladmin" },
        })
      ).status,
    ).toBe(201);
    const rule = v(`${SQL}/virtualNetworkRules/allow-app`, "2021-11-01");
    const body = { properties: { virtualNetworkSubnetId: SNET_APP } };
    const r = await denied(t.h, () => t.call("sql", "PUT", rule, body), 403, "LinkedAuthorizationFailed");
    expect(message(r)).toContain(
      `'Microsoft.Sql/servers/virtualNetworkRules/write' on scope '${SQL}/virtualNetworkRules/allow-app'`,
    );
    await grant(ROLES.network, P.sql.objectId, SNET_APP);
    expect((await t.call("sql", "PUT", rule, body)).status).toBe(201);
  });

  it("Key Vault: a Contributor of the application subscription has no join on the network's subnet", async () => {
    const vault = v(`${APP_RG}/providers/Microsoft.KeyVault/vaults/kv-app`, "2023-07-01");
    const body = (rules: string[]): object => ({
      location: "eastus",
      properties: {
        tenantId: P.owner.tenantId,
        sku: { family: "A", name: "standard" },
        networkAcls: { defaultAction: "Deny", virtualNetworkRules: rules.map((id) => ({ id })) },
      },
    });
    await denied(
      t.h,
      () => t.call("contributor", "PUT", vault, body([SNET_APP])),
      403,
      "LinkedAuthorizationFailed",
    );
    expect((await t.call("contributor", "PUT", vault, body([]))).status).toBe(201);
    expect((await t.call("owner", "PUT", vault, body([SNET_APP]))).status).toBe(200);
  });

  it("Cosmos DB re-checks the join on every update of an account with VNet rules", async () => {
    expect(
      (await t.call("owner", "PUT", v(COSMOS("cosmos-app"), "2024-11-15"), cosmosBody([SNET_APP]))).status,
    ).toBe(201);
    // The Cosmos DB contributor holds the join action, but only over its own subscription, not the network's.
    const r = await denied(
      t.h,
      () => t.call("cosmos", "PATCH", v(COSMOS("cosmos-app"), "2024-11-15"), { tags: { team: "data" } }),
      403,
      "LinkedAuthorizationFailed",
    );
    expect(message(r)).toContain(`on the linked scope(s) '${SNET_APP}'`);
    // An account without VNet rules is updated freely.
    expect(
      (await t.call("cosmos", "PUT", v(COSMOS("cosmos-open"), "2024-11-15"), cosmosBody([]))).status,
    ).toBe(201);
    ok(await t.call("cosmos", "PATCH", v(COSMOS("cosmos-open"), "2024-11-15"), { tags: { team: "data" } }));
    await grant(ROLES.network, P.cosmos.objectId, SNET_APP);
    ok(await t.call("cosmos", "PATCH", v(COSMOS("cosmos-app"), "2024-11-15"), { tags: { team: "data" } }));
  });
});
