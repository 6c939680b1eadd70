// The store layer's public face, and the one place that turns command-line options into a store.
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { StoreError } from "./errors.js";
import { createMemoryStore } from "./memoryStore.js";
import { isPostgresUrl, openPostgresStore, redactPostgresUrl } from "./postgresStore.js";
import { openSqliteStore } from "./sqliteStore.js";
import type { ResourceStore } from "./types.js";

export * from "./types.js";
export { StoreError, type StoreErrorCode } from "./errors.js";
export { createMemoryStore } from "./memoryStore.js";
export { openSqliteStore, type SqliteStoreOptions } from "./sqliteStore.js";
export { openPostgresStore, type PostgresStoreOptions } from "./postgresStore.js";
export { SCHEMA_VERSION } from "./sqliteSchema.js";

/** The file name of the SQLite database inside `--data-dir`. */
export const DATABASE_FILE = "vnetlab.db";

export interface OpenStoreOptions {
  /** Keep everything in memory (`--in-memory`): nothing survives the process. */
  inMemory?: boolean;
  /** Directory of the SQLite database (`--data-dir`); created when missing. */
  dataDir?: string;
  /**
   * `--store`: a `postgres://` or `postgresql://` URL keeps the estate in PostgreSQL; anything else is the
   * path of a SQLite file (its directory created when missing). Absent: SQLite in `dataDir`.
   */
  store?: string;
}

type Target = { kind: "memory" } | { kind: "postgres"; url: string } | { kind: "sqlite"; file: string };

function target(opts: OpenStoreOptions): Target {
  if (opts.inMemory) {
    if (opts.store) throw new StoreError("BadOptions", "use either --in-memory or --store, not both");
    return { kind: "memory" };
  }
  if (opts.store) {
    return isPostgresUrl(opts.store)
      ? { kind: "postgres", url: opts.store }
      : { kind: "sqlite", file: resolve(opts.store) };
  }
  // No default directory here: where data lives is the CLI's decision, and a silent default would scatter
  // databases over whatever directory the server happened to start in.
  if (!opts.dataDir)
    throw new StoreError("BadOptions", "a data directory is needed unless the store is in memory");
  return { kind: "sqlite", file: join(resolve(opts.dataDir), DATABASE_FILE) };
}

/** Asynchronous because a PostgreSQL store connects and migrates before it is handed out. */
export async function openStore(opts: OpenStoreOptions): Promise<ResourceStore> {
  const t = target(opts);
  if (t.kind === "memory") return createMemoryStore();
  if (t.kind === "postgres") return openPostgresStore(t.url);
  mkdirSync(dirname(t.file), { recursive: true });
  return openSqliteStore(t.file);
}

/** Where openStore(opts) keeps the estate, for humans: a file, a URL without its password, or memory. */
export function describeStore(opts: OpenStoreOptions): string {
  const t = target(opts);
  if (t.kind === "memory") return "in memory (nothing is kept)";
  return t.kind === "postgres" ? redactPostgresUrl(t.url) : t.file;
}
