// An index over the rules of one NSG direction, built once per NSG: for TCP and UDP, the destination port
// range is cut into intervals on which every rule's protocol and destination-port test gives the same answer,
// and each interval keeps the rules (in priority order) that pass it. Matching a packet then tests the source
// port and the addresses of a handful of candidates instead of every rule.
import type { PortRanges } from "./ports.js";

export interface RuleShape {
  protocol: string;
  destinationPorts: PortRanges;
}

export interface PortIndex {
  /** Start of each destination-port interval, ascending; the first is 0. */
  readonly starts: Int32Array;
  /** Per interval: indexes of the rules whose protocol and destination ports admit it, in rule order. */
  readonly candidates: readonly Int32Array[];
}

export interface RuleIndex {
  readonly tcp: PortIndex;
  readonly udp: PortIndex;
}

function portIndex(rules: readonly RuleShape[], protocol: string): PortIndex {
  const cuts = new Set<number>([0]);
  for (const r of rules) {
    if (r.destinationPorts.all) continue;
    const b = r.destinationPorts.bounds;
    for (let i = 0; i < b.length; i += 2) {
      cuts.add(b[i]!);
      if (b[i + 1]! < 65535) cuts.add(b[i + 1]! + 1);
    }
  }
  const starts = Int32Array.from([...cuts].sort((a, b) => a - b));
  const candidates: Int32Array[] = [];
  for (const port of starts) {
    const list: number[] = [];
    rules.forEach((r, i) => {
      if (r.protocol !== "*" && r.protocol !== protocol) return;
      if (!r.destinationPorts.all && !inRanges(r.destinationPorts.bounds, port)) return;
      list.push(i);
    });
    candidates.push(Int32Array.from(list));
  }
  return { starts, candidates };
}

function inRanges(bounds: readonly number[], port: number): boolean {
  for (let i = 0; i < bounds.length; i += 2) if (port >= bounds[i]! && port <= bounds[i + 1]!) return true;
  return false;
}

export function buildRuleIndex(rules: readonly RuleShape[]): RuleIndex {
  return { tcp: portIndex(rules, "Tcp"), udp: portIndex(rules, "Udp") };
}

/** The candidates for a destination port. */
export function candidatesFor(index: PortIndex, port: number): Int32Array {
  const starts = index.starts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= port) lo = mid + 1;
    else hi = mid - 1;
  }
  return index.candidates[hi]!;
}
