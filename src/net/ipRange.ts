// Inclusive address ranges (SQL and Data Lake firewall rules are start/end pairs, not prefixes).
import { compareIp, type IpAddress, parseIp } from "./ipAddress.js";

export interface IpRange {
  first: IpAddress;
  last: IpAddress;
}

export function parseIpRange(start: string, end: string): IpRange | undefined {
  const first = parseIp(start);
  const last = parseIp(end);
  if (!first || !last || first.family !== last.family || compareIp(first, last) > 0) return undefined;
  return { first, last };
}

export function rangeContains(r: IpRange, ip: IpAddress): boolean {
  return compareIp(r.first, ip) <= 0 && compareIp(ip, r.last) <= 0;
}
