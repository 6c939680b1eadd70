// `serve --auth`, tenants and subscriptions (semantics §8): VNet rules across subscriptions of one tenant work
// everywhere; across Entra tenants Storage, Key Vault and Cognitive Services accept them (with an auxiliary
// token of the subnet's tenant, as ARM's linked check needs) and SQL and Cosmos DB refuse them — and the
// engine's verdicts, traced on the server's own estate, say the same.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { traceBetween } from "../../src/engine/index.js";
import type { ArmResource } from "../../src/model/arm.js";
import { compileEstate } from "../../src/model/compileEstate.js";
import {
  APP_RG,
  as,
  type NetworkedTest,
  denied,
  FOREIGN_RG,
  FOREIGN_SUB,
  NET_RG,
  nicIn,
  ok,
  P,
  SNET_APP,
  SNET_FOREIGN,
  startWithNetworks,
  TENANT_A,
  tokenFor,
} from "./authFixture.js";

let t: NetworkedTest;
beforeAll(async () => {
  t = await startWithNetworks();
  await nicIn(t.h, t.tk.owner, NET_RG, "nic-hub", SNET_APP, "10.0.1.4");
  await nicIn(t.h, t.tk.foreign, FOREIGN_RG, "nic-x", SNET_FOREIGN, "10.9.1.4");
});
afterAll(async () => t.close());

const v = (id: string, api: string): string => `${id}?api-version=${api}`;
const res = (type: string, name: string): string => `${APP_RG}/providers/${type}/${name}`;
const estate = async (): Promise<ReturnType<typeof compileEstate>> =>
  (await t.h.pipeline.state.snapshot()).estate();
const verdict = async (from: string, to: string): Promise<string> =>
  traceBetween(await estate(), from, to).verdict;

/** The multi-tenant application: its tenant-A principal writes, its tenant-B principal's token rides along. */
const crossTenant = (method: string, path: string, body: unknown, aux = true): ReturnType<typeof as> =>
  t.call("appA", method, path, body, aux ? [t.tk.appB] : []);

const acls = (rules: string[]): object => ({
  defaultAction: "Deny",
  virtualNetworkRules: rules.map((id) => ({ id })),
});
const BODIES = {
  storage: (rules: string[]): object => ({
    location: "eastus",
    sku: { name: "Standard_LRS" },
    kind: "StorageV2",
    properties: { networkAcls: acls(rules) },
  }),
  keyVault: (rules: string[]): object => ({
    location: "eastus",
    properties: { tenantId: TENANT_A, sku: { family: "A", name: "standard" }, networkAcls: acls(rules) },
  }),
  cognitive: (rules: string[]): object => ({
    location: "eastus",
    kind: "TextAnalytics",
    sku: { name: "S0" },
    properties: { customSubDomainName: "cog-xt", networkAcls: acls(rules) },
  }),
  cosmos: (rules: string[]): object => ({
    location: "eastus",
    properties: {
      databaseAccountOfferType: "Standard",
      isVirtualNetworkFilterEnabled: true,
      virtualNetworkRules: rules.map((id) => ({ id })),
    },
  }),
};

describe("cross-subscription VNet rules (one tenant)", () => {
  it("Storage and SQL in the application subscription accept the network subscription's subnet; traffic flows", async () => {
    expect(
      (
        await t.call(
          "owner",
          "PUT",
          v(res("Microsoft.Storage/storageAccounts", "stgxsub"), "2025-01-01"),
          BODIES.storage([SNET_APP]),
        )
      ).status,
    ).toBe(201);
    expect(await verdict("nic-hub", "https://stgxsub.blob.core.windows.net/c/b.txt")).toBe("Allow");
    expect(await verdict("nic-x", "https://stgxsub.blob.core.windows.net/c/b.txt")).toBe("Deny");
    const sql = res("Microsoft.Sql/servers", "sql-xsub");
    ok(
      await t.call("owner", "PUT", v(sql, "2021-11-01"), {
        location: "eastus",
        properties: { administratorLogin: "a" },
      }),
    );
    ok(
      await t.call("owner", "PUT", v(`${sql}/virtualNetworkRules/hub`, "2021-11-01"), {
        properties: { virtualNetworkSubnetId: SNET_APP },
      }),
    );
    expect(await verdict("nic-hub", "sql-xsub.database.windows.net:1433")).toBe("Allow");
  });
});

describe("cross-tenant VNet rules", () => {
  it("ARM's linked check needs an auxiliary token of the subnet's tenant", async () => {
    const path = v(res("Microsoft.Storage/storageAccounts", "stgnoaux"), "2025-01-01");
    const r = await denied(
      t.h,
      () => crossTenant("PUT", path, BODIES.storage([SNET_FOREIGN]), false),
      403,
      "LinkedAuthorizationFailed",
    );
    expect((r.body as { error: { message: string } }).error.message).toBe(
      `The client has permission to perform action 'Microsoft.Storage/storageAccounts/write' on scope '${res("Microsoft.Storage/storageAccounts", "stgnoaux")}', however the current tenant '${TENANT_A}' is not authorized to access linked subscription '${FOREIGN_SUB}'.`,
    );
    // The auxiliary token's principal must hold the join itself: one just registered in tenant B holds nothing.
    const fresh = ok(await t.call("foreign", "POST", "/vnetlab/principals", { displayName: "b-nobody" }))
      .body as typeof P.foreign;
    const nobody = await tokenFor(t.h, { ...fresh, displayName: "b-nobody" });
    const r2 = await denied(
      t.h,
      () => t.call("appA", "PUT", path, BODIES.storage([SNET_FOREIGN]), [nobody]),
      403,
      "LinkedAuthorizationFailed",
    );
    expect((r2.body as { error: { message: string } }).error.message).toContain(
      `The client '${fresh.objectId}'`,
    );
  });

  it("Storage accepts another tenant's subnet, and the VM there reaches the account", async () => {
    const id = res("Microsoft.Storage/storageAccounts", "stgxt");
    expect((await crossTenant("PUT", v(id, "2025-01-01"), BODIES.storage([SNET_FOREIGN]))).status).toBe(201);
    expect(await verdict("nic-x", "https://stgxt.blob.core.windows.net/c/b.txt")).toBe("Allow");
  });

  it("Key Vault accepts it, and so does Cognitive Services; both let the foreign VM in", async () => {
    expect(
      (
        await crossTenant(
          "PUT",
          v(res("Microsoft.KeyVault/vaults", "kv-xt"), "2023-07-01"),
          BODIES.keyVault([SNET_FOREIGN]),
        )
      ).status,
    ).toBe(201);
    expect(await verdict("nic-x", "https://kv-xt.vault.azure.net/secrets/s")).toBe("Allow");
    const cog = await crossTenant(
      "PUT",
      v(res("Microsoft.CognitiveServices/accounts", "cog-xt"), "2024-10-01"),
      BODIES.cognitive([SNET_FOREIGN]),
    );
    expect(cog.status, JSON.stringify(cog.body)).toBe(201);
    const endpoint = (cog.body as { properties: { endpoint: string } }).properties.endpoint;
    expect(await verdict("nic-x", endpoint)).toBe("Allow");
  });

  it("SQL refuses it, and so does Cosmos DB, each with its error, changing nothing", async () => {
    const sql = res("Microsoft.Sql/servers", "sql-xt");
    ok(
      await crossTenant("PUT", v(sql, "2021-11-01"), {
        location: "eastus",
        properties: { administratorLogin: "a" },
      }),
    );
    const rule = await denied(
      t.h,
      () =>
        crossTenant("PUT", v(`${sql}/virtualNetworkRules/x`, "2021-11-01"), {
          properties: { virtualNetworkSubnetId: SNET_FOREIGN },
        }),
      400,
      "VirtualNetworkRuleBadRequest",
    );
    expect((rule.body as { error: { message: string } }).error.message).toContain(
      "different Azure Active Directory tenant",
    );
    const cosmos = res("Microsoft.DocumentDB/databaseAccounts", "cosmos-xt");
    await denied(
      t.h,
      () => crossTenant("PUT", v(cosmos, "2024-11-15"), BODIES.cosmos([SNET_FOREIGN])),
      400,
      "BadRequest",
    );
  });

  it("the engine denies a foreign tenant's subnet on SQL and Cosmos DB even where a rule names it (a subscription moved)", async () => {
    const sql = res("Microsoft.Sql/servers", "sql-xt");
    ok(
      await t.call(
        "owner",
        "PUT",
        v(res("Microsoft.DocumentDB/databaseAccounts", "cosmos-xt"), "2024-11-15"),
        BODIES.cosmos([]),
      ),
    );
    // Rules written while the subnet's subscription was still in tenant A, as the store would hold them.
    const now = await estate();
    const cosmos = structuredClone(
      now.get(res("Microsoft.DocumentDB/databaseAccounts", "cosmos-xt"))!,
    ) as ArmResource;
    (cosmos.properties as { virtualNetworkRules: object[] }).virtualNetworkRules = [
      { id: SNET_FOREIGN, ignoreMissingVNetServiceEndpoint: false },
    ];
    const sqlRule: ArmResource = {
      id: `${sql}/virtualNetworkRules/x`,
      name: "x",
      type: "Microsoft.Sql/servers/virtualNetworkRules",
      properties: {
        virtualNetworkSubnetId: SNET_FOREIGN,
        ignoreMissingVnetServiceEndpoint: false,
        state: "Ready",
      },
    };
    await t.h.store.apply([
      { kind: "put", resource: cosmos, etag: 'W/"moved-1"' },
      { kind: "put", resource: sqlRule, etag: 'W/"moved-2"' },
    ]);
    const targets = ["sql-xt.database.windows.net:1433", "https://cosmos-xt.documents.azure.com/"];
    for (const to of targets) {
      const trace = traceBetween(await estate(), "nic-x", to);
      expect([to, trace.verdict, trace.decidedBy?.stage]).toEqual([to, "Deny", "firewall"]);
    }
    // The same estate with the foreign subscription in tenant A: both let the VM in — the tenant alone decides.
    const sameTenant = (await t.h.pipeline.state.snapshot()).stored.map((s) =>
      s.id.toLowerCase() === `/subscriptions/${FOREIGN_SUB}`
        ? { ...s.resource, tenantId: TENANT_A }
        : s.resource,
    );
    for (const to of targets)
      expect([to, traceBetween(compileEstate(sameTenant), "nic-x", to).verdict]).toEqual([to, "Allow"]);
  });
});
