// Concurrent writers never lose an update silently: parallel subnet PUTs into one VNet (each a read-modify-
// write of the VNet) through two servers sharing one SQLite file all survive, and If-Match guards a stale write.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqliteStore.js";
import { credential, type Harness, startServer, SUBSCRIPTION } from "./harness.js";
import { armRequest } from "./http.js";

let a: Harness;
let b: Harness;
beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), "vnetlab-conc-")), "vnetlab.db");
  a = await startServer({ store: openSqliteStore(file) });
  b = await startServer({ store: openSqliteStore(file) });
  const rg = new ResourceManagementClient(credential, SUBSCRIPTION, a.clientOptions);
  await rg.resourceGroups.createOrUpdate("rg", { location: "eastus" });
  const net = new NetworkManagementClient(credential, SUBSCRIPTION, a.clientOptions);
  await net.virtualNetworks.beginCreateOrUpdateAndWait("rg", "vnet1", {
    location: "eastus",
    addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
  });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe("concurrent writes", () => {
  it("twenty parallel subnet PUTs through two servers on one database all survive", async () => {
    const clients = [a, b].map((h) => new NetworkManagementClient(credential, SUBSCRIPTION, h.clientOptions));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        clients[i % 2]!.subnets.beginCreateOrUpdateAndWait(
          "rg",
          "vnet1",
          `s${i}`,
          { addressPrefix: `10.0.${i}.0/24` },
          { updateIntervalInMs: 1 },
        ),
      ),
    );
    for (const h of [a, b]) {
      const vnet = await new NetworkManagementClient(
        credential,
        SUBSCRIPTION,
        h.clientOptions,
      ).virtualNetworks.get("rg", "vnet1");
      expect(vnet.subnets!.map((s) => s.name).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `s${i}`).sort(),
      );
    }
  });

  it("a PUT with a stale If-Match is refused with 412 and changes nothing", async () => {
    const path = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet1?api-version=2024-05-01`;
    const first = await armRequest(a, "GET", path);
    const etag = (first.body as { etag: string }).etag;
    const body = {
      location: "eastus",
      properties: {
        addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        subnets: (first.body as { properties: { subnets: unknown[] } }).properties.subnets,
      },
      tags: { v: "1" },
    };
    expect((await armRequest(b, "PUT", path, body, { "if-match": etag })).status).toBe(200);
    const stale = await armRequest(a, "PUT", path, { ...body, tags: { v: "2" } }, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect((stale.body as { error: { code: string } }).error.code).toBe("PreconditionFailed");
    expect(((await armRequest(a, "GET", path)).body as { tags: { v: string } }).tags.v).toBe("1");
  });
});
