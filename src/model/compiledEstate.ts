// The Estate that compileEstate and deriveEstate build. A compiled estate indexes everything up front; a
// derived one is a layer over the estate it came from: it holds only the resources that changed, and works
// out a type's or a name's list on first use from its origin's list and the changes, so that deriving costs
// in proportion to the change. Every MAX_DEPTH derivations the layers are flattened and indexed afresh, which
// keeps reads short and lets old estates go.
import type { ArmResource } from "./arm.js";
import type { Estate } from "./estate.js";
import { LayeredMap } from "./layeredMap.js";
import type { Regions } from "./regions.js";
import { idKey, parseResourceId } from "./resourceId.js";
import type { ServiceTags } from "./serviceTags.js";

/** A subscription whose tenant is not declared belongs to this tenant. */
export const DEFAULT_TENANT_ID = "00000000-0000-0000-0000-000000000000";

const MAX_DEPTH = 16;
const SUBSCRIPTIONS = "microsoft.resources/subscriptions";
const NONE: readonly ArmResource[] = [];

/** What a derived estate changed relative to its origin: new values replacing old ones, and additions. */
interface Swaps {
  replaced: Map<ArmResource, ArmResource | undefined>;
  added: ArmResource[];
  types: Set<string>;
  names: Set<string>;
}

export class CompiledEstate implements Estate {
  private byId: LayeredMap<string, ArmResource>;
  /**
   * The same resources under their ids exactly as written: callers pass the ids they read from the estate
   * again and again, and a string keeps its hash, while `idKey` builds a new lower-cased string per call.
   */
  private byExactId: LayeredMap<string, ArmResource>;
  /** Keys of the resources given as input (as opposed to children lifted out of a parent). */
  units: LayeredMap<string, true>;
  /** The file each resource came from, for error messages. */
  fileOf: LayeredMap<string, string>;
  /** Derivations since the last flattening. */
  private depth: number;
  /** The estate this one was derived from, until it is flattened. */
  private origin: CompiledEstate | undefined;
  /** Derived: each changed key with the resource the origin had under it (undefined for a new key). */
  private readonly delta = new Map<string, ArmResource | undefined>();
  private swapsMemo: Swaps | undefined;
  private readonly typeIndex = new Map<string, readonly ArmResource[]>();
  private readonly nameIndex = new Map<string, readonly ArmResource[]>();
  private tenants: Map<string, string> | undefined;
  private readonly tenantCache = new Map<string, string>();
  private listed: ArmResource[] | undefined;

  constructor(
    readonly serviceTags: ServiceTags,
    readonly regions: Regions,
    origin?: CompiledEstate,
  ) {
    this.origin = origin;
    this.depth = origin ? origin.depth + 1 : 0;
    this.byId = origin ? origin.byId.layer() : LayeredMap.of();
    this.byExactId = origin ? origin.byExactId.layer() : LayeredMap.of();
    this.units = origin ? origin.units.layer() : LayeredMap.of();
    this.fileOf = origin ? origin.fileOf.layer() : LayeredMap.of();
  }

  /** Every resource, children included, in load order. */
  get resources(): readonly ArmResource[] {
    return (this.listed ??= [...this.byId.values()]);
  }

  add(r: ArmResource, key = idKey(r.id)): void {
    const prev = this.byId.get(key);
    if (prev && prev.id !== r.id) this.byExactId.delete(prev.id);
    this.byId.set(key, r);
    this.byExactId.set(r.id, r);
    this.changed(key, prev);
  }

  remove(key: string): void {
    const prev = this.byId.get(key);
    if (!prev) return;
    this.byExactId.delete(prev.id);
    this.byId.delete(key);
    this.changed(key, prev);
  }

  private changed(key: string, prev: ArmResource | undefined): void {
    this.listed = undefined;
    this.swapsMemo = undefined;
    if (this.origin && !this.delta.has(key)) this.delta.set(key, prev);
  }

  /** Ends building: a compiled estate (or a derived one that is deep enough) gets its indexes now. */
  index(): void {
    if (this.origin && this.depth < MAX_DEPTH) return;
    this.origin = undefined;
    this.depth = 0;
    this.byId = this.byId.flatten();
    this.byExactId = this.byExactId.flatten();
    this.units = this.units.flatten();
    this.fileOf = this.fileOf.flatten();
    const byType = new Map<string, ArmResource[]>();
    const byName = new Map<string, ArmResource[]>();
    for (const r of this.resources) {
      push(byType, r.type.toLowerCase(), r);
      push(byName, r.name.toLowerCase(), r);
    }
    this.typeIndex.clear();
    this.nameIndex.clear();
    for (const [k, v] of byType) this.typeIndex.set(k, v);
    for (const [k, v] of byName) this.nameIndex.set(k, v);
  }

  get<P extends object = Record<string, unknown>>(id: string | undefined): ArmResource<P> | undefined {
    if (id === undefined) return undefined;
    return (this.byExactId.get(id) ?? this.byId.get(idKey(id))) as ArmResource<P> | undefined;
  }

  ofType<P extends object = Record<string, unknown>>(type: string): readonly ArmResource<P>[] {
    const t = type.toLowerCase();
    return this.indexed(
      this.typeIndex,
      t,
      "types",
      (r) => r.type.toLowerCase() === t,
      (o) => o.ofType(t),
    ) as readonly ArmResource<P>[];
  }

  byName(name: string, types?: readonly string[]): readonly ArmResource[] {
    const n = name.toLowerCase();
    const all = this.indexed(
      this.nameIndex,
      n,
      "names",
      (r) => r.name.toLowerCase() === n,
      (o) => o.byName(n),
    );
    if (!types) return all;
    return all.filter((r) => {
      const type = r.type.toLowerCase();
      return types.some((t) => t.toLowerCase() === type);
    });
  }

  /** One index's list for a key: as indexed, or (derived) the origin's list with this estate's changes. */
  private indexed(
    index: Map<string, readonly ArmResource[]>,
    key: string,
    kind: "types" | "names",
    matches: (r: ArmResource) => boolean,
    fromOrigin: (o: CompiledEstate) => readonly ArmResource[],
  ): readonly ArmResource[] {
    const known = index.get(key);
    if (known) return known;
    if (!this.origin) return NONE;
    const swaps = this.swaps();
    const before = fromOrigin(this.origin);
    let list = before;
    if (swaps[kind].has(key)) {
      const out: ArmResource[] = [];
      for (const r of before) {
        if (!swaps.replaced.has(r)) out.push(r);
        else {
          const now = swaps.replaced.get(r);
          if (now && matches(now)) out.push(now);
        }
      }
      for (const r of swaps.added) if (matches(r)) out.push(r);
      list = out;
    }
    index.set(key, list);
    return list;
  }

  private swaps(): Swaps {
    if (this.swapsMemo) return this.swapsMemo;
    const s: Swaps = { replaced: new Map(), added: [], types: new Set(), names: new Set() };
    for (const [key, old] of this.delta) {
      const now = this.byId.get(key);
      if (old === now) continue;
      const sameSlot =
        old && now && old.type.toLowerCase() === now.type.toLowerCase() && old.name === now.name;
      if (old) s.replaced.set(old, sameSlot ? now : undefined);
      if (now && !sameSlot) s.added.push(now);
      for (const r of [old, now]) {
        if (!r) continue;
        s.types.add(r.type.toLowerCase());
        s.names.add(r.name.toLowerCase());
      }
    }
    return (this.swapsMemo = s);
  }

  tenantOf(resourceId: string): string {
    // A pure function of the id on an immutable estate: remembered per id string.
    let tenant = this.tenantCache.get(resourceId);
    if (tenant === undefined) {
      const own = this.get(resourceId)?.tenantId;
      const sub = own ? undefined : parseResourceId(resourceId)?.subscriptionId.toLowerCase();
      this.tenants ??= new Map(
        this.ofType(SUBSCRIPTIONS).flatMap((r) => (r.tenantId ? [[r.name.toLowerCase(), r.tenantId]] : [])),
      );
      tenant = own || (sub && this.tenants.get(sub)) || DEFAULT_TENANT_ID;
      this.tenantCache.set(resourceId, tenant);
    }
    return tenant;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
