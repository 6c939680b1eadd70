import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DATABASE_FILE, openStore, type ResourceStore } from "./index.js";

describe("openStore", () => {
  const dirs: string[] = [];
  const stores: ResourceStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("opens SQLite in --data-dir, creating the directory, and keeps data across opens", async () => {
    const base = mkdtempSync(join(tmpdir(), "vnetlab-open-"));
    dirs.push(base);
    const dataDir = join(base, "nested", "data");
    const store = openStore({ dataDir });
    stores.push(store);
    const id = "/subscriptions/s/resourceGroups/rg";
    await store.apply([
      { kind: "put", resource: { id, name: "rg", type: "Microsoft.Resources/resourceGroups" }, etag: "e" },
    ]);
    await store.close();
    expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(true);
    const again = openStore({ dataDir });
    stores.push(again);
    expect((await again.get(id))?.etag).toBe("e");
  });

  it("keeps everything in memory with --in-memory, even when a data directory is given", async () => {
    const dataDir = join(tmpdir(), "vnetlab-never-created-" + process.pid);
    const store = openStore({ inMemory: true, dataDir });
    stores.push(store);
    expect(await store.list()).toEqual([]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("needs a data directory unless in memory", () => {
    expect(() => openStore({})).toThrow(expect.objectContaining({ name: "StoreError", code: "BadOptions" }));
  });
});
