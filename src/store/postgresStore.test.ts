// The PostgreSQL store: the shared conformance suite, then what only a shared server has — several stores
// (each its own pool, as separate processes would be) on one database, locks, lost connections and crashes.
// One throwaway cluster for the file (test/fixtures/postgres.ts); each test works in a schema of its own.
import type pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  POSTGRES_SKIP_REASON,
  startPostgres,
  type PostgresCluster,
} from "../../test/fixtures/postgres.js";
import type { ArmResource } from "../model/arm.js";
import { openStore } from "./index.js";
import { POSTGRES_SCHEMA_VERSION } from "./postgresSchema.js";
import { openPostgresStore, type PostgresStoreOptions } from "./postgresStore.js";
import { describeStoreSuite, incrementLoop } from "./store.suite.js";
import { StorePreconditionFailed, type ResourceStore, type StoredResource } from "./types.js";

const RG = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg";
const vnet = (name: string, properties: object = {}): ArmResource => ({
  id: `${RG}/providers/Microsoft.Network/virtualNetworks/${name}`,
  name,
  type: "Microsoft.Network/virtualNetworks",
  properties,
});

const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );

describe.skipIf(POSTGRES_SKIP_REASON !== undefined)(
  `PostgreSQL store${POSTGRES_SKIP_REASON ? ` (${POSTGRES_SKIP_REASON})` : ""}`,
  () => {
    let cluster: PostgresCluster;
    let url: string;
    let schemas = 0;
    const opened: ResourceStore[] = [];
    /** A store on a schema of its own (new unless given), closed after the test. */
    const open = async (options: PostgresStoreOptions = {}): Promise<ResourceStore> => {
      const store = await openPostgresStore(url, { schema: `t${++schemas}`, ...options });
      opened.push(store);
      return store;
    };

    beforeAll(async () => {
      cluster = await startPostgres();
      url = cluster.url;
    }, 120_000);
    afterAll(async () => {
      for (const s of opened.splice(0)) await s.close();
      await cluster?.stop();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    describeStoreSuite("postgres", async () => {
      const schema = `suite${++schemas}`;
      const stores = [await openPostgresStore(url, { schema })];
      return {
        store: stores[0]!,
        reopen: async () => {
          stores.push(await openPostgresStore(url, { schema }));
          return stores[stores.length - 1]!;
        },
        // The schema stays behind: the whole cluster is deleted after the file.
        cleanup: async () => {
          for (const s of stores) await s.close();
        },
      };
    });

    it("creates its schema on first open, records its migrations, and orders keys bytewise", async () => {
      const store = await open({ schema: "fresh" });
      const migrations = await cluster.sql("SELECT id FROM fresh.schema_migrations ORDER BY id");
      expect(migrations.rows.map((r: { id: number }) => r.id)).toEqual(
        Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1),
      );
      const collation = await cluster.sql(
        `SELECT collation_name FROM information_schema.columns
         WHERE table_schema = 'fresh' AND table_name = 'resources' AND column_name = 'key'`,
        [],
      );
      expect(collation.rows[0]).toEqual({ collation_name: "C" });
      // A second open of the migrated schema changes nothing.
      await store.close();
      await open({ schema: "fresh" });
      expect((await cluster.sql("SELECT count(*)::int AS n FROM fresh.schema_migrations")).rows[0]).toEqual({
        n: POSTGRES_SCHEMA_VERSION,
      });
    });

    it("refuses a schema newer than it knows, and a schema name that is not a plain identifier", async () => {
      await open({ schema: "future" });
      await cluster.sql(
        "INSERT INTO future.schema_migrations (id, description) VALUES ($1, 'from the future')",
        [POSTGRES_SCHEMA_VERSION + 1],
      );
      expect(await rejection(openPostgresStore(url, { schema: "future" }))).toMatchObject({
        name: "StoreError",
        code: "SchemaTooNew",
      });
      expect(await rejection(openPostgresStore(url, { schema: 'x"; DROP' }))).toMatchObject({
        code: "BadOptions",
      });
    });

    it("openStore takes a postgres:// or postgresql:// URL and keeps the estate in the 'vnetlab' schema", async () => {
      const viaCli = await openStore({ store: url, dataDir: "/nonexistent/never-created" });
      opened.push(viaCli);
      await viaCli.apply([{ kind: "put", resource: vnet("cli"), etag: "e" }]);
      const again = await openStore({ store: url.replace(/^postgres:/, "postgresql:") });
      opened.push(again);
      expect((await again.get(vnet("cli").id))?.etag).toBe("e");
      const rows = await cluster.sql("SELECT etag FROM vnetlab.resources");
      expect(rows.rows).toEqual([{ etag: "e" }]);
    });

    describe("two stores on one database, as two processes", () => {
      it("each reads the other's writes and versions, and preconditions see the other's writes", async () => {
        const a = await open({ schema: "shared1" });
        const b = await open({ schema: "shared1" });
        const v0 = await b.version();
        const v1 = await a.apply([{ kind: "put", resource: vnet("shared", { n: 1 }), etag: "e1" }]);
        expect(v1).toBe(v0 + 1);
        expect(await b.version()).toBe(v1);
        expect(await b.get(vnet("shared").id)).toMatchObject({
          etag: "e1",
          resource: { properties: { n: 1 } },
        });
        expect(await b.list({ scope: RG })).toHaveLength(1);
        await a.apply(
          [{ kind: "put", resource: vnet("shared", { n: 2 }), etag: "e2" }],
          [{ id: vnet("shared").id, etag: "e1" }],
        );
        const stale = await rejection(
          b.apply(
            [{ kind: "put", resource: vnet("shared", { n: 3 }), etag: "e3" }],
            [{ id: vnet("shared").id, etag: "e1" }],
          ),
        );
        expect(stale).toBeInstanceOf(StorePreconditionFailed);
        expect(stale).toMatchObject({ expected: "e1", actual: "e2" });
        expect(await a.version()).toBe(v1 + 1);
      });

      it("of two conflicting writes issued at once through both, exactly one wins, every time", async () => {
        const a = await open({ schema: "shared2" });
        const b = await open({ schema: "shared2" });
        const id = vnet("contested").id;
        await a.apply([{ kind: "put", resource: vnet("contested", { round: -1 }), etag: "start" }]);
        for (let round = 0; round < 20; round++) {
          const current = (await a.get(id))!.etag;
          const write = (store: ResourceStore, who: string): Promise<unknown> =>
            store
              .apply(
                [{ kind: "put", resource: vnet("contested", { round, who }), etag: `${who}-${round}` }],
                [{ id, etag: current }],
              )
              .then(
                () => who,
                (e: unknown) => e,
              );
          const outcomes = await Promise.all([write(a, "a"), write(b, "b")]);
          const winners = outcomes.filter((o) => typeof o === "string");
          expect(winners).toHaveLength(1);
          expect(outcomes.find((o) => typeof o !== "string")).toBeInstanceOf(StorePreconditionFailed);
          expect((await b.get(id))?.resource.properties).toEqual({ round, who: winners[0] });
        }
      });

      it("read-modify-write loops through both lose no increment, and the version counts every batch", async () => {
        const stores = [await open({ schema: "shared3" }), await open({ schema: "shared3" })];
        const v0 = await stores[0]!.version();
        await Promise.all(
          Array.from({ length: 6 }, (_, w) => incrementLoop(stores[w % 2]!, vnet("counter"), 15)),
        );
        expect((await stores[1]!.get(vnet("counter").id))?.resource.properties).toEqual({ n: 90 });
        expect(await stores[0]!.version()).toBe(v0 + 90);
      });
    });

    it("fails with StoreError Busy, not a driver error, when another writer holds the lock too long", async () => {
      const store = await open({ schema: "locked", lockTimeoutMs: 100 });
      const blocker: pg.Client = await cluster.connect();
      try {
        await blocker.query("BEGIN");
        await blocker.query("SELECT version FROM locked.store_version FOR UPDATE");
        const err = await rejection(store.apply([{ kind: "put", resource: vnet("v"), etag: "e" }]));
        expect(err).toMatchObject({ name: "StoreError", code: "Busy" });
        // Reads do not wait for writers.
        expect(await store.get(vnet("v").id)).toBeUndefined();
      } finally {
        await blocker.query("ROLLBACK");
        await blocker.end();
      }
      expect(await store.apply([{ kind: "put", resource: vnet("v"), etag: "e" }])).toBe(1);
    });

    it("reports an unreachable server or a missing database as StoreError Unavailable, without the password", async () => {
      const port = await freePort();
      const nowhere = `postgres://vnet:s3cret@127.0.0.1:${port}/x`;
      const refused = await rejection(openPostgresStore(nowhere, { connectTimeoutMs: 2000 }));
      expect(refused).toMatchObject({ name: "StoreError", code: "Unavailable" });
      expect((refused as Error).message).toContain(`127.0.0.1:${port}`);
      expect((refused as Error).message).not.toContain("s3cret");
      const missing = await rejection(openPostgresStore(url.replace(/\/postgres$/, "/no_such_db")));
      expect(missing).toMatchObject({ code: "Unavailable" });
      expect((missing as Error).message).toMatch(/no_such_db/);
    });

    it("keeps every acknowledged write across a server crash, is Unavailable while it is down, and reconnects", async () => {
      const store = await open({ schema: "crash" });
      const acked: StoredResource[] = [];
      // Writers keep going while the server is killed; only what apply() acknowledged must survive.
      let stop = false;
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; !stop; i++) {
          const resource = vnet(`w${w}-${i}`, { i });
          try {
            await store.apply([{ kind: "put", resource, etag: `e${w}-${i}` }]);
            acked.push({ id: resource.id, etag: `e${w}-${i}`, resource });
          } catch (e) {
            expect(e).toMatchObject({ name: "StoreError", code: "Unavailable" });
            return;
          }
        }
      };
      const writers = Promise.all([0, 1, 2].map(writer));
      while (acked.length < 30) await new Promise((r) => setTimeout(r, 5));
      await cluster.crash();
      stop = true;
      await writers;
      expect(await rejection(store.version())).toMatchObject({ code: "Unavailable" });
      await cluster.restart();
      // The same store, its pool now empty of the dead connections, works again.
      const listed = await store.list({ scope: RG });
      for (const r of acked) expect(listed).toContainEqual(r);
      expect(await store.version()).toBeGreaterThanOrEqual(acked.length);
    });
  },
);
