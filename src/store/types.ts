// Persistence of ARM resources behind one small interface. Implementations: in memory (tests, --in-memory)
// and SQLite (the default); the same conformance suite runs against each. The interface is asynchronous so
// that a networked database can implement it too; writes are optimistic: every change may carry the ETag
// its writer read, and a mismatch fails the whole batch, so concurrent writers never lose an update silently.
import type { ArmResource } from "../model/arm.js";

export interface StoredResource {
  /** The id as first written (ARM keeps the caller's casing). */
  id: string;
  /** The resource exactly as stored (ARM JSON). */
  resource: ArmResource;
  /** Opaque version tag, new on every write: ARM's `etag`. */
  etag: string;
}

export type StoreChange =
  { kind: "put"; resource: ArmResource; etag: string } | { kind: "delete"; id: string };

/**
 * A condition the batch needs: the resource has exactly this ETag, or (`etag: null`) does not exist.
 * Ids compare case-insensitively, as in ARM.
 */
export interface StorePrecondition {
  id: string;
  etag: string | null;
}

export interface ListQuery {
  /** Only resources whose id starts with this scope (case-insensitive), e.g. `/subscriptions/s/resourceGroups/rg`. */
  scope?: string;
  /** Only resources of this type (case-insensitive). */
  type?: string;
}

export class StorePreconditionFailed extends Error {
  constructor(
    readonly id: string,
    readonly expected: string | null,
    readonly actual: string | null,
  ) {
    super(`precondition failed for ${id}: expected ${expected ?? "absent"}, found ${actual ?? "absent"}`);
    this.name = "StorePreconditionFailed";
  }
}

export interface ResourceStore {
  get(id: string): Promise<StoredResource | undefined>;
  /** Ordered by lower-cased id, so paging is stable. */
  list(query?: ListQuery): Promise<StoredResource[]>;
  /**
   * Applies every change atomically and durably (acknowledged = survives a crash), or none of them when a
   * precondition fails (StorePreconditionFailed). Returns the store version after the write.
   */
  apply(changes: readonly StoreChange[], preconditions?: readonly StorePrecondition[]): Promise<number>;
  /** Grows with every applied batch, also those of other processes sharing the database. */
  version(): Promise<number>;
  close(): Promise<void>;
}
