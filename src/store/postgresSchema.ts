// The PostgreSQL schema as numbered migrations, like sqliteSchema.ts. Everything lives in one schema of its
// own ("vnetlab" unless told otherwise), because the database is often one a team already runs and a table
// called `resources` may well exist in `public`. A database records its migrations in that schema's
// `schema_migrations`; opening runs the missing ones in one transaction under an advisory lock, so two
// processes opening the same new database at once cannot both migrate it. Append; never edit a shipped one.
import type { PoolClient } from "pg";
import { StoreError } from "./errors.js";

export const DEFAULT_SCHEMA = "vnetlab";

interface Migration {
  id: number;
  description: string;
  /** The statements, given the (already quoted) schema name. */
  sql: (schema: string) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    description: "resources keyed by lower-cased id, a type index, the store version",
    sql: (s) => `
      -- key = idKey(id), lower-cased by JavaScript as in SQLite. COLLATE "C" compares bytes, which in a UTF-8
      -- database is code point order: the order list() promises (common.compareKeys), whatever the
      -- database's default collation, and a scope becomes a range scan on the primary key.
      -- body is text, not jsonb: jsonb would reorder members and cost a parse per write for nothing queried.
      CREATE TABLE ${s}.resources (
        key      text COLLATE "C" NOT NULL PRIMARY KEY,
        id       text NOT NULL,  -- as first written: ARM keeps the caller's casing
        type_key text COLLATE "C" NOT NULL,
        etag     text NOT NULL,
        body     text NOT NULL
      );
      CREATE INDEX resources_by_type ON ${s}.resources (type_key, key);
      -- One row: every write transaction locks it first (serialising writers across processes) and bumps it,
      -- so its value is the same for every connection and grows by one per applied batch.
      CREATE TABLE ${s}.store_version (
        singleton integer NOT NULL PRIMARY KEY CHECK (singleton = 1),
        version   bigint NOT NULL
      );
      INSERT INTO ${s}.store_version (singleton, version) VALUES (1, 0);
    `,
  },
];

export const POSTGRES_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.id;

/**
 * The schema name, quoted for SQL. It is interpolated into statements (identifiers cannot be parameters),
 * so only plain lower-case identifiers are accepted; quoting still guards against reserved words.
 */
export function quoteSchema(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new StoreError(
      "BadOptions",
      `schema name ${JSON.stringify(name)} is not a plain lower-case identifier`,
    );
  return `"${name}"`;
}

/** Runs the missing migrations on `client`, which is not in a transaction; `where` names the database. */
export async function migrate(client: PoolClient, schema: string, where: string): Promise<void> {
  const s = quoteSchema(schema);
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`vnetlab migrations ${schema}`]);
    // Keys are stored as the UTF-8 the driver sends; another encoding would reorder or refuse them.
    const encoding = (await client.query<{ server_encoding: string }>("SHOW server_encoding")).rows[0]!;
    if (!["UTF8", "SQL_ASCII"].includes(encoding.server_encoding))
      throw new StoreError(
        "BadOptions",
        `${where}: the database's encoding is ${encoding.server_encoding}; vnetlab needs UTF8`,
      );
    // Existence is checked first because CREATE ... IF NOT EXISTS still demands the CREATE privilege, which a
    // role that only reads and writes an existing schema does not have.
    const found = await client.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [
      `${s}.schema_migrations`,
    ]);
    if (found.rows[0]?.t == null) {
      const ns = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
      if (ns.rowCount === 0) await client.query(`CREATE SCHEMA ${s}`);
      await client.query(`CREATE TABLE ${s}.schema_migrations (
        id          integer NOT NULL PRIMARY KEY,
        description text NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
      )`);
    }
    const row = await client.query<{ current: number | null }>(
      `SELECT max(id) AS current FROM ${s}.schema_migrations`,
    );
    const current = row.rows[0]?.current ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION)
      throw new StoreError(
        "SchemaTooNew",
        `${where} has vnetlab schema version ${current}; this vnetlab knows up to ${POSTGRES_SCHEMA_VERSION}`,
      );
    for (const m of MIGRATIONS) {
      if (m.id <= current) continue;
      await client.query(m.sql(s));
      await client.query(`INSERT INTO ${s}.schema_migrations (id, description) VALUES ($1, $2)`, [
        m.id,
        m.description,
      ]);
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}
