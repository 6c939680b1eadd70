// NSG port specifications: `*`, a single port, a range `a-b`, or a list of those [S4].

export interface PortRanges {
  /** Every port: `*` or `0-65535`. */
  readonly all: boolean;
  /** Inclusive [low, high] pairs, flattened. */
  readonly bounds: readonly number[];
}

export const ALL_PORTS: PortRanges = { all: true, bounds: [0, 65535] };

/** Parses the union of port specifications; texts that are not ports are ignored (ARM rejects them). */
export function parsePorts(specs: readonly string[]): PortRanges {
  const bounds: number[] = [];
  for (const raw of specs) {
    const s = raw.trim();
    if (s === "*" || s.toLowerCase() === "any") return ALL_PORTS;
    const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(s);
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > hi || hi > 65535) continue;
    if (lo === 0 && hi === 65535) return ALL_PORTS;
    bounds.push(lo, hi);
  }
  return { all: false, bounds };
}

/**
 * A port matches when a range holds it. An unknown port (undefined) or a protocol without ports (ICMP)
 * only matches rules that take every port [INF].
 */
export function portMatches(r: PortRanges, port: number | undefined): boolean {
  if (r.all) return true;
  if (port === undefined) return false;
  const b = r.bounds;
  for (let i = 0; i < b.length; i += 2) {
    if (port >= b[i]! && port <= b[i + 1]!) return true;
  }
  return false;
}

/** The effective-view form: `0-65535`, `80-80`, `1000-2000` [S25c]. */
export function formatPorts(r: PortRanges): string[] {
  if (r.all) return ["0-65535"];
  const out: string[] = [];
  for (let i = 0; i < r.bounds.length; i += 2) out.push(`${r.bounds[i]}-${r.bounds[i + 1]}`);
  return out;
}
