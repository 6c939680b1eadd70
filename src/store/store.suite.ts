// The one conformance suite every ResourceStore implementation runs (memoryStore.test.ts,
// sqliteStore.test.ts, and later PostgreSQL): what the ARM layer may rely on, whatever the backend.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ArmResource } from "../model/arm.js";
import { StoreError } from "./errors.js";
import { StorePreconditionFailed, type ResourceStore } from "./types.js";

export interface StoreFixture {
  store: ResourceStore;
  /** Opens the same data again (after the test has closed `store`); absent for stores that keep nothing. */
  reopen?: () => Promise<ResourceStore>;
  /** Closes whatever is still open and removes what the fixture created. */
  cleanup: () => Promise<void>;
}

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000001";
const VNETS = "Microsoft.Network/virtualNetworks";
const NSGS = "Microsoft.Network/networkSecurityGroups";

function rg(name: string): string {
  return `${SUB}/resourceGroups/${name}`;
}

function res(group: string, type: string, name: string, properties: object = {}): ArmResource {
  return { id: `${rg(group)}/providers/${type}/${name}`, name, type, location: "eastus", properties };
}

const etag = (): string => `W/"${randomUUID()}"`;

/** Puts each resource with a fresh ETag, in one batch. */
async function putAll(store: ResourceStore, ...resources: ArmResource[]): Promise<number> {
  return store.apply(resources.map((resource) => ({ kind: "put", resource, etag: etag() })));
}

async function ids(store: ResourceStore, query?: Parameters<ResourceStore["list"]>[0]): Promise<string[]> {
  return (await store.list(query)).map((r) => r.id);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail("expected a rejection"),
    (err: unknown) => err,
  );
}

/**
 * Adds one to `properties.n` of `counter` in `store`, `times` times, each a read-modify-write guarded by the
 * ETag read and retried on StorePreconditionFailed: run several at once (on one store or on several sharing a
 * database), no increment may be lost. Returns how many conflicts it retried.
 */
export async function incrementLoop(
  store: ResourceStore,
  counter: ArmResource,
  times: number,
): Promise<number> {
  let conflicts = 0;
  for (let i = 0; i < times; i++) {
    for (;;) {
      const current = await store.get(counter.id);
      const n = (current?.resource.properties as { n?: number } | undefined)?.n ?? 0;
      // Yield between read and write so that the loops really interleave.
      await new Promise((r) => setImmediate(r));
      try {
        await store.apply(
          [{ kind: "put", resource: { ...counter, properties: { n: n + 1 } }, etag: etag() }],
          [{ id: counter.id, etag: current?.etag ?? null }],
        );
        break;
      } catch (err) {
        if (!(err instanceof StorePreconditionFailed)) throw err;
        conflicts++;
      }
    }
  }
  return conflicts;
}

/** `reopens`: the store outlives its handle (not the in-memory one), so the reopen case applies to it. */
export function describeStoreSuite(
  name: string,
  open: () => Promise<StoreFixture>,
  { reopens = true }: { reopens?: boolean } = {},
): void {
  describe(`ResourceStore conformance: ${name}`, () => {
    let fx: StoreFixture;
    let store: ResourceStore;
    beforeEach(async () => {
      fx = await open();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    describe("put, get, delete", () => {
      it("returns what was put, with its id and ETag", async () => {
        const vnet = res("rg", VNETS, "vnet1", { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } });
        await store.apply([{ kind: "put", resource: vnet, etag: "e1" }]);
        expect(await store.get(vnet.id)).toEqual({ id: vnet.id, etag: "e1", resource: vnet });
      });

      it("gives undefined for a resource that does not exist", async () => {
        expect(await store.get(res("rg", VNETS, "nope").id)).toBeUndefined();
      });

      it("replaces body and ETag on a second put", async () => {
        const v1 = res("rg", VNETS, "vnet1", { n: 1 });
        const v2 = res("rg", VNETS, "vnet1", { n: 2 });
        await store.apply([{ kind: "put", resource: v1, etag: "e1" }]);
        await store.apply([{ kind: "put", resource: v2, etag: "e2" }]);
        expect(await store.get(v1.id)).toEqual({ id: v1.id, etag: "e2", resource: v2 });
        expect(await store.list()).toHaveLength(1);
      });

      it("deletes, and deleting what does not exist is no error", async () => {
        const vnet = res("rg", VNETS, "vnet1");
        await putAll(store, vnet);
        await store.apply([{ kind: "delete", id: vnet.id }]);
        expect(await store.get(vnet.id)).toBeUndefined();
        await store.apply([{ kind: "delete", id: vnet.id }]);
        expect(await store.list()).toEqual([]);
      });

      it("hands out copies: mutating what was put or got changes nothing stored", async () => {
        const vnet = res("rg", VNETS, "vnet1", { n: 1 });
        await putAll(store, vnet);
        (vnet.properties as { n: number }).n = 99;
        const got = await store.get(vnet.id);
        expect(got?.resource.properties).toEqual({ n: 1 });
        (got!.resource.properties as { n: number }).n = 42;
        expect((await store.get(vnet.id))?.resource.properties).toEqual({ n: 1 });
      });

      it("stores the resource as JSON: undefined members do not come back", async () => {
        const vnet: ArmResource = { ...res("rg", VNETS, "vnet1"), tags: undefined };
        await putAll(store, vnet);
        expect(Object.keys((await store.get(vnet.id))!.resource)).not.toContain("tags");
      });

      it("rejects a malformed change with StoreError InvalidChange and applies nothing", async () => {
        const good = res("rg", VNETS, "good");
        const before = await store.version();
        const noEtag = rejection(
          store.apply([
            { kind: "put", resource: good, etag: "e" },
            { kind: "put", resource: res("rg", VNETS, "x"), etag: "" },
          ]),
        );
        expect(await noEtag).toMatchObject({ name: "StoreError", code: "InvalidChange" });
        const noId = { name: "x", type: VNETS } as ArmResource;
        expect(await rejection(store.apply([{ kind: "put", resource: noId, etag: "e" }]))).toBeInstanceOf(
          StoreError,
        );
        expect(await store.get(good.id)).toBeUndefined();
        expect(await store.version()).toBe(before);
      });
    });

    describe("ids and types compare case-insensitively", () => {
      it("finds a resource whatever the casing (and a trailing slash) of the id asked for", async () => {
        const vnet = res("RG-Net", VNETS, "VNet1");
        await putAll(store, vnet);
        expect((await store.get(vnet.id.toLowerCase()))?.id).toBe(vnet.id);
        expect((await store.get(vnet.id.toUpperCase()))?.id).toBe(vnet.id);
        expect((await store.get(vnet.id + "/"))?.id).toBe(vnet.id);
      });

      it("keeps the id as first written when a later put uses other casing", async () => {
        const first = res("RG", VNETS, "VNet1", { n: 1 });
        const again = { ...res("rg", VNETS, "vnet1", { n: 2 }) };
        await putAll(store, first);
        await putAll(store, again);
        const got = await store.get(first.id);
        expect(got?.id).toBe(first.id);
        expect(got?.resource).toEqual(again);
        expect(await store.list()).toHaveLength(1);
      });

      it("deletes and checks preconditions case-insensitively", async () => {
        const vnet = res("rg", VNETS, "vnet1");
        await store.apply([{ kind: "put", resource: vnet, etag: "e1" }]);
        await store.apply(
          [{ kind: "delete", id: vnet.id.toUpperCase() }],
          [{ id: vnet.id.toUpperCase(), etag: "e1" }],
        );
        expect(await store.get(vnet.id)).toBeUndefined();
      });
    });

    describe("list", () => {
      beforeEach(async () => {
        await putAll(
          store,
          res("rg", VNETS, "vnet-b"),
          res("RG", NSGS, "nsg1"),
          res("rg", VNETS, "VNET-A"),
          res("rg2", VNETS, "vnet-c"),
          res("rg-x", VNETS, "vnet-d"),
          res("rg.x", NSGS, "nsg2"),
          { id: rg("rg"), name: "rg", type: "Microsoft.Resources/resourceGroups", location: "eastus" },
        );
      });

      it("lists everything ordered by lower-cased id", async () => {
        const all = await ids(store);
        expect(all).toHaveLength(7);
        const keys = all.map((id) => id.toLowerCase());
        expect(keys).toEqual([...keys].sort());
      });

      it("lists a scope case-insensitively, on segment boundaries only, including the scope itself", async () => {
        const expected = [
          rg("rg"),
          `${rg("RG")}/providers/${NSGS}/nsg1`,
          `${rg("rg")}/providers/${VNETS}/VNET-A`,
          `${rg("rg")}/providers/${VNETS}/vnet-b`,
        ];
        expect(await ids(store, { scope: rg("rg") })).toEqual(expected);
        expect(await ids(store, { scope: rg("RG").toUpperCase() + "/" })).toEqual(expected);
        expect(await ids(store, { scope: rg("rg2") })).toEqual([`${rg("rg2")}/providers/${VNETS}/vnet-c`]);
        expect(await ids(store, { scope: rg("r") })).toEqual([]);
        expect(await ids(store, { scope: SUB.toUpperCase() })).toHaveLength(7);
      });

      it("lists a type case-insensitively, alone and within a scope", async () => {
        expect(await ids(store, { type: NSGS.toLowerCase() })).toEqual([
          // "." sorts before "/": rg.x/... comes before rg/...
          `${rg("rg.x")}/providers/${NSGS}/nsg2`,
          `${rg("RG")}/providers/${NSGS}/nsg1`,
        ]);
        expect(await ids(store, { scope: rg("rg"), type: VNETS.toUpperCase() })).toEqual([
          `${rg("rg")}/providers/${VNETS}/VNET-A`,
          `${rg("rg")}/providers/${VNETS}/vnet-b`,
        ]);
        expect(await ids(store, { type: "Microsoft.Network/publicIPAddresses" })).toEqual([]);
      });

      it("orders by code point (UTF-8 byte order), beyond ASCII too", async () => {
        // JavaScript's default sort would put U+1F600 (a surrogate pair) before U+FF41.
        const names = ["\u{1F600}", "\uFF21", "\u00E9", "Z", "a"];
        await putAll(store, ...names.map((n) => res("uni", VNETS, n)));
        const got = (await ids(store, { scope: rg("uni") })).map((id) => id.split("/").pop());
        expect(got).toEqual(["a", "Z", "\u00E9", "\uFF21", "\u{1F600}"]);
      });
    });

    describe("batches and preconditions", () => {
      it("applies a batch in order: a put then a delete of the same id leaves nothing", async () => {
        const a = res("rg", VNETS, "a");
        const b = res("rg", VNETS, "b");
        await store.apply([
          { kind: "put", resource: a, etag: "1" },
          { kind: "put", resource: b, etag: "2" },
          { kind: "delete", id: a.id },
        ]);
        expect(await ids(store)).toEqual([b.id]);
      });

      it("within a batch, the first put creates (its casing kept) and a delete lets the next put re-create", async () => {
        const v = (group: string, name: string, n: number) => res(group, VNETS, name, { n });
        await store.apply([{ kind: "put", resource: v("rg", "kept", 0), etag: "k0" }]);
        await store.apply([
          { kind: "put", resource: v("RG", "New", 1), etag: "n1" },
          { kind: "put", resource: v("rg", "new", 2), etag: "n2" },
          { kind: "put", resource: v("RG", "KEPT", 1), etag: "k1" },
          { kind: "delete", id: v("rg", "kept", 0).id },
          { kind: "put", resource: v("Rg", "Kept", 2), etag: "k2" },
          { kind: "put", resource: v("rg", "kept", 3), etag: "k3" },
        ]);
        expect(await store.get(v("rg", "new", 0).id)).toEqual({
          id: v("RG", "New", 0).id,
          etag: "n2",
          resource: v("rg", "new", 2),
        });
        expect(await store.get(v("rg", "kept", 0).id)).toEqual({
          id: v("Rg", "Kept", 0).id,
          etag: "k3",
          resource: v("rg", "kept", 3),
        });
      });

      it("applies nothing of a batch whose precondition fails", async () => {
        const a = res("rg", VNETS, "a");
        const b = res("rg", VNETS, "b");
        const c = res("rg", VNETS, "c");
        await store.apply([{ kind: "put", resource: c, etag: "c1" }]);
        const err = await rejection(
          store.apply(
            [
              { kind: "put", resource: a, etag: "a1" },
              { kind: "put", resource: b, etag: "b1" },
              { kind: "delete", id: c.id },
            ],
            [
              { id: a.id, etag: null },
              { id: c.id, etag: "stale" },
            ],
          ),
        );
        expect(err).toBeInstanceOf(StorePreconditionFailed);
        expect(await ids(store)).toEqual([c.id]);
      });

      it("etag null means 'must not exist'", async () => {
        const a = res("rg", VNETS, "a");
        await store.apply([{ kind: "put", resource: a, etag: "a1" }], [{ id: a.id, etag: null }]);
        const err = await rejection(
          store.apply([{ kind: "put", resource: a, etag: "a2" }], [{ id: a.id, etag: null }]),
        );
        expect(err).toBeInstanceOf(StorePreconditionFailed);
        expect(err).toMatchObject({ expected: null, actual: "a1" });
        expect((await store.get(a.id))?.etag).toBe("a1");
      });

      it("a stale ETag fails with expected and actual; the current one succeeds", async () => {
        const a = res("rg", VNETS, "a");
        await store.apply([{ kind: "put", resource: a, etag: "a1" }]);
        await store.apply([{ kind: "put", resource: a, etag: "a2" }], [{ id: a.id, etag: "a1" }]);
        const err = await rejection(
          store.apply([{ kind: "put", resource: a, etag: "a3" }], [{ id: a.id, etag: "a1" }]),
        );
        expect(err).toBeInstanceOf(StorePreconditionFailed);
        expect(err).toMatchObject({ id: a.id, expected: "a1", actual: "a2" });
        const gone = await rejection(store.apply([], [{ id: res("rg", VNETS, "gone").id, etag: "x" }]));
        expect(gone).toMatchObject({ expected: "x", actual: null });
      });
    });

    describe("version", () => {
      it("grows with every applied batch, is what apply returns, and stays put when a batch fails", async () => {
        const v0 = await store.version();
        const v1 = await putAll(store, res("rg", VNETS, "a"));
        expect(v1).toBeGreaterThan(v0);
        expect(await store.version()).toBe(v1);
        const v2 = await store.apply([{ kind: "delete", id: res("rg", VNETS, "a").id }]);
        expect(v2).toBeGreaterThan(v1);
        await rejection(
          store.apply(
            [{ kind: "put", resource: res("rg", VNETS, "b"), etag: "b" }],
            [{ id: res("rg", VNETS, "b").id, etag: "nope" }],
          ),
        );
        expect(await store.version()).toBe(v2);
      });
    });

    if (reopens)
      it("survives a reopen: resources, ETags, deletions and version", async () => {
        const a = res("rg", VNETS, "a", { n: 1 });
        const b = res("rg", NSGS, "b", { rules: [{ name: "r1" }] });
        await store.apply([
          { kind: "put", resource: a, etag: "a1" },
          { kind: "put", resource: b, etag: "b1" },
        ]);
        await store.apply([{ kind: "delete", id: b.id }]);
        const before = { list: await store.list(), version: await store.version() };
        await store.close();
        store = await fx.reopen!();
        expect(await store.list()).toEqual(before.list);
        expect(await store.version()).toBe(before.version);
        expect(await store.get(a.id)).toEqual({ id: a.id, etag: "a1", resource: a });
      });

    it("loses no increment under concurrent read-modify-write loops that retry on a failed precondition", async () => {
      const writers = 8;
      const increments = 25;
      const counter = res("rg", "Microsoft.Vnetlab/counters", "c");
      const conflicts = await Promise.all(
        Array.from({ length: writers }, () => incrementLoop(store, counter, increments)),
      );
      expect((await store.get(counter.id))?.resource.properties).toEqual({ n: writers * increments });
      expect(conflicts.reduce((a, b) => a + b)).toBeGreaterThan(0);
    });

    it("refuses work after close with StoreError Closed; closing twice is fine", async () => {
      await store.close();
      await store.close();
      expect(await rejection(store.get(rg("rg")))).toMatchObject({ name: "StoreError", code: "Closed" });
      expect(await rejection(store.apply([]))).toMatchObject({ code: "Closed" });
      expect(await rejection(store.version())).toMatchObject({ code: "Closed" });
    });
  });
}
