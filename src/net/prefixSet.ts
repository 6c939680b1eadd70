// A set of addresses given as prefixes or ranges, kept as merged sorted intervals: membership is a binary
// search, whatever the number of prefixes (a service tag can hold thousands).
import type { IpAddress } from "./ipAddress.js";
import { type Prefix, prefixRange } from "./prefix.js";

interface Intervals<V> {
  starts: V[];
  ends: V[];
}

function merge<V extends number | bigint>(pairs: [V, V][], next: (v: V) => V): Intervals<V> {
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const starts: V[] = [];
  const ends: V[] = [];
  for (const [s, e] of pairs) {
    const n = ends.length;
    // Adjacent or overlapping intervals merge (e.g. 10.0.0.0/25 + 10.0.0.128/25).
    if (n > 0 && s <= next(ends[n - 1] as V)) {
      if (e > (ends[n - 1] as V)) ends[n - 1] = e;
    } else {
      starts.push(s);
      ends.push(e);
    }
  }
  return { starts, ends };
}

function find<V extends number | bigint>(iv: Intervals<V>, v: V): number {
  let lo = 0;
  let hi = iv.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((iv.starts[mid] as V) <= v) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi; // index of the last interval starting at or before v, or -1
}

/** `find` for IPv4 on typed arrays. */
function find4(starts: Uint32Array, v: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= v) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}

export class PrefixSet {
  /** IPv4 intervals as typed arrays: one shape and one number type, so membership stays a tight loop. */
  private readonly starts4: Uint32Array;
  private readonly ends4: Uint32Array;
  private readonly v6: Intervals<bigint>;
  private readonly hasV6: boolean;

  private constructor(v4: Intervals<number>, v6: Intervals<bigint>) {
    this.starts4 = Uint32Array.from(v4.starts);
    this.ends4 = Uint32Array.from(v4.ends);
    this.v6 = v6;
    this.hasV6 = v6.starts.length > 0;
  }

  static readonly empty = PrefixSet.of([]);

  static of(prefixes: Iterable<Prefix>): PrefixSet {
    const ranges: [IpAddress, IpAddress][] = [];
    for (const p of prefixes) {
      const r = prefixRange(p);
      ranges.push([r.first, r.last]);
    }
    return PrefixSet.ofRanges(ranges);
  }

  /** From inclusive [first, last] ranges of one family each. */
  static ofRanges(ranges: Iterable<[IpAddress, IpAddress]>): PrefixSet {
    const p4: [number, number][] = [];
    const p6: [bigint, bigint][] = [];
    for (const [a, b] of ranges) {
      if (a.family === 4 && b.family === 4) p4.push([a.value, b.value]);
      else if (a.family === 6 && b.family === 6) p6.push([a.value, b.value]);
    }
    return new PrefixSet(
      merge(p4, (v) => v + 1),
      merge(p6, (v) => v + 1n),
    );
  }

  static union(sets: Iterable<PrefixSet>): PrefixSet {
    const ranges: [IpAddress, IpAddress][] = [];
    for (const s of sets) ranges.push(...s.ranges());
    return PrefixSet.ofRanges(ranges);
  }

  get isEmpty(): boolean {
    return this.starts4.length === 0 && !this.hasV6;
  }

  has(ip: IpAddress): boolean {
    if (ip.family === 4) return this.hasV4(ip.value);
    if (!this.hasV6) return false;
    const i = find(this.v6, ip.value);
    return i >= 0 && ip.value <= (this.v6.ends[i] as bigint);
  }

  /** Membership of an IPv4 address given as a uint32. */
  hasV4(value: number): boolean {
    const i = find4(this.starts4, value);
    return i >= 0 && value <= this.ends4[i]!;
  }

  /** True when every address of `p` is in the set. */
  containsPrefix(p: Prefix): boolean {
    const { first, last } = prefixRange(p);
    if (first.family === 4 && last.family === 4) {
      const i = find4(this.starts4, first.value);
      return i >= 0 && last.value <= this.ends4[i]!;
    }
    if (first.family === 6 && last.family === 6) {
      const i = find(this.v6, first.value);
      return i >= 0 && last.value <= (this.v6.ends[i] as bigint);
    }
    return false;
  }

  /** True when `p` shares at least one address with the set. */
  overlapsPrefix(p: Prefix): boolean {
    const { first, last } = prefixRange(p);
    if (first.family === 4 && last.family === 4) {
      const i = find4(this.starts4, last.value);
      return i >= 0 && this.ends4[i]! >= first.value;
    }
    if (first.family === 6 && last.family === 6) {
      const i = find(this.v6, last.value);
      return i >= 0 && (this.v6.ends[i] as bigint) >= first.value;
    }
    return false;
  }

  /** The merged inclusive ranges, IPv4 first. */
  ranges(): [IpAddress, IpAddress][] {
    const out: [IpAddress, IpAddress][] = [];
    this.starts4.forEach((s, i) => {
      out.push([
        { family: 4, value: s },
        { family: 4, value: this.ends4[i]! },
      ]);
    });
    this.v6.starts.forEach((s, i) => {
      out.push([
        { family: 6, value: s },
        { family: 6, value: this.v6.ends[i] as bigint },
      ]);
    });
    return out;
  }
}
