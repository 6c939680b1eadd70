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

/**
 * IPv4 membership in merged intervals stored interleaved, `[start0, end0, start1, end1, ...]` from `at`
 * (after `count` pairs), so that an interval's two ends share a cache line.
 */
export function inPairs(pairs: Uint32Array, at: number, count: number, v: number): boolean {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (pairs[at + 2 * mid]! <= v) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && v <= pairs[at + 2 * hi + 1]!;
}

/** The index of the last pair starting at or before v, or -1. */
function find4(pairs: Uint32Array, v: number): number {
  let lo = 0;
  let hi = pairs.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (pairs[2 * mid]! <= v) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}

export class PrefixSet {
  /** IPv4 intervals as interleaved [start, end] pairs: one typed array, one number type, a tight loop. */
  readonly pairs4: Uint32Array;
  private readonly v6: Intervals<bigint>;
  private readonly hasV6: boolean;

  private constructor(v4: Intervals<number>, v6: Intervals<bigint>) {
    this.pairs4 = new Uint32Array(2 * v4.starts.length);
    v4.starts.forEach((start, i) => {
      this.pairs4[2 * i] = start;
      this.pairs4[2 * i + 1] = v4.ends[i]!;
    });
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
    return this.pairs4.length === 0 && !this.hasV6;
  }

  has(ip: IpAddress): boolean {
    if (ip.family === 4) return this.hasV4(ip.value);
    if (!this.hasV6) return false;
    const i = find(this.v6, ip.value);
    return i >= 0 && ip.value <= (this.v6.ends[i] as bigint);
  }

  /** Membership of an IPv4 address given as a uint32. */
  hasV4(value: number): boolean {
    return inPairs(this.pairs4, 0, this.pairs4.length >>> 1, value);
  }

  /** True when every address of `p` is in the set. */
  containsPrefix(p: Prefix): boolean {
    const { first, last } = prefixRange(p);
    if (first.family === 4 && last.family === 4) {
      const i = find4(this.pairs4, first.value);
      return i >= 0 && last.value <= this.pairs4[2 * i + 1]!;
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
      const i = find4(this.pairs4, last.value);
      return i >= 0 && this.pairs4[2 * i + 1]! >= first.value;
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
    for (let i = 0; i < this.pairs4.length; i += 2) {
      out.push([
        { family: 4, value: this.pairs4[i]! },
        { family: 4, value: this.pairs4[i + 1]! },
      ]);
    }
    this.v6.starts.forEach((s, i) => {
      out.push([
        { family: 6, value: s },
        { family: 6, value: this.v6.ends[i] as bigint },
      ]);
    });
    return out;
  }
}
