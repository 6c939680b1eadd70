// Two `vnetlab serve` processes on one PostgreSQL database (the real bin, `--store postgres://...`, each its own
// pool) serve one estate: a write through either is read through the other, concurrent read-modify-writes
// through both all survive, and of two If-Match PUTs with the same ETag one gets 412.
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_SKIP_REASON, startPostgres, type PostgresCluster } from "../fixtures/postgres.js";
import { credential, SUBSCRIPTION } from "./harness.js";
import { type ServeProcess, startServeProcess } from "./serveProcess.js";
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
