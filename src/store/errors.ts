// Every failure of a store other than a failed precondition (which is types.ts's StorePreconditionFailed,
// since callers retry on it) is a StoreError with a string code, so callers branch on the code, never on the
// message or on a driver's own error class.

export type StoreErrorCode =
  /** A change is malformed (no id, no type, empty ETag, ...); the batch was rejected before any write. */
  | "InvalidChange"
  /** The store was used after close(). */
  | "Closed"
  /** Another process held the database lock for longer than the busy timeout. */
  | "Busy"
  /**
   * The database server could not be reached, refused the login, or dropped the connection (PostgreSQL).
   * When this interrupts a commit, the batch may or may not have been applied.
   */
  | "Unavailable"
  /** The database was written by a newer vnetlab whose schema this one does not know. */
  | "SchemaTooNew"
  /** openStore() was given options it cannot act on. */
  | "BadOptions";

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StoreError";
  }
}
