// What both implementations must agree on, kept in one place so they cannot drift: how keys are formed,
// ordered and matched against a scope, and which changes are acceptable at all.
import type { ArmResource } from "../model/arm.js";
import { idKey, typeKey } from "../model/resourceId.js";
import { StoreError } from "./errors.js";
import type { ListQuery, StoreChange, StoredResource } from "./types.js";

export { idKey, typeKey };

/**
 * Orders keys by Unicode code point, which is the byte order of their UTF-8 encoding: SQLite's BINARY
 * collation (and PostgreSQL's "C") sort that way, whereas JavaScript's `<` compares UTF-16 code units and
 * disagrees for characters above U+FFFF. Keys are nearly always ASCII; this keeps the rare others stable too.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++; // both strings hold the same surrogate pair here
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The list query with its scope and type lower-cased; an empty scope (`""` or `"/"`) means "everything". */
export interface NormalizedQuery {
  scopeKey?: string;
  typeKey?: string;
}

export function normalizeQuery(query: ListQuery | undefined): NormalizedQuery {
  const scopeKey = query?.scope === undefined ? undefined : idKey(query.scope);
  return {
    scopeKey: scopeKey === "" ? undefined : scopeKey,
    typeKey: query?.type === undefined ? undefined : typeKey(query.type),
  };
}

/**
 * A scope covers the resource at the scope itself and everything below it, on `/` boundaries only:
 * `/resourceGroups/rg` covers `/resourceGroups/rg/providers/...` but not `/resourceGroups/rg2`.
 */
export function inScope(key: string, scopeKey: string): boolean {
  return key === scopeKey || key.startsWith(scopeKey + "/");
}

/** A change that passed checkChanges, with its keys and JSON body computed. */
export interface CheckedPut {
  kind: "put";
  key: string;
  id: string;
  typeKey: string;
  etag: string;
  body: string;
}
export type CheckedChange = CheckedPut | { kind: "delete"; key: string };

/**
 * Rejects the whole batch up front when any change is malformed, so that a bad change can never be half
 * applied; the JSON body is serialised here too, once, because a resource that cannot be serialised
 * (a cycle, a BigInt) is malformed as well.
 */
export function checkChanges(changes: readonly StoreChange[]): CheckedChange[] {
  return changes.map((change, i): CheckedChange => {
    if (change.kind === "delete") {
      if (typeof change.id !== "string" || idKey(change.id) === "")
        throw new StoreError("InvalidChange", `change ${i}: delete needs a resource id`);
      return { kind: "delete", key: idKey(change.id) };
    }
    const r = change.resource;
    if (typeof r?.id !== "string" || idKey(r.id) === "")
      throw new StoreError("InvalidChange", `change ${i}: put needs a resource with an id`);
    if (typeof r.type !== "string" || r.type === "")
      throw new StoreError("InvalidChange", `change ${i}: resource ${r.id} has no type`);
    if (typeof change.etag !== "string" || change.etag === "")
      throw new StoreError("InvalidChange", `change ${i}: resource ${r.id} needs a non-empty ETag`);
    let body: string;
    try {
      body = JSON.stringify(r);
    } catch (cause) {
      throw new StoreError("InvalidChange", `change ${i}: resource ${r.id} is not JSON`, { cause });
    }
    return { kind: "put", key: idKey(r.id), id: r.id, typeKey: typeKey(r.type), etag: change.etag, body };
  });
}

/** A stored row as every backend keeps it: the resource as JSON text (see checkChanges). */
export interface ResourceRow {
  id: string;
  etag: string;
  body: string;
}

/** A fresh object per call, so no caller can change the stored state by mutating what it was given. */
export function toStored(row: ResourceRow): StoredResource {
  return { id: row.id, etag: row.etag, resource: JSON.parse(row.body) as ArmResource };
}
