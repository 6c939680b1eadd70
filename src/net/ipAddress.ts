// IPv4 addresses are uint32 numbers, IPv6 addresses 128-bit bigints: parsed once, compared as integers.
import ipaddr from "ipaddr.js";

export type IpAddress =
  { readonly family: 4; readonly value: number } | { readonly family: 6; readonly value: bigint };

export function ipv4(value: number): IpAddress {
  return { family: 4, value: value >>> 0 };
}

/**
 * Parses an address strictly: IPv4 only in four-part decimal (no `10.1`, `010.0.0.1`, `0x0a...`),
 * IPv6 in any standard form. Undefined when the text is not an address.
 */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  if (!text.includes(":") || !ipaddr.IPv6.isValid(text)) return undefined;
  const bytes = ipaddr.IPv6.parse(text).toByteArray();
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return { family: 6, value };
}

/** Strict dotted-quad parse to uint32; undefined if not exactly four decimal octets without leading zeros. */
export function parseIpv4(text: string): number | undefined {
  // One pass over the characters (no split, no regular expression): names are tested as addresses often.
  let value = 0;
  let parts = 0;
  let octet = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // the end closes the last octet like a dot
    if (c === 46) {
      if (digits === 0 || octet > 255 || ++parts > 4) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      if (c < 48 || c > 57) return undefined;
      // A leading zero only as the whole octet ("0"), and at most three digits.
      if ((digits === 1 && octet === 0) || ++digits > 3) return undefined;
      octet = octet * 10 + (c - 48);
    }
  }
  return parts === 4 ? value : undefined;
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    const v = ip.value;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const bytes: number[] = [];
  let v = ip.value;
  for (let i = 0; i < 16; i++) {
    bytes.unshift(Number(v & 255n));
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

export function ipEquals(a: IpAddress, b: IpAddress): boolean {
  return a.family === b.family && a.value === b.value;
}

/** -1, 0 or 1; IPv4 sorts before IPv6. */
export function compareIp(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}
