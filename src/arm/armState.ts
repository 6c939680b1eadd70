// The server's view of the store: the compiled estate, cached per store version, and one writer at a time per
// process (writers in other processes are caught by the store's preconditions and retried).
import type { ArmResource } from "../model/arm.js";
import { compileEstate } from "../model/compileEstate.js";
import type { Estate } from "../model/estate.js";
import { Regions } from "../model/regions.js";
import { ServiceTags } from "../model/serviceTags.js";
import type { ResourceStore, StoredResource } from "../store/types.js";

export interface Snapshot {
  version: number;
  stored: StoredResource[];
  estate(): Estate;
}

export class ArmState {
  private cached: Snapshot | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly store: ResourceStore,
    readonly regions: Regions = Regions.default(),
    readonly serviceTags: ServiceTags = ServiceTags.default(),
  ) {}

  compile(resources: readonly ArmResource[]): Estate {
    return compileEstate(resources, { regions: this.regions, serviceTags: this.serviceTags });
  }

  async snapshot(): Promise<Snapshot> {
    const version = await this.store.version();
    if (this.cached?.version === version) return this.cached;
    const stored = await this.store.list();
    let estate: Estate | undefined;
    const snap: Snapshot = {
      version,
      stored,
      estate: () => (estate ??= this.compile(stored.map((s) => s.resource))),
    };
    this.cached = snap;
    return snap;
  }

  /** Runs `fn` after every earlier write of this process has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
