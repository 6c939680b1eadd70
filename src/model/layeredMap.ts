// A map that can be built on top of another without copying it: each layer holds only its own changes
// (values and deletions) and reads fall through to the layers below. This is what lets a derived estate cost
// in proportion to its change while the estate it came from stays intact for whoever still reads it.
// A layer must no longer change once another is built on it. Reads walk the layers, so whoever stacks them
// flattens now and then (`depth` says how deep a map is).

const GONE: unique symbol = Symbol("gone");

export class LayeredMap<K, V extends NonNullable<unknown>> {
  private readonly own: Map<K, V | typeof GONE>;

  private constructor(
    private readonly below: LayeredMap<K, V> | undefined,
    /** How many layers lie below this one. */
    readonly depth: number,
    own?: Map<K, V>,
  ) {
    this.own = own ?? new Map();
  }

  static of<K, V extends NonNullable<unknown>>(entries?: Iterable<readonly [K, V]>): LayeredMap<K, V> {
    return new LayeredMap<K, V>(undefined, 0, new Map(entries));
  }

  /** A new, empty layer on top of this map. */
  layer(): LayeredMap<K, V> {
    return new LayeredMap(this, this.depth + 1);
  }

  /** The same entries in one layer. */
  flatten(): LayeredMap<K, V> {
    if (!this.below) return this;
    const layers: LayeredMap<K, V>[] = [this];
    for (let m: LayeredMap<K, V> | undefined = this.below; m; m = m.below) layers.push(m);
    // The bottom layer holds no deletions; each layer above applies its changes in turn.
    const flat = new Map(layers.pop()!.own as Map<K, V>);
    for (const m of layers.reverse()) {
      for (const [k, v] of m.own) {
        if (v === GONE) flat.delete(k);
        else flat.set(k, v);
      }
    }
    return new LayeredMap<K, V>(undefined, 0, flat);
  }

  get(key: K): V | undefined {
    const mine = this.own.get(key);
    if (mine !== undefined || !this.below) return mine === GONE ? undefined : mine;
    for (let m: LayeredMap<K, V> | undefined = this.below; m; m = m.below) {
      const v = m.own.get(key);
      if (v !== undefined) return v === GONE ? undefined : v;
    }
    return undefined;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): this {
    this.own.set(key, value);
    return this;
  }

  delete(key: K): void {
    if (this.below) this.own.set(key, GONE);
    else this.own.delete(key);
  }

  /** Entries in insertion order, as a Map built by applying each layer's changes in turn would give them. */
  entries(): IterableIterator<[K, V]> {
    return this.flatten().own.entries() as IterableIterator<[K, V]>;
  }

  values(): IterableIterator<V> {
    return this.flatten().own.values() as IterableIterator<V>;
  }
}
