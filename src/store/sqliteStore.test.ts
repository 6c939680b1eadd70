import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ArmResource } from "../model/arm.js";
import { StoreError } from "./errors.js";
import { SCHEMA_VERSION } from "./sqliteSchema.js";
import { openSqliteStore } from "./sqliteStore.js";
import { describeStoreSuite, incrementLoop } from "./store.suite.js";
import { StorePreconditionFailed, type ResourceStore, type StoredResource } from "./types.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "vnetlab-store-"));
}

describeStoreSuite("sqlite", async () => {
  const dir = tempDir();
  const file = join(dir, "vnetlab.db");
  const opened: ResourceStore[] = [openSqliteStore(file)];
  return {
    store: opened[0]!,
    reopen: async () => {
      const s = openSqliteStore(file);
      opened.push(s);
      return s;
    },
    cleanup: async () => {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const RG = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg";
// Where testWorker.ts writes.
const CRASH_RG = "/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/crash";
const CRASH_LATEST = `${CRASH_RG}/providers/Microsoft.Vnetlab/counters/latest`;
const vnet = (name: string, properties: object = {}): ArmResource => ({
  id: `${RG}/providers/Microsoft.Network/virtualNetworks/${name}`,
  name,
  type: "Microsoft.Network/virtualNetworks",
  properties,
});

describe("SQLite store", () => {
  let dir: string;
  let file: string;
  const opened: ResourceStore[] = [];
  const open = (options?: Parameters<typeof openSqliteStore>[1]): ResourceStore => {
    const s = openSqliteStore(file, options);
    opened.push(s);
    return s;
  };
  /** A plain connection to the file, as the sqlite3 CLI or another tool would have. */
  const raw = (): Database.Database => new Database(file);

  beforeEach(() => {
    dir = tempDir();
    file = join(dir, "vnetlab.db");
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("records its schema migrations and leaves the file in WAL mode", async () => {
    await open().close();
    const db = raw();
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      const applied = db.prepare<[], { id: number }>("SELECT id FROM schema_migrations ORDER BY id").all();
      expect(applied.map((m) => m.id)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    } finally {
      db.close();
    }
  });

  it("refuses a database whose schema is newer than it knows", async () => {
    await open().close();
    const db = raw();
    db.prepare("INSERT INTO schema_migrations VALUES (?, 'from the future', '2099-01-01')").run(
      SCHEMA_VERSION + 1,
    );
    db.close();
    expect(() => open()).toThrow(expect.objectContaining({ name: "StoreError", code: "SchemaTooNew" }));
  });

  it("fails with StoreError Busy, not a driver error, when another connection holds the lock too long", async () => {
    const store = open({ busyTimeoutMs: 50 });
    const blocker = raw();
    blocker.exec("BEGIN IMMEDIATE");
    try {
      const err = await store
        .apply([{ kind: "put", resource: vnet("v"), etag: "e" }])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect(err).toMatchObject({ code: "Busy" });
    } finally {
      blocker.exec("ROLLBACK");
      blocker.close();
    }
    expect(await store.get(vnet("v").id)).toBeUndefined();
  });

  it("two handles on one file (as two processes) see each other's writes and version", async () => {
    const a = open();
    const b = open();
    const v0 = await b.version();
    const v1 = await a.apply([{ kind: "put", resource: vnet("shared", { n: 1 }), etag: "e1" }]);
    expect(await b.version()).toBe(v1);
    expect(v1).toBeGreaterThan(v0);
    expect(await b.get(vnet("shared").id)).toMatchObject({ etag: "e1", resource: { properties: { n: 1 } } });
    // b's precondition sees a's write: the ETag b read before a's next write is stale.
    await a.apply(
      [{ kind: "put", resource: vnet("shared", { n: 2 }), etag: "e2" }],
      [{ id: vnet("shared").id, etag: "e1" }],
    );
    const err = await b
      .apply(
        [{ kind: "put", resource: vnet("shared", { n: 3 }), etag: "e3" }],
        [{ id: vnet("shared").id, etag: "e1" }],
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorePreconditionFailed);
    expect(err).toMatchObject({ expected: "e1", actual: "e2" });
  });

  it("loses no increment when read-modify-write loops run through two handles", async () => {
    const handles = [open(), open()];
    await Promise.all(
      Array.from({ length: 6 }, (_, w) => incrementLoop(handles[w % 2]!, vnet("counter"), 20)),
    );
    expect((await handles[1]!.get(vnet("counter").id))?.resource.properties).toEqual({ n: 120 });
  });

  it("loses no acknowledged write and corrupts nothing when the writer is SIGKILLed mid-burst", async () => {
    // The parent holds its own handle throughout, as a second server process would.
    const observer = open();
    const acked: StoredResource[] = [];
    // Three kills, each round continuing on the file the previous one left, at a different depth.
    for (let round = 0; round < 3; round++) {
      const before = await observer.version();
      const got = await burstThenKill(file, round * 100_000, 60 + 40 * round);
      expect(got.signal).toBe("SIGKILL");
      acked.push(...got.acked);
      // The other process's commits are visible to this handle and have moved its version.
      expect(await observer.version()).toBeGreaterThanOrEqual(before + got.acked.length);
      // Batches stay whole across the crash: `latest` names a vnet written in the same batch, which exists,
      // and it is at least as far as the last acknowledgement.
      const latest = (await observer.get(CRASH_LATEST))?.resource.properties as { i: number } | undefined;
      const lastAcked = got.acked[got.acked.length - 1]!.resource.properties as { i: number };
      expect(latest!.i).toBeGreaterThanOrEqual(lastAcked.i);
      expect(
        await observer.get(`${CRASH_RG}/providers/Microsoft.Network/virtualNetworks/vnet-${latest!.i}`),
      ).toBeDefined();
    }
    await observer.close();

    const store = open();
    for (const r of acked) expect(await store.get(r.id)).toEqual(r);
    await store.close();
    const db = raw();
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      db.close();
    }
  });
});

/**
 * Runs testWorker.ts on the file, collects the resources it acknowledges, and SIGKILLs it once `ackTarget`
 * have arrived, at whatever point of its write loop it has reached.
 */
async function burstThenKill(
  file: string,
  firstIndex: number,
  ackTarget: number,
): Promise<{ acked: StoredResource[]; signal: NodeJS.Signals | null }> {
  const worker = join(import.meta.dirname, "testWorker.ts");
  const child = spawn(process.execPath, ["--import", "tsx", worker, file, String(firstIndex)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const acked: StoredResource[] = [];
  let pending = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    // A line without its newline yet may be cut short by the kill: only whole lines count as acknowledged.
    pending = lines.pop()!;
    for (const line of lines) acked.push(JSON.parse(line) as StoredResource);
    if (acked.length >= ackTarget && child.exitCode === null && child.signalCode === null)
      child.kill("SIGKILL");
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`worker produced ${acked.length} acknowledgements in time; stderr: ${stderr}`));
    }, 8000);
    child.on("exit", (_code, sig) => {
      clearTimeout(timer);
      resolve(sig);
    });
  });
  if (acked.length < ackTarget) throw new Error(`worker exited after ${acked.length} writes: ${stderr}`);
  return { acked, signal };
}
