// Two `vnetlab serve` processes on one PostgreSQL database (the real bin, `--store postgres://...`, each its own
// pool) serve one estate: a write through either is read through the other, concurrent read-modify-writes
// through both all survive, and of two If-Match PUTs with the same ETag one gets 412.
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_SKIP_REASON, startPostgres, type PostgresCluster } from "../fixtures/postgres.js";
import { credential, SUBSCRIPTION } from "./harness.js";
import { type ServeProcess, startServeProcess } from "./serveProcess.js";
import { as, NET_SUB, P, PRINCIPALS_FILE, ROLES, tokenFor } from "./authFixture.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { armRequest } from "./http.js";

const VNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet1?api-version=2024-05-01`;

interface VnetBody {
  etag: string;
  tags?: Record<string, string>;
  properties: { addressSpace: unknown; subnets?: { name: string }[] };
}

describe.skipIf(POSTGRES_SKIP_REASON !== undefined)(
  `two servers on one PostgreSQL database${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ""}`,
  () => {
    let cluster: PostgresCluster;
    let a: ServeProcess;
    let b: ServeProcess;
    beforeAll(async () => {
      cluster = await startPostgres();
      [a, b] = await Promise.all([
        startServeProcess(["--store", cluster.url]),
        startServeProcess(["--store", cluster.url]),
      ]);
    }, 120_000);
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await cluster?.stop();
    });

    const network = (h: ServeProcess): NetworkManagementClient =>
      new NetworkManagementClient(credential, SUBSCRIPTION, h.clientOptions);

    it("a resource group and a VNet written through one server are read through the other", async () => {
      await new ResourceManagementClient(
        credential,
        SUBSCRIPTION,
        a.clientOptions,
      ).resourceGroups.createOrUpdate("rg", { location: "eastus" });
      await network(a).virtualNetworks.beginCreateOrUpdateAndWait("rg", "vnet1", {
        location: "eastus",
        addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      });
      const seen = await network(b).virtualNetworks.get("rg", "vnet1");
      expect(seen.addressSpace?.addressPrefixes).toEqual(["10.0.0.0/16"]);
      expect(seen.etag).toBe((await network(a).virtualNetworks.get("rg", "vnet1")).etag);
    });

    it("eight writers across both servers, five subnets each, into one VNet: every subnet present exactly once", async () => {
      const clients = [network(a), network(b)];
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; i < 5; i++)
          await clients[(w + i) % 2]!.subnets.beginCreateOrUpdateAndWait(
            "rg",
            "vnet1",
            `w${w}-s${i}`,
            { addressPrefix: `10.0.${w * 5 + i}.0/24` },
            { updateIntervalInMs: 1 },
          );
      };
      await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
      const expected = Array.from({ length: 40 }, (_, n) => `w${Math.floor(n / 5)}-s${n % 5}`).sort();
      for (const client of clients) {
        const names = (await client.virtualNetworks.get("rg", "vnet1")).subnets!.map((s) => s.name!);
        expect(names.sort()).toEqual(expected);
      }
    });

    it("of two If-Match PUTs with the same ETag through the two servers, one succeeds and the other gets 412", async () => {
      for (let round = 0; round < 5; round++) {
        const current = (await armRequest(a, "GET", VNET)).body as VnetBody;
        const put = (h: ServeProcess, who: string) =>
          armRequest(
            h,
            "PUT",
            VNET,
            { location: "eastus", properties: current.properties, tags: { who, round: String(round) } },
            { "if-match": current.etag },
          );
        const [ra, rb] = await Promise.all([put(a, "a"), put(b, "b")]);
        expect([ra.status, rb.status].sort()).toEqual([200, 412]);
        const loser = ra.status === 412 ? ra : rb;
        expect((loser.body as { error: { code: string } }).error.code).toBe("PreconditionFailed");
        const winner = ra.status === 200 ? "a" : "b";
        for (const h of [a, b]) {
          const after = (await armRequest(h, "GET", VNET)).body as VnetBody;
          expect(after.tags).toEqual({ who: winner, round: String(round) });
          expect(after.properties.subnets).toHaveLength(40);
        }
      }
    });
  },
);

describe.skipIf(POSTGRES_SKIP_REASON !== undefined)(
  `two --auth servers on one PostgreSQL database${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ""}`,
  () => {
    let cluster: PostgresCluster;
    let a: ServeProcess;
    let b: ServeProcess;
    beforeAll(async () => {
      cluster = await startPostgres();
      const principals = join(mkdtempSync(join(tmpdir(), "vnetlab-principals-")), "principals.json");
      writeFileSync(principals, JSON.stringify(PRINCIPALS_FILE));
      const args = ["--auth", "--principals", principals, "--store", cluster.url];
      // One after the other: the first makes the shared signing key, the second reads it.
      a = await startServeProcess(args);
      b = await startServeProcess(args);
    }, 120_000);
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await cluster?.stop();
    });

    it("a token one server issues is good at the other, and a role assigned through one holds at the other", async () => {
      const rgPath = `/subscriptions/${NET_SUB}/resourcegroups/rg-shared?api-version=2025-04-01`;
      const owner = await tokenFor(a, P.owner);
      expect((await as(b, owner, "PUT", rgPath, { location: "eastus" })).status).toBe(201);
      const reader = await tokenFor(b, P.reader);
      expect(
        (await as(a, reader, "PUT", rgPath, { location: "eastus", tags: { by: "reader" } })).status,
      ).toBe(403);
      // The owner makes the reader a Contributor of the resource group through server a; server b honours it.
      const assignment = `/subscriptions/${NET_SUB}/resourceGroups/rg-shared/providers/Microsoft.Authorization/roleAssignments/7b0e1a6c-3a9f-4c55-9a57-6a2cbbf1e001?api-version=2022-04-01`;
      const put = await as(a, owner, "PUT", assignment, {
        properties: {
          roleDefinitionId: `/subscriptions/${NET_SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.contributor}`,
          principalId: P.reader.objectId,
        },
      });
      expect(put.status).toBe(201);
      expect(
        (await as(b, reader, "PUT", rgPath, { location: "eastus", tags: { by: "reader" } })).status,
      ).toBe(200);
    });
  },
);
