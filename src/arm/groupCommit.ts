// Group commit: writes that arrive together, or while the store is busy, are planned one after another in
// memory, each on the snapshot the previous one leaves, and written in one durable transaction (one fsync for
// the lot). Each request is still checked on its own: a refused plan fails only its own request. If another
// process wrote in between (a store precondition fails), every write of the batch is planned again on a fresh
// snapshot.
import type { StoreChange, StorePrecondition } from "../store/types.js";
import { StorePreconditionFailed } from "../store/types.js";
import { idKey } from "../model/resourceId.js";
import type { ArmState, Snapshot } from "./armState.js";
import type { Estate } from "../model/estate.js";

export interface PlannedWrite<R> {
  changes: StoreChange[];
  preconditions: StorePrecondition[];
  /** The would-be estate validation derived, handed on as the next current estate. */
  estate?: Estate;
  result: R;
}

interface Pending<R> {
  plan: (snap: Snapshot) => PlannedWrite<R> | undefined;
  resolve: (value: Committed<R> | undefined) => void;
  reject: (e: unknown) => void;
}

/** A durable write: the plan's result, the store version that holds it, and the snapshot right after it. */
export interface Committed<R> {
  result: R;
  version: number;
  snapshot: Snapshot;
}

/** How often a batch is replanned after another process's write before the conflict is reported. */
const MAX_REPLANS = 5;

export class GroupCommitter {
  private pending: Pending<unknown>[] = [];
  private running = false;

  constructor(private readonly state: ArmState) {}

  /** Queues a write; resolves once it is durable (undefined when the plan had nothing to write). */
  submit<R>(plan: (snap: Snapshot) => PlannedWrite<R> | undefined): Promise<Committed<R> | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ plan, resolve, reject } as Pending<unknown>);
      // The first write waits for the end of this turn of the event loop, so that the requests whose bytes
      // arrived in the same turn join its batch.
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        await this.state.exclusive(() => this.run(batch));
      }
    } finally {
      this.running = false;
    }
  }

  private async run(batch: Pending<unknown>[], attempt = 0): Promise<void> {
    const base = await this.state.snapshot();
    let snap = base;
    const changes: StoreChange[] = [];
    const preconditions: StorePrecondition[] = [];
    const touched = new Set<string>();
    const accepted: { item: Pending<unknown>; result: unknown; after: Snapshot }[] = [];
    for (const item of batch) {
      let p: PlannedWrite<unknown> | undefined;
      try {
        p = item.plan(snap);
      } catch (e) {
        item.reject(e);
        continue;
      }
      if (!p) {
        item.resolve(undefined);
        continue;
      }
      // Only what the batch has not written yet is checked against the store; later writes in the batch
      // were planned on the earlier ones' results.
      for (const pc of p.preconditions) if (!touched.has(idKey(pc.id))) preconditions.push(pc);
      for (const c of p.changes) touched.add(idKey(c.kind === "put" ? c.resource.id : c.id));
      changes.push(...p.changes);
      snap = this.state.advance(snap, p.changes, p.estate);
      accepted.push({ item, result: p.result, after: snap });
    }
    if (accepted.length === 0) return;
    try {
      const version = await this.state.store.apply(changes, preconditions);
      this.state.adopt(base, snap, version);
      for (const a of accepted) a.item.resolve({ result: a.result, version, snapshot: a.after });
    } catch (e) {
      if (e instanceof StorePreconditionFailed && attempt < MAX_REPLANS) {
        return this.run(
          accepted.map((a) => a.item),
          attempt + 1,
        );
      }
      for (const a of accepted) a.item.reject(e);
    }
  }
}
