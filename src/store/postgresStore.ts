// The shared-server store (`--store postgres://...`): one PostgreSQL database that several vnetlab processes,
// on several machines, use at once.
// - Writers are serialised by a row lock, not by SERIALIZABLE. Every apply is one READ COMMITTED transaction
//   whose first statement bumps the single `store_version` row, which locks it until commit: the next writer,
//   in this process or any other, waits there. In READ COMMITTED each later statement takes a fresh snapshot,
//   so the preconditions, read after the lock is granted, see every batch committed before it, and nothing
//   can commit between check and write. SERIALIZABLE would give the same safety only with a retry loop on
//   serialization failures — and every writer updates the version row anyway, so they would conflict and
//   retry on every concurrent batch. The lock also makes the version grow by exactly one per batch, in commit
//   order, which the ARM layer relies on to tell its own writes from other processes' (armState.adopt).
// - Durable on acknowledgement: each write transaction sets synchronous_commit = on itself (whatever the
//   server's or role's default), so COMMIT returns only once the WAL is flushed.
// - Reads are single statements, each on its own consistent snapshot; they never wait for writers.
// - Driver failures become StoreError: "Unavailable" for the connection (with the URL, password removed),
//   "Busy" when the lock wait exceeds lock_timeout.
import pg from "pg";
import {
  checkChanges,
  idKey,
  normalizeQuery,
  toStored,
  type CheckedChange,
  type CheckedPut,
  type ResourceRow,
} from "./common.js";
import { StoreError } from "./errors.js";
import { DEFAULT_SCHEMA, migrate, quoteSchema } from "./postgresSchema.js";
import {
  StorePreconditionFailed,
  type ListQuery,
  type ResourceStore,
  type StoreChange,
  type StorePrecondition,
} from "./types.js";

export interface PostgresStoreOptions {
  /** The schema that holds vnetlab's tables (default "vnetlab"); created on first open. */
  schema?: string;
  /** How long a writer waits for another writer's lock before failing with StoreError "Busy" (default 5 s). */
  lockTimeoutMs?: number;
  /** Connections in this process's pool (default 10). */
  maxConnections?: number;
  /** How long to wait for a new connection before failing with StoreError "Unavailable" (default 10 s). */
  connectTimeoutMs?: number;
}

export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** The URL without its password, for messages and logs. */
export function redactPostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    if (u.searchParams.has("password")) u.searchParams.set("password", "***");
    return u.toString();
  } catch {
    return "(unparseable PostgreSQL URL)";
  }
}

/** A batch reduced to the end state of each key it touches, so it is written in two statements, not N. */
interface NetEffect {
  /** Keys deleted at some point of the batch: removed first, whatever follows. */
  deletes: string[];
  /** Keys that end up present, with their last put and the id they were (re)created with in this batch. */
  puts: { put: CheckedPut; createdAs: string }[];
}

/**
 * Applying the net effect equals applying the changes in order: a key that ends deleted is deleted; one that
 * ends put is upserted with its last put, and its id (kept on conflict, as ARM keeps the first casing) is that
 * of the first put after its last delete — the put that would have created the row.
 */
function netEffect(changes: readonly CheckedChange[]): NetEffect {
  const byKey = new Map<string, { deleted: boolean; put?: CheckedPut; createdAs?: string }>();
  for (const c of changes) {
    const s = byKey.get(c.key) ?? { deleted: false };
    if (c.kind === "delete") {
      s.deleted = true;
      s.put = s.createdAs = undefined;
    } else {
      s.put = c;
      s.createdAs ??= c.id;
    }
    byKey.set(c.key, s);
  }
  const net: NetEffect = { deletes: [], puts: [] };
  for (const [key, s] of byKey) {
    if (s.deleted) net.deletes.push(key);
    if (s.put) net.puts.push({ put: s.put, createdAs: s.createdAs! });
  }
  return net;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** SQLSTATE classes and codes that mean the connection or the login failed, not the statement. */
const UNAVAILABLE = /^(08|28|3D000|57P0[1-3]|53300)/;

/**
 * The store's own error for a driver failure. The driver raises DatabaseError for everything the server
 * reports; any other error comes from the socket or the driver's own timeouts, i.e. the connection.
 */
function translate(err: unknown, where: string, committing = false): unknown {
  if (err instanceof StoreError || err instanceof StorePreconditionFailed || !(err instanceof Error))
    return err;
  const unknownOutcome = committing ? "; the write may or may not have been applied" : "";
  if (err instanceof pg.DatabaseError) {
    const code = err.code ?? "";
    if (code === "55P03")
      return new StoreError("Busy", `${where}: another writer held the lock longer than the lock timeout`, {
        cause: err,
      });
    if (code === "22021" || code === "22P05")
      return new StoreError("InvalidChange", `${where} cannot store the batch: ${err.message}`, {
        cause: err,
      });
    if (!UNAVAILABLE.test(code)) return err;
  }
  const detail = err.message || (err as NodeJS.ErrnoException).code || err.name;
  return new StoreError("Unavailable", `PostgreSQL at ${where}: ${detail}${unknownOutcome}`, { cause: err });
}

/** Opens the store on `url`, creating or migrating its schema; fails fast when the server cannot be used. */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<ResourceStore> {
  const where = redactPostgresUrl(url);
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const s = quoteSchema(schema);
  const lockTimeoutMs = Math.max(1, Math.floor(options.lockTimeoutMs ?? 5000));
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    keepAlive: true,
    application_name: "vnetlab",
  });
  // An idle connection that the server drops (restart, pg_terminate_backend) is reported here; the pool has
  // already discarded it and the next query opens a new one. Unhandled, the event would crash the process.
  pool.on("error", () => undefined);

  const SQL = {
    get: `SELECT id, etag, body FROM ${s}.resources WHERE key = $1`,
    version: `SELECT version FROM ${s}.store_version`,
    // Multi-statement, so it costs one round trip; SET LOCAL lasts for this transaction only.
    begin: `BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit = on; SET LOCAL lock_timeout = ${lockTimeoutMs}`,
    bump: `UPDATE ${s}.store_version SET version = version + 1 RETURNING version`,
    etags: `SELECT key, etag FROM ${s}.resources WHERE key = ANY($1::text[])`,
    remove: `DELETE FROM ${s}.resources WHERE key = ANY($1::text[])`,
    // On conflict the id column is left alone: ARM keeps the casing the resource was created with.
    upsert: `INSERT INTO ${s}.resources (key, id, type_key, etag, body)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
      ON CONFLICT (key) DO UPDATE SET type_key = excluded.type_key, etag = excluded.etag, body = excluded.body`,
  };

  /**
   * A pooled connection with a listener for its 'error' event: the pool listens only while a connection is
   * idle, and a checked-out connection that the server drops would otherwise raise an uncaught exception.
   * Its queries fail too, which is how the caller learns; release() discards a connection that failed.
   */
  async function checkout(): Promise<{ client: pg.PoolClient; release: (failed?: unknown) => void }> {
    const client = await pool.connect();
    let lost: Error | undefined;
    const onError = (e: Error): void => {
      lost = e;
    };
    client.on("error", onError);
    return {
      client,
      release(failed?: unknown) {
        client.off("error", onError);
        const broken = lost ?? (failed === undefined ? undefined : asError(failed));
        client.release(broken);
      },
    };
  }

  try {
    const { client, release } = await checkout();
    try {
      await migrate(client, schema, where);
      release();
    } catch (err) {
      release(err);
      throw err;
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw translate(err, where);
  }

  let closed = false;
  let ended: Promise<void> | undefined;

  /** Runs one operation on the open store, with the driver's errors translated. */
  async function run<T>(op: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreError("Closed", `the store on ${where} is closed`);
    try {
      return await op();
    } catch (err) {
      throw translate(err, where);
    }
  }

  /** Runs `body` in a write transaction on one pooled connection; commits when it returns, else rolls back. */
  async function transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const { client, release } = await run(checkout);
    let committing = false;
    try {
      await client.query(SQL.begin);
      const result = await body(client);
      committing = true;
      await client.query("COMMIT");
      release();
      return result;
    } catch (err) {
      // A connection whose ROLLBACK fails, or whose COMMIT failed (its state in doubt), is discarded rather
      // than handed to the next writer.
      const rollback = committing ? err : await client.query("ROLLBACK").then(() => undefined, asError);
      release(rollback);
      throw translate(err, where, committing);
    }
  }

  return {
    async get(id: string) {
      const { rows } = await run(() => pool.query<ResourceRow>(SQL.get, [idKey(id)]));
      return rows[0] && toStored(rows[0]);
    },

    async list(query?: ListQuery) {
      const { scopeKey: scope, typeKey: type } = normalizeQuery(query);
      const conditions: string[] = [];
      const params: string[] = [];
      if (type !== undefined) conditions.push(`type_key = $${params.push(type)}`);
      // common.inScope as a range on the key: the scope itself, or [scope + "/", scope + "0"), which holds
      // exactly the keys that start with scope + "/" since "0" follows "/" (compared bytewise, COLLATE "C").
      if (scope !== undefined)
        conditions.push(
          `(key = $${params.push(scope)} OR (key >= $${params.push(scope + "/")} AND key < $${params.push(scope + "0")}))`,
        );
      const sql = `SELECT id, etag, body FROM ${s}.resources${conditions.length ? ` WHERE ${conditions.join(" AND ")}` : ""} ORDER BY key`;
      const { rows } = await run(() => pool.query<ResourceRow>(sql, params));
      return rows.map(toStored);
    },

    async apply(changes: readonly StoreChange[], preconditions: readonly StorePrecondition[] = []) {
      if (closed) throw new StoreError("Closed", `the store on ${where} is closed`);
      // Checked and serialised before the transaction, so that the lock is held for as short as can be.
      const { deletes, puts } = netEffect(checkChanges(changes));
      return transaction(async (client) => {
        const bumped = await client.query<{ version: string }>(SQL.bump);
        if (preconditions.length > 0) {
          const { rows } = await client.query<{ key: string; etag: string }>(SQL.etags, [
            preconditions.map((p) => idKey(p.id)),
          ]);
          const found = new Map(rows.map((r) => [r.key, r.etag]));
          for (const p of preconditions) {
            const actual = found.get(idKey(p.id)) ?? null;
            // Rolled back by transaction(), version bump included.
            if (actual !== p.etag) throw new StorePreconditionFailed(p.id, p.etag, actual);
          }
        }
        if (deletes.length > 0) await client.query(SQL.remove, [deletes]);
        if (puts.length > 0)
          await client.query(SQL.upsert, [
            puts.map((p) => p.put.key),
            puts.map((p) => p.createdAs),
            puts.map((p) => p.put.typeKey),
            puts.map((p) => p.put.etag),
            puts.map((p) => p.put.body),
          ]);
        // bigint arrives as a string; versions stay far below 2^53.
        return Number(bumped.rows[0]!.version);
      });
    },

    async version() {
      const { rows } = await run(() => pool.query<{ version: string }>(SQL.version));
      return Number(rows[0]!.version);
    },

    async close() {
      closed = true;
      ended ??= pool.end();
      await ended;
    },
  };
}
