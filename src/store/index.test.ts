import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DATABASE_FILE, describeStore, openStore, type ResourceStore } from "./index.js";

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
    const store = await openStore({ dataDir });
    stores.push(store);
    const id = "/subscriptions/s/resourceGroups/rg";
    await store.apply([
      { kind: "put", resource: { id, name: "rg", type: "Microsoft.Resources/resourceGroups" }, etag: "e" },
    ]);
    await store.close();
    expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(true);
    const again = await openStore({ dataDir });
    stores.push(again);
    expect((await again.get(id))?.etag).toBe("e");
  });

  it("keeps everything in memory with --in-memory, even when a data directory is given", async () => {
    const dataDir = join(tmpdir(), "vnetlab-never-created-" + process.pid);
    const store = await openStore({ inMemory: true, dataDir });
    stores.push(store);
    expect(await store.list()).toEqual([]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("needs a data directory unless in memory", async () => {
    await expect(openStore({})).rejects.toMatchObject({ name: "StoreError", code: "BadOptions" });
  });

  it("--store with a file path opens SQLite there, creating its directory, whatever --data-dir says", async () => {
    const base = mkdtempSync(join(tmpdir(), "vnetlab-open-"));
    dirs.push(base);
    const file = join(base, "elsewhere", "estate.db");
    const store = await openStore({ store: file, dataDir: join(base, "data") });
    stores.push(store);
    await store.apply([]);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(join(base, "data"))).toBe(false);
    expect(describeStore({ store: file })).toBe(file);
  });

  it("refuses --in-memory together with --store", async () => {
    await expect(openStore({ inMemory: true, store: "x.db" })).rejects.toMatchObject({ code: "BadOptions" });
  });

  it("describes a PostgreSQL store without its password", () => {
    for (const scheme of ["postgres", "postgresql"]) {
      const shown = describeStore({ store: `${scheme}://vnet:s3cret@db.example:5432/estate`, dataDir: "d" });
      expect(shown).toBe(`${scheme}://vnet:***@db.example:5432/estate`);
    }
    expect(describeStore({ store: "postgres://u@h/db?password=s3cret" })).not.toContain("s3cret");
    expect(describeStore({ inMemory: true })).toMatch(/in memory/);
  });
});
