// Microsoft.Sql/servers and its firewallRules / virtualNetworkRules through the real @azure/arm-sql client
// (§4.2), and a PostgreSQL single server's rules over plain HTTPS. The rules are resources of their own; the
// estate folds them into the server.
import { SqlManagementClient } from "@azure/arm-sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credential, type Harness, startServer, SUBSCRIPTION } from "./harness.js";
import { armRequest } from "./http.js";
import {
  createNetwork,
  FOREIGN_SUBNET,
  MISSING_SUBNET,
  NO_SE,
  path,
  refused,
  RG,
  RG_ID,
  SE_ALL,
  WEST_SQL,
} from "./paasFixture.js";

let h: Harness;
let sql: SqlManagementClient;
const poll = { updateIntervalInMs: 1 };

beforeAll(async () => {
  h = await startServer();
  await createNetwork(h);
  sql = new SqlManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  await sql.servers.beginCreateOrUpdateAndWait(
    RG,
    "sql1",
    { location: "eastus", administratorLogin: "admin1", administratorLoginPassword: "Secret-123!" },
    poll,
  );
});
afterAll(async () => h.close());

const rule = (subnet: string, ignoreMissingVnetServiceEndpoint = false): object => ({
  virtualNetworkSubnetId: subnet,
  ignoreMissingVnetServiceEndpoint,
});

describe("SQL servers", () => {
  it("fill in the FQDN and state, and never return the password", async () => {
    const s = await sql.servers.get(RG, "sql1");
    expect([s.fullyQualifiedDomainName, s.state, s.version, s.publicNetworkAccess]).toEqual([
      "sql1.database.windows.net",
      "Ready",
      "12.0",
      "Enabled",
    ]);
    expect(s.administratorLogin).toBe("admin1");
    expect(s.administratorLoginPassword).toBeUndefined();
  });

  it("accept firewall rules and refuse bad addresses and ranges with the REST specs' codes", async () => {
    const r = await sql.firewallRules.createOrUpdate(RG, "sql1", "office", {
      startIpAddress: "20.1.1.1",
      endIpAddress: "20.1.1.9",
    });
    expect([r.startIpAddress, r.endIpAddress, r.type]).toEqual([
      "20.1.1.1",
      "20.1.1.9",
      "Microsoft.Sql/servers/firewallRules",
    ]);
    const bad = await refused(h, () =>
      sql.firewallRules.createOrUpdate(RG, "sql1", "bad", {
        startIpAddress: "20.1.1",
        endIpAddress: "20.1.1.9",
      }),
    );
    expect([bad.statusCode, bad.code]).toEqual([400, "FirewallRuleNotIPv4Address"]);
    const reversed = await refused(h, () =>
      sql.firewallRules.createOrUpdate(RG, "sql1", "rev", {
        startIpAddress: "20.1.1.9",
        endIpAddress: "20.1.1.1",
      }),
    );
    expect([reversed.statusCode, reversed.code]).toEqual([400, "FirewallRuleInvalidRange"]);
  });

  it("accept a VNet rule for a same-region subnet with Microsoft.Sql, state Ready", async () => {
    const r = await sql.virtualNetworkRules.beginCreateOrUpdateAndWait(
      RG,
      "sql1",
      "app",
      rule(SE_ALL) as never,
      poll,
    );
    expect([r.virtualNetworkSubnetId, r.state, r.ignoreMissingVnetServiceEndpoint]).toEqual([
      SE_ALL,
      "Ready",
      false,
    ]);
  });

  it("refuse a VNet rule for a subnet in another region (§4.2)", async () => {
    const e = await refused(h, () =>
      sql.virtualNetworkRules.beginCreateOrUpdateAndWait(RG, "sql1", "west", rule(WEST_SQL) as never, poll),
    );
    expect([e.statusCode, e.code]).toEqual([400, "VirtualNetworkRuleBadRequest"]);
    expect(e.message).toBe(
      "Microsoft.Sql resources in eastus cannot be ACL-ed to virtual network in westus. Only resources in westus can be ACL-ed to virtual networks in westus.",
    );
    await expect(sql.virtualNetworkRules.get(RG, "sql1", "west")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("refuse a subnet without the endpoint unless ignoreMissingVnetServiceEndpoint", async () => {
    const e = await refused(h, () =>
      sql.virtualNetworkRules.beginCreateOrUpdateAndWait(RG, "sql1", "nose", rule(NO_SE) as never, poll),
    );
    expect([e.statusCode, e.code]).toEqual([400, "VirtualNetworkRuleBadRequest"]);
    const r = await sql.virtualNetworkRules.beginCreateOrUpdateAndWait(
      RG,
      "sql1",
      "nose",
      rule(NO_SE, true) as never,
      poll,
    );
    expect(r.state).toBe("Ready");
  });

  it("refuse a subnet that does not exist; accept one in a subscription it cannot see", async () => {
    const e = await refused(h, () =>
      sql.virtualNetworkRules.beginCreateOrUpdateAndWait(
        RG,
        "sql1",
        "gone",
        rule(MISSING_SUBNET) as never,
        poll,
      ),
    );
    expect([e.statusCode, e.code]).toEqual([404, "VirtualNetworkRuleResourceNotFound"]);
    const r = await sql.virtualNetworkRules.beginCreateOrUpdateAndWait(
      RG,
      "sql1",
      "foreign",
      rule(FOREIGN_SUBNET) as never,
      poll,
    );
    expect(r.state).toBe("Ready");
  });

  it("refuse rule writes while publicNetworkAccess is Disabled (§4.2 42101)", async () => {
    await sql.servers.beginCreateOrUpdateAndWait(
      RG,
      "sqlprivate",
      { location: "eastus", publicNetworkAccess: "Disabled" },
      poll,
    );
    const vnet = await refused(h, () =>
      sql.virtualNetworkRules.beginCreateOrUpdateAndWait(
        RG,
        "sqlprivate",
        "app",
        rule(SE_ALL) as never,
        poll,
      ),
    );
    expect([vnet.statusCode, vnet.code]).toEqual([400, "FirewallChangesDeniedBecausePublicEndpointDisabled"]);
    const fw = await refused(h, () =>
      sql.firewallRules.createOrUpdate(RG, "sqlprivate", "office", {
        startIpAddress: "20.1.1.1",
        endIpAddress: "20.1.1.1",
      }),
    );
    expect([fw.statusCode, fw.code]).toEqual([400, "DenyPublicEndpointEnabled"]);
    // PATCH updates properties: enabling public access lets the rule in.
    await sql.servers.beginUpdateAndWait(RG, "sqlprivate", { publicNetworkAccess: "Enabled" }, poll);
    const r = await sql.virtualNetworkRules.beginCreateOrUpdateAndWait(
      RG,
      "sqlprivate",
      "app",
      rule(SE_ALL) as never,
      poll,
    );
    expect(r.state).toBe("Ready");
  });

  it("refuse the 257th server-level firewall rule (§9)", async () => {
    const server = `${RG_ID}/providers/Microsoft.Sql/servers/sql1`;
    let existing = 0;
    for await (const _rule of sql.firewallRules.listByServer(RG, "sql1")) existing++;
    const changes = Array.from({ length: 256 - existing }, (_, i) => ({
      kind: "put" as const,
      etag: `W/"seed-${i}"`,
      resource: {
        id: `${server}/firewallRules/seed${i}`,
        name: `seed${i}`,
        type: "Microsoft.Sql/servers/firewallRules",
        properties: { startIpAddress: "20.2.0.1", endIpAddress: "20.2.0.1" },
      },
    }));
    await h.store.apply(changes);
    const e = await refused(h, () =>
      sql.firewallRules.createOrUpdate(RG, "sql1", "one-too-many", {
        startIpAddress: "20.3.0.1",
        endIpAddress: "20.3.0.1",
      }),
    );
    expect([e.statusCode, e.code]).toEqual([400, "TooManyFirewallRules"]);
  });
});

describe("PostgreSQL single servers ride on the Microsoft.Sql endpoint", () => {
  it("fill in the FQDN and apply the same VNet rule checks", async () => {
    const server = await armRequest(h, "PUT", path("Microsoft.DBforPostgreSQL/servers/pg1", "2017-12-01"), {
      location: "eastus",
      sku: { name: "GP_Gen5_2", tier: "GeneralPurpose" },
      properties: {
        administratorLogin: "pgadmin",
        administratorLoginPassword: "Secret-123!",
        createMode: "Default",
      },
    });
    expect(server.status).toBe(201);
    const props = (server.body as { properties: Record<string, unknown> }).properties;
    expect([
      props.fullyQualifiedDomainName,
      props.userVisibleState,
      props.administratorLoginPassword,
    ]).toEqual(["pg1.postgres.database.azure.com", "Ready", undefined]);
    const rulePath = path("Microsoft.DBforPostgreSQL/servers/pg1/virtualNetworkRules/app", "2017-12-01");
    const e = await refused(h, () => armRequest(h, "PUT", rulePath, { properties: rule(NO_SE) }));
    expect([e.statusCode, e.code]).toEqual([400, "VirtualNetworkRuleBadRequest"]);
    const ok = await armRequest(h, "PUT", rulePath, { properties: rule(SE_ALL) });
    expect([ok.status, (ok.body as { properties: { state: string } }).properties.state]).toEqual([
      201,
      "Ready",
    ]);
  });

  it("refuse VNet rules on Basic single servers of every engine; General Purpose takes them", async () => {
    const engines = [
      ["Microsoft.DBforPostgreSQL", "pgbasic", "2017-12-01"],
      ["Microsoft.DBforMySQL", "mysqlbasic", "2017-12-01"],
      ["Microsoft.DBforMariaDB", "mariabasic", "2018-06-01"],
    ] as const;
    for (const [ns, name, api] of engines) {
      // The tier comes from sku.tier, or from the sku name's prefix when the tier is left out.
      const server = await armRequest(h, "PUT", path(`${ns}/servers/${name}`, api), {
        location: "eastus",
        sku: { name: "B_Gen5_1" },
        properties: { administratorLogin: "admin1", administratorLoginPassword: "Secret-123!" },
      });
      expect(server.status).toBe(201);
      const rulePath = path(`${ns}/servers/${name}/virtualNetworkRules/app`, api);
      const e = await refused(h, () => armRequest(h, "PUT", rulePath, { properties: rule(SE_ALL) }));
      expect([e.statusCode, e.code, e.message]).toEqual([
        400,
        "FeatureNotSupportedForEdition",
        "This feature is not available for the selected edition 'Basic'.",
      ]);
      expect((await armRequest(h, "GET", rulePath)).status).toBe(404);
    }
    const gp = await armRequest(h, "PUT", path("Microsoft.DBforMySQL/servers/mysqlgp", "2017-12-01"), {
      location: "eastus",
      sku: { name: "GP_Gen5_2", tier: "GeneralPurpose" },
      properties: { administratorLogin: "admin1", administratorLoginPassword: "Secret-123!" },
    });
    expect(gp.status).toBe(201);
    const ok = await armRequest(
      h,
      "PUT",
      path("Microsoft.DBforMySQL/servers/mysqlgp/virtualNetworkRules/app", "2017-12-01"),
      { properties: rule(SE_ALL) },
    );
    expect(ok.status).toBe(201);
  });
});
