// The store layer's public face, and the one place that turns command-line options into a store.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { StoreError } from "./errors.js";
import { createMemoryStore } from "./memoryStore.js";
import { openSqliteStore } from "./sqliteStore.js";
import type { ResourceStore } from "./types.js";

export * from "./types.js";
export { StoreError, type StoreErrorCode } from "./errors.js";
export { createMemoryStore } from "./memoryStore.js";
export { openSqliteStore, type SqliteStoreOptions } from "./sqliteStore.js";
export { SCHEMA_VERSION } from "./sqliteSchema.js";

/** The file name of the SQLite database inside `--data-dir`. */
export const DATABASE_FILE = "vnetlab.db";

export interface OpenStoreOptions {
  /** Keep everything in memory (`--in-memory`): nothing survives the process. */
  inMemory?: boolean;
  /** Directory of the SQLite database (`--data-dir`); created when missing. */
  dataDir?: string;
}

export function openStore(opts: OpenStoreOptions): ResourceStore {
  if (opts.inMemory) return createMemoryStore();
  // No default directory here: where data lives is the CLI's decision, and a silent default would scatter
  // databases over whatever directory the server happened to start in.
  if (!opts.dataDir)
    throw new StoreError("BadOptions", "a data directory is needed unless the store is in memory");
  mkdirSync(opts.dataDir, { recursive: true });
  return openSqliteStore(join(opts.dataDir, DATABASE_FILE));
}
