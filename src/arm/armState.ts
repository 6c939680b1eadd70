// The server's view of the store: the stored resources by id and the compiled estate, kept per store version.
// This process's own writes update both in place (the estate is derived from the previous one, so a write
// costs in proportion to its change, not to the estate); a write by another process sharing the database
// shows as an unexpected version and causes a full reload. One writer at a time per process; writers in
// other processes are caught by the store's preconditions and retried.
import type { ArmResource } from "../model/arm.js";
import { compileEstate, deriveEstate } from "../model/compileEstate.js";
import type { Estate } from "../model/estate.js";
import { Regions } from "../model/regions.js";
import { LayeredMap } from "../model/layeredMap.js";
import { idKey } from "../model/resourceId.js";
import { ServiceTags } from "../model/serviceTags.js";
import type { ResourceStore, StoreChange, StoredResource } from "../store/types.js";

export interface Snapshot {
  version: number;
  /** A stored resource by id, case-insensitively. */
  lookup(id: string | undefined): StoredResource | undefined;
  /** Every stored resource, ordered by lower-cased id. */
  readonly stored: readonly StoredResource[];
  estate(): Estate;
}

type KeyMap = LayeredMap<string, StoredResource>;

/** Snapshots planned one on another share their key maps as layers; this deep, a layer is flattened. */
const MAX_LAYERS = 16;

function makeSnapshot(version: number, byKey: KeyMap, estate: () => Estate): Snapshot {
  let ordered: StoredResource[] | undefined;
  let compiled: Estate | undefined;
  return {
    version,
    lookup: (id) => (id === undefined ? undefined : byKey.get(idKey(id))),
    get stored() {
      ordered ??= [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
      return ordered;
    },
    estate: () => (compiled ??= estate()),
  };
}

export class ArmState {
  private cached: Snapshot | undefined;
  /** Each snapshot's stored resources by key, so the next snapshot starts from a layer over it, not a rebuild. */
  private readonly keyMaps = new WeakMap<Snapshot, KeyMap>();
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
    const byKey: KeyMap = LayeredMap.of(stored.map((s) => [idKey(s.id), s]));
    this.cached = makeSnapshot(version, byKey, () => this.compile(stored.map((s) => s.resource)));
    this.keyMaps.set(this.cached, byKey);
    return this.cached;
  }

  /**
   * The snapshot that follows `before` once `changes` are written (tentatively numbered version + 1), with
   * `estate` (already derived while validating) when given. Used to plan several writes in a row.
   */
  advance(before: Snapshot, changes: readonly StoreChange[], estate?: Estate): Snapshot {
    const below = this.keysOf(before);
    const byKey = below.depth + 1 >= MAX_LAYERS ? below.flatten().layer() : below.layer();
    const puts: ArmResource[] = [];
    const removes: string[] = [];
    for (const c of changes) {
      if (c.kind === "put") {
        const key = idKey(c.resource.id);
        byKey.set(key, { id: byKey.get(key)?.id ?? c.resource.id, resource: c.resource, etag: c.etag });
        puts.push(c.resource);
      } else {
        byKey.delete(idKey(c.id));
        removes.push(c.id);
      }
    }
    const next = makeSnapshot(
      before.version + 1,
      byKey,
      () => estate ?? deriveEstate(before.estate(), puts, removes, { owned: true }),
    );
    this.keyMaps.set(next, byKey);
    return next;
  }

  /**
   * Adopts `planned` (built with advance() from the current snapshot) as current once the store acknowledged
   * the batch with `version`. Anything else — another process wrote in between — forces a reload.
   */
  adopt(base: Snapshot, planned: Snapshot, version: number): void {
    if (this.cached !== base || version !== base.version + 1) {
      this.cached = undefined;
      return;
    }
    const byKey = this.keysOf(planned);
    this.cached = makeSnapshot(version, byKey, () => planned.estate());
    this.keyMaps.set(this.cached, byKey);
  }

  private keysOf(s: Snapshot): KeyMap {
    return this.keyMaps.get(s) ?? LayeredMap.of(s.stored.map((x) => [idKey(x.id), x]));
  }

  /** Runs `fn` after every earlier write of this process has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
