// CIDR prefixes. The network is stored with host bits cleared; `parsePrefix` reports whether the text had any.
import { formatIp, type IpAddress, parseIp } from "./ipAddress.js";

export type Prefix =
  | { readonly family: 4; readonly network: number; readonly length: number }
  | { readonly family: 6; readonly network: bigint; readonly length: number };

export interface ParsedPrefix {
  prefix: Prefix;
  /** True when the text set bits beyond the prefix length (`10.0.1.5/24`); Azure rejects these in address spaces. */
  hadHostBits: boolean;
}

const V6_ALL = (1n << 128n) - 1n;

export function maskV4(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

export function maskV6(length: number): bigint {
  return length === 0 ? 0n : (V6_ALL << BigInt(128 - length)) & V6_ALL;
}

/** Parses `a.b.c.d/n`, an IPv6 CIDR, or a bare address (taken as /32 or /128). Undefined when invalid. */
export function parsePrefixDetailed(text: string): ParsedPrefix | undefined {
  const slash = text.indexOf("/");
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(addrText);
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  let length = max;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(lenText)) return undefined;
    length = Number(lenText);
    if (length > max) return undefined;
  }
  if (ip.family === 4) {
    const network = (ip.value & maskV4(length)) >>> 0;
    return { prefix: { family: 4, network, length }, hadHostBits: network !== ip.value };
  }
  const network = ip.value & maskV6(length);
  return { prefix: { family: 6, network, length }, hadHostBits: network !== ip.value };
}

export function parsePrefix(text: string): Prefix | undefined {
  return parsePrefixDetailed(text)?.prefix;
}

export function prefixOf(ip: IpAddress): Prefix {
  return ip.family === 4
    ? { family: 4, network: ip.value, length: 32 }
    : { family: 6, network: ip.value, length: 128 };
}

export function formatPrefix(p: Prefix): string {
  const ip: IpAddress = p.family === 4 ? { family: 4, value: p.network } : { family: 6, value: p.network };
  return `${formatIp(ip)}/${p.length}`;
}

export function containsIp(p: Prefix, ip: IpAddress): boolean {
  if (p.family === 4) return ip.family === 4 && (ip.value & maskV4(p.length)) >>> 0 === p.network;
  return ip.family === 6 && (ip.value & maskV6(p.length)) === p.network;
}

/** True when `outer` contains every address of `inner` (equal prefixes contain each other). */
export function containsPrefix(outer: Prefix, inner: Prefix): boolean {
  if (outer.family !== inner.family || outer.length > inner.length) return false;
  if (outer.family === 4) return ((inner.network as number) & maskV4(outer.length)) >>> 0 === outer.network;
  return ((inner.network as bigint) & maskV6(outer.length)) === outer.network;
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  return containsPrefix(a, b) || containsPrefix(b, a);
}

export function prefixEquals(a: Prefix, b: Prefix): boolean {
  return a.family === b.family && a.length === b.length && a.network === b.network;
}

/** First and last address of the prefix. */
export function prefixRange(p: Prefix): { first: IpAddress; last: IpAddress } {
  if (p.family === 4) {
    return {
      first: { family: 4, value: p.network },
      last: { family: 4, value: (p.network | ~maskV4(p.length)) >>> 0 },
    };
  }
  return {
    first: { family: 6, value: p.network },
    last: { family: 6, value: p.network | (~maskV6(p.length) & V6_ALL) },
  };
}

/** The address at `offset` inside the prefix (wraps within the prefix). */
export function addressAt(p: Prefix, offset: number): IpAddress {
  if (p.family === 4) {
    const size = 2 ** (32 - p.length);
    return { family: 4, value: (p.network + (offset % size)) >>> 0 };
  }
  const size = 1n << BigInt(128 - p.length);
  return { family: 6, value: p.network + (BigInt(offset) % size) };
}

export function prefixSize(p: Prefix): number {
  return 2 ** ((p.family === 4 ? 32 : 128) - p.length);
}

/** RFC 1918 private IPv4 space: 10/8, 172.16/12, 192.168/16. */
export const RFC1918: readonly Prefix[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((t) =>
  parsePrefix(t)!,
);

export function isRfc1918(p: Prefix): boolean {
  return RFC1918.some((r) => overlaps(r, p));
}
