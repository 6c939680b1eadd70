// Longest-prefix match: one hash map per prefix length, probed from the longest length present down.
// Several values may share one prefix (a UDR, a BGP route and a system route for the same range).
import type { IpAddress } from "./ipAddress.js";
import { maskV4, maskV6, type Prefix } from "./prefix.js";

export interface LpmEntry<T> {
  prefix: Prefix;
  values: T[];
}

export class LpmTable<T> {
  private readonly v4 = new Map<number, Map<number, LpmEntry<T>>>();
  private readonly v6 = new Map<number, Map<bigint, LpmEntry<T>>>();
  private v4Lengths: number[] = [];
  private v6Lengths: number[] = [];
  private v4Masks: number[] = [];

  insert(prefix: Prefix, value: T): void {
    if (prefix.family === 4) {
      let byNet = this.v4.get(prefix.length);
      if (!byNet) {
        byNet = new Map();
        this.v4.set(prefix.length, byNet);
        this.v4Lengths = [...this.v4.keys()].sort((a, b) => b - a);
        this.v4Masks = this.v4Lengths.map(maskV4);
      }
      const e = byNet.get(prefix.network);
      if (e) e.values.push(value);
      else byNet.set(prefix.network, { prefix, values: [value] });
    } else {
      let byNet = this.v6.get(prefix.length);
      if (!byNet) {
        byNet = new Map();
        this.v6.set(prefix.length, byNet);
        this.v6Lengths = [...this.v6.keys()].sort((a, b) => b - a);
      }
      const e = byNet.get(prefix.network);
      if (e) e.values.push(value);
      else byNet.set(prefix.network, { prefix, values: [value] });
    }
  }

  /** The entry with the longest prefix containing `ip`. */
  lookup(ip: IpAddress): LpmEntry<T> | undefined {
    if (ip.family === 4) {
      const lengths = this.v4Lengths;
      for (let i = 0; i < lengths.length; i++) {
        const e = this.v4.get(lengths[i] as number)!.get((ip.value & (this.v4Masks[i] as number)) >>> 0);
        if (e) return e;
      }
      return undefined;
    }
    for (const len of this.v6Lengths) {
      const e = this.v6.get(len)!.get(ip.value & maskV6(len));
      if (e) return e;
    }
    return undefined;
  }

  /** Every entry whose prefix contains `ip`, longest first. */
  lookupAll(ip: IpAddress): LpmEntry<T>[] {
    const out: LpmEntry<T>[] = [];
    if (ip.family === 4) {
      const lengths = this.v4Lengths;
      for (let i = 0; i < lengths.length; i++) {
        const e = this.v4.get(lengths[i] as number)!.get((ip.value & (this.v4Masks[i] as number)) >>> 0);
        if (e) out.push(e);
      }
    } else {
      for (const len of this.v6Lengths) {
        const e = this.v6.get(len)!.get(ip.value & maskV6(len));
        if (e) out.push(e);
      }
    }
    return out;
  }

  *entries(): IterableIterator<LpmEntry<T>> {
    for (const len of this.v4Lengths) yield* this.v4.get(len)!.values();
    for (const len of this.v6Lengths) yield* this.v6.get(len)!.values();
  }
}
