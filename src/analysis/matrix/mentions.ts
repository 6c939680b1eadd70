// What a resource's own configuration names about its clients: subnets (VNet rules) and address ranges (IP
// rules, SQL firewall ranges, service tags in App Service restrictions). A client the resource does not name
// is treated like every other client of its kind; only named ones need a look of their own (matrix.ts).
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { idKey } from "../../model/resourceId.js";
import { type IpAddress, parseIp, parsePrefix, type Prefix, prefixRange } from "../../net/index.js";

export interface Mentions {
  /** `idKey`s of the subnets the resource names. */
  subnets: Set<string>;
  /** IPv4 ranges, inclusive, as unsigned numbers. */
  v4: [number, number][];
  /** IPv6 prefixes (rare; checked one by one). */
  v6: Prefix[];
}

const SUBNET_ID = /\/subnets\/[^/]+$/i;

export function mentionsOf(resource: ArmResource, estate: Estate): Mentions {
  const m: Mentions = { subnets: new Set(), v4: [], v6: [] };
  const addPrefix = (p: Prefix): void => {
    if (p.family === 6) {
      m.v6.push(p);
      return;
    }
    const { first, last } = prefixRange(p);
    m.v4.push([first.value as number, last.value as number]);
  };
  const addRange = (a: IpAddress, b: IpAddress): void => {
    if (a.family === 4 && b.family === 4) m.v4.push([a.value, b.value]);
  };
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      if (v.startsWith("/") && SUBNET_ID.test(v)) m.subnets.add(idKey(v));
      const p =
        parsePrefix(v) ?? (parseIp(v) ? parsePrefix(`${v}/${v.includes(":") ? 128 : 32}`) : undefined);
      if (p) addPrefix(p);
      else for (const x of estate.serviceTags.get(v)?.prefixes ?? []) addPrefix(x);
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    // SQL-style firewall rules are ranges of two addresses.
    const start = typeof o.startIpAddress === "string" ? parseIp(o.startIpAddress) : undefined;
    const end = typeof o.endIpAddress === "string" ? parseIp(o.endIpAddress) : undefined;
    if (start && end) addRange(start, end);
    for (const x of Object.values(o)) walk(x);
  };
  walk(resource.properties);
  return m;
}

export function mentionsAny(m: Mentions): boolean {
  return m.subnets.size > 0 || m.v4.length > 0 || m.v6.length > 0;
}
