// The default store: one SQLite file, shared safely by several processes.
// - WAL: readers never block the writer nor the writer them, and a crash mid-write leaves the last committed
//   state (uncommitted WAL frames are ignored on recovery).
// - Durable on acknowledgement: apply() commits with synchronous=NORMAL (the WAL frames are written, not yet
//   fsynced) and then fdatasyncs the WAL file before it resolves. That is the guarantee of synchronous=FULL —
//   an acknowledged write survives a SIGKILL and a power loss alike — but the fsync runs on libuv's thread
//   pool instead of blocking the event loop, so requests keep arriving meanwhile and form the next group
//   commit. One fdatasync covers every frame written before it, this process's and others' alike. SQLite
//   never replaces the WAL file while a connection (ours) is open, so one descriptor serves for the store's
//   lifetime.
// - Each apply is one BEGIN IMMEDIATE transaction that checks its preconditions inside it: the write lock is
//   taken before anything is read, so no other writer can slip in between check and write.
// - busy_timeout: a second process waits for the lock instead of failing at once.
// better-sqlite3 is synchronous, so each method does all its work before its promise settles; waiting for
// another process's lock blocks this event loop, for at most the busy timeout.
import { open, type FileHandle } from "node:fs/promises";
import Database from "better-sqlite3";
import {
  checkChanges,
  idKey,
  normalizeQuery,
  toStored,
  type CheckedChange,
  type ResourceRow,
} from "./common.js";
import { StoreError } from "./errors.js";
import { migrate } from "./sqliteSchema.js";
import {
  StorePreconditionFailed,
  type ListQuery,
  type ResourceStore,
  type StoreChange,
  type StorePrecondition,
} from "./types.js";

export interface SqliteStoreOptions {
  /** How long to wait for another connection's write lock before failing with StoreError "Busy". */
  busyTimeoutMs?: number;
}

/** Translates the driver's lock timeout into the store's own error; everything else passes unchanged. */
function translate(err: unknown): unknown {
  if (err instanceof Database.SqliteError && err.code.startsWith("SQLITE_BUSY"))
    return new StoreError("Busy", "the database stayed locked by another connection", { cause: err });
  return err;
}

const COLUMNS = "SELECT id, etag, body FROM resources";
// A scope is a range scan on the key: [scope, scope + "0") holds the scope itself, everything under
// scope + "/" (since "/" sorts just before "0"), and siblings such as scope + "-x" that the last condition
// drops. This is the same rule as common.inScope.
const IN_SCOPE = "key >= @scope AND key < (@scope || '0') AND (key = @scope OR key >= (@scope || '/'))";

export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): ResourceStore {
  const db = new Database(file);
  try {
    // busy_timeout first: switching to WAL and migrating may have to wait for another process opening too.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") throw new Error(`${file}: SQLite refused WAL mode (journal_mode is ${String(mode)})`);
    db.pragma("synchronous = NORMAL");
    migrate(db, file);
  } catch (err) {
    db.close();
    throw translate(err);
  }

  const getRow = db.prepare<[string], ResourceRow>(`${COLUMNS} WHERE key = ?`);
  const getEtag = db.prepare<[string], { etag: string }>("SELECT etag FROM resources WHERE key = ?");
  const listAll = db.prepare<[], ResourceRow>(`${COLUMNS} ORDER BY key`);
  const listType = db.prepare<{ type: string }, ResourceRow>(
    `${COLUMNS} WHERE type_key = @type ORDER BY key`,
  );
  const listScope = db.prepare<{ scope: string }, ResourceRow>(`${COLUMNS} WHERE ${IN_SCOPE} ORDER BY key`);
  const listScopeType = db.prepare<{ scope: string; type: string }, ResourceRow>(
    `${COLUMNS} WHERE type_key = @type AND ${IN_SCOPE} ORDER BY key`,
  );
  // On conflict the id column is left alone: ARM keeps the casing the resource was created with.
  const upsert = db.prepare<[string, string, string, string, string]>(
    `INSERT INTO resources (key, id, type_key, etag, body) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET type_key = excluded.type_key, etag = excluded.etag, body = excluded.body`,
  );
  const remove = db.prepare<[string]>("DELETE FROM resources WHERE key = ?");
  const bump = db.prepare<[], { version: number }>(
    "UPDATE store_version SET version = version + 1 RETURNING version",
  );
  const readVersion = db.prepare<[], { version: number }>("SELECT version FROM store_version");

  const applyTx = db.transaction(
    (changes: readonly CheckedChange[], preconditions: readonly StorePrecondition[]): number => {
      for (const p of preconditions) {
        const actual = getEtag.get(idKey(p.id))?.etag ?? null;
        // Throwing inside the transaction function rolls the whole transaction back.
        if (actual !== p.etag) throw new StorePreconditionFailed(p.id, p.etag, actual);
      }
      for (const c of changes) {
        if (c.kind === "delete") remove.run(c.key);
        else upsert.run(c.key, c.id, c.typeKey, c.etag, c.body);
      }
      return bump.get()!.version;
    },
  );

  let wal: Promise<FileHandle> | undefined;
  /** Makes every committed WAL frame durable (the WAL exists from the first commit on). */
  async function syncWal(): Promise<void> {
    wal ??= open(`${file}-wal`, "r");
    await (await wal).datasync();
  }

  /** Runs one operation on the open database, with the driver's errors translated. */
  function run<T>(op: () => T): T {
    if (!db.open) throw new StoreError("Closed", `the store on ${file} is closed`);
    try {
      return op();
    } catch (err) {
      throw translate(err);
    }
  }

  return {
    async get(id: string) {
      return run(() => {
        const row = getRow.get(idKey(id));
        return row && toStored(row);
      });
    },

    async list(query?: ListQuery) {
      return run(() => {
        const { scopeKey: scope, typeKey: type } = normalizeQuery(query);
        const rows =
          scope !== undefined && type !== undefined
            ? listScopeType.all({ scope, type })
            : scope !== undefined
              ? listScope.all({ scope })
              : type !== undefined
                ? listType.all({ type })
                : listAll.all();
        return rows.map(toStored);
      });
    },

    async apply(changes: readonly StoreChange[], preconditions: readonly StorePrecondition[] = []) {
      // Checked (and serialised) before the transaction so that the write lock is held for as short as can be.
      const version = run(() => applyTx.immediate(checkChanges(changes), preconditions));
      await syncWal();
      return version;
    },

    async version() {
      return run(() => readVersion.get()!.version);
    },

    async close() {
      if (db.open) db.close();
      const handle = wal;
      wal = undefined;
      if (handle) await (await handle).close();
    },
  };
}
