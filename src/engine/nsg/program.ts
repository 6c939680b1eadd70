// One direction of an NSG compiled into a single Uint32Array, built once per NSG, for IPv4 TCP and UDP
// packets: the destination port range cut into intervals on which every rule's protocol and port test gives
// one answer, the rules (in priority order) each interval admits, and those rules' source ports and
// address sets inline. Matching a packet reads a few contiguous cache lines instead of chasing a rule
// object, its port ranges and its address sets through the heap for each of fifty rules.
import { inPairs, type PrefixSet } from "../../net/index.js";
import type { AddressMatch, CompiledRule } from "./compile.js";
import type { PortRanges } from "./ports.js";

// A rule record: flags, the rule's index, source set, destination set, source ports (offsets into the code).
const RECORD = 5;
/** Sets of at most this many intervals are stored right after their rule's record. */
const SMALL_SET = 8;
const SRC_ANY = 1;
const SRC_VNET = 2;
const SRC_INTERNET = 4;
const DST_SHIFT = 3; // the destination's any/VirtualNetwork/Internet flags are the source's, shifted
const SPORTS_ALL = 64;

function sideFlags(m: AddressMatch): number {
  return (m.wildcard ? SRC_ANY : 0) | (m.virtualNetwork ? SRC_VNET : 0) | (m.internet ? SRC_INTERNET : 0);
}

export function buildProgram(rules: readonly CompiledRule[]): Uint32Array {
  const code: number[] = [0, 0];
  const cutsOf = (protocol: string): number[] => {
    const cuts = new Set<number>([0]);
    for (const r of rules) {
      if (r.destinationPorts.all || (r.protocol !== "*" && r.protocol !== protocol)) continue;
      const b = r.destinationPorts.bounds;
      for (let i = 0; i < b.length; i += 2) {
        cuts.add(b[i]!);
        if (b[i + 1]! < 65535) cuts.add(b[i + 1]! + 1);
      }
    }
    return [...cuts].sort((a, b) => a - b);
  };
  // Index tables first, with list positions patched once the records' offsets are known.
  const lists: { at: number; rules: number[] }[] = [];
  for (const [slot, protocol] of [
    [0, "Tcp"],
    [1, "Udp"],
  ] as const) {
    code[slot] = code.length;
    const starts = cutsOf(protocol);
    code.push(starts.length, ...starts);
    for (const port of starts) {
      const admitted: number[] = [];
      rules.forEach((r, i) => {
        if (r.protocol !== "*" && r.protocol !== protocol) return;
        if (r.destinationPorts.all || inRanges(r.destinationPorts, port)) admitted.push(i);
      });
      lists.push({ at: code.length, rules: admitted });
      code.push(0);
    }
    code.push(0); // the end of the last list
  }
  // Then the candidate lists (record offsets), the records, each followed by its address sets when they
  // are small (a record and its sets then share cache lines), and last the large sets and the port lists.
  const small = (set: PrefixSet): boolean => set.pairs4.length <= 2 * SMALL_SET;
  const recordAt: number[] = [];
  let at = code.length + lists.reduce((n, l) => n + l.rules.length, 0);
  for (const r of rules) {
    recordAt.push(at);
    at += RECORD;
    for (const side of [r.source, r.destination]) if (small(side.set)) at += 1 + side.set.pairs4.length;
  }
  for (const l of lists) {
    code[l.at] = code.length;
    for (const i of l.rules) code.push(recordAt[i]!);
    // Where the list ends: the next list's start, or the end of a protocol's last list.
    code[l.at + 1] = code.length;
  }
  const pushSet = (set: PrefixSet): number => {
    const start = code.length;
    code.push(set.pairs4.length / 2);
    for (const v of set.pairs4) code.push(v);
    return start;
  };
  const later: { at: number; set: PrefixSet }[] = [];
  rules.forEach((r, i) => {
    const rec = code.length;
    if (rec !== recordAt[i]) throw new Error("NSG program layout: a record is not where its lists point");
    code.push(
      sideFlags(r.source) | (sideFlags(r.destination) << DST_SHIFT) | (r.sourcePorts.all ? SPORTS_ALL : 0),
      i,
      0,
      0,
      0,
    );
    [r.source, r.destination].forEach((side, k) => {
      if (small(side.set)) code[rec + 2 + k] = pushSet(side.set);
      else later.push({ at: rec + 2 + k, set: side.set });
    });
  });
  const sets = new Map<PrefixSet, number>();
  for (const { at: slot, set } of later) {
    let start = sets.get(set);
    if (start === undefined) sets.set(set, (start = pushSet(set)));
    code[slot] = start;
  }
  const ports = new Map<PortRanges, number>();
  rules.forEach((r, i) => {
    if (r.sourcePorts.all) return;
    let start = ports.get(r.sourcePorts);
    if (start === undefined) {
      start = code.length;
      code.push(r.sourcePorts.bounds.length / 2, ...r.sourcePorts.bounds);
      ports.set(r.sourcePorts, start);
    }
    code[recordAt[i]! + 4] = start;
  });
  return Uint32Array.from(code);
}

function inRanges(p: PortRanges, port: number): boolean {
  const b = p.bounds;
  for (let i = 0; i < b.length; i += 2) if (port >= b[i]! && port <= b[i + 1]!) return true;
  return false;
}

/** One side of a rule: `flags` are its any/VirtualNetwork/Internet bits; `vnet` the VirtualNetwork pairs. */
function sideMatches(code: Uint32Array, flags: number, set: number, ip: number, vnet: Uint32Array): boolean {
  if ((flags & SRC_ANY) !== 0) return true;
  if (inPairs(code, set + 1, code[set]!, ip)) return true;
  if ((flags & (SRC_VNET | SRC_INTERNET)) === 0) return false;
  // [S6] Internet: the address space outside the VirtualNetwork set, Azure public space included.
  return inPairs(vnet, 0, vnet.length >>> 1, ip) ? (flags & SRC_VNET) !== 0 : (flags & SRC_INTERNET) !== 0;
}

/** Where the candidate list for a destination port starts: `code[slot]` to `code[slot + 1]`. */
function listSlot(code: Uint32Array, tcp: boolean, destinationPort: number): number {
  const index = code[tcp ? 0 : 1]!;
  const n = code[index]!;
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (code[index + 1 + mid]! <= destinationPort) lo = mid + 1;
    else hi = mid - 1;
  }
  return index + 1 + n + hi;
}

function sourcePortMatches(code: Uint32Array, r: number, sourcePort: number | undefined): boolean {
  if ((code[r]! & SPORTS_ALL) !== 0) return true;
  if (sourcePort === undefined) return false;
  const p = code[r + 4]!;
  for (let i = p + 1, e = p + 1 + 2 * code[p]!; i < e; i += 2) {
    if (sourcePort >= code[i]! && sourcePort <= code[i + 1]!) return true;
  }
  return false;
}

/**
 * The index of the first rule matching an IPv4 TCP (or UDP) packet, or -1. `destinationPort` must be an
 * integer from 0 to 65535; `vnet` is the VirtualNetwork set's `pairs4` where the NSG applies.
 */
export function runProgram(
  code: Uint32Array,
  tcp: boolean,
  sourceIp: number,
  sourcePort: number | undefined,
  destinationIp: number,
  destinationPort: number,
  vnet: Uint32Array,
): number {
  const list = listSlot(code, tcp, destinationPort);
  const last = code[list + 1]!;
  for (let k = code[list]!; k < last; k++) {
    const r = code[k]!;
    const flags = code[r]!;
    if (!sourcePortMatches(code, r, sourcePort)) continue;
    if (!sideMatches(code, flags, code[r + 2]!, sourceIp, vnet)) continue;
    if (sideMatches(code, flags >>> DST_SHIFT, code[r + 3]!, destinationIp, vnet)) return code[r + 1]!;
  }
  return -1;
}
