// The SQLite schema as numbered migrations. A database records which it has had in `schema_migrations`;
// opening runs the missing ones, in order, inside one IMMEDIATE transaction, so two processes opening the
// same new file at once cannot both migrate it. Append new migrations; never edit one that has shipped.
import type Database from "better-sqlite3";
import { StoreError } from "./errors.js";

interface Migration {
  id: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    description: "resources keyed by lower-cased id, a type index, the store version",
    sql: `
      -- key = idKey(id): the id lower-cased (by JavaScript, which lowers all of Unicode, not SQLite's ASCII
      -- lower()) without a trailing slash. The BINARY collation orders keys by UTF-8 bytes, the order list()
      -- promises, and lets a scope be a range scan on the key index.
      CREATE TABLE resources (
        key      TEXT NOT NULL PRIMARY KEY,
        id       TEXT NOT NULL,  -- as first written: ARM keeps the caller's casing
        type_key TEXT NOT NULL,  -- resource type, lower-cased
        etag     TEXT NOT NULL,
        body     TEXT NOT NULL   -- the ARM resource, JSON
      );
      -- list({ type }) and list({ scope, type }): equality on type, then a range on key, already in order.
      CREATE INDEX resources_by_type ON resources (type_key, key);
      -- One row, bumped in every write transaction: unlike PRAGMA data_version it is persistent and the
      -- same number for every connection and process, so version() can be compared across them.
      CREATE TABLE store_version (
        singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
        version   INTEGER NOT NULL
      );
      INSERT INTO store_version (singleton, version) VALUES (1, 0);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.id;

export function migrate(db: Database.Database, file: string): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id          INTEGER NOT NULL PRIMARY KEY,
      description TEXT NOT NULL,
      applied_at  TEXT NOT NULL
    )`);
    const row = db
      .prepare<[], { current: number | null }>("SELECT max(id) AS current FROM schema_migrations")
      .get();
    const current = row?.current ?? 0;
    if (current > SCHEMA_VERSION)
      throw new StoreError(
        "SchemaTooNew",
        `${file} has schema version ${current}; this vnetlab knows up to ${SCHEMA_VERSION}`,
      );
    const record = db.prepare<[number, string, string]>(
      "INSERT INTO schema_migrations (id, description, applied_at) VALUES (?, ?, ?)",
    );
    for (const m of MIGRATIONS) {
      if (m.id <= current) continue;
      db.exec(m.sql);
      record.run(m.id, m.description, new Date().toISOString());
    }
  }).immediate();
}
