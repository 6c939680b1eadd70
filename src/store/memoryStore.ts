// The in-memory store (`--in-memory`, tests). It keeps each resource as its JSON text, as SQLite does, so
// both hand back the same thing (a fresh object, `undefined` members dropped) and no caller can change the
// stored state by mutating an object it was given or gave.
import {
  checkChanges,
  compareKeys,
  idKey,
  inScope,
  normalizeQuery,
  toStored,
  type ResourceRow,
} from "./common.js";
import { StoreError } from "./errors.js";
import {
  StorePreconditionFailed,
  type ListQuery,
  type ResourceStore,
  type StoreChange,
  type StorePrecondition,
} from "./types.js";

interface Row extends ResourceRow {
  typeKey: string;
}

export function createMemoryStore(): ResourceStore {
  const rows = new Map<string, Row>();
  let version = 0;
  let closed = false;

  function open(): void {
    if (closed) throw new StoreError("Closed", "the store is closed");
  }

  // Every method is async even though nothing here awaits: callers see the same promise-shaped behaviour
  // (errors as rejections) as from a networked store, and each apply still runs to completion in one tick,
  // which is what makes it atomic.
  return {
    async get(id: string) {
      open();
      const row = rows.get(idKey(id));
      return row && toStored(row);
    },

    async list(query?: ListQuery) {
      open();
      const { scopeKey, typeKey } = normalizeQuery(query);
      const hits: [string, Row][] = [];
      for (const [key, row] of rows) {
        if (scopeKey !== undefined && !inScope(key, scopeKey)) continue;
        if (typeKey !== undefined && row.typeKey !== typeKey) continue;
        hits.push([key, row]);
      }
      hits.sort((a, b) => compareKeys(a[0], b[0]));
      return hits.map(([, row]) => toStored(row));
    },

    async apply(changes: readonly StoreChange[], preconditions: readonly StorePrecondition[] = []) {
      open();
      const checked = checkChanges(changes);
      for (const p of preconditions) {
        const actual = rows.get(idKey(p.id))?.etag ?? null;
        if (actual !== p.etag) throw new StorePreconditionFailed(p.id, p.etag, actual);
      }
      for (const c of checked) {
        if (c.kind === "delete") {
          rows.delete(c.key);
          continue;
        }
        // ARM keeps the casing of the id as first written; later writes with other casing update in place.
        const id = rows.get(c.key)?.id ?? c.id;
        rows.set(c.key, { id, typeKey: c.typeKey, etag: c.etag, body: c.body });
      }
      return ++version;
    },

    async version() {
      open();
      return version;
    },

    async close() {
      closed = true;
    },
  };
}
