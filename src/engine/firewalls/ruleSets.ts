// Compiled rule sets of the service firewalls: VNet rules as a set of subnet keys, IP rules as a PrefixSet, so
// that a lookup costs a hash probe and a binary search whatever the number of rules.
import type { Estate } from "../../model/estate.js";
import { idKey } from "../../model/resourceId.js";
import {
  containsIp,
  type IpAddress,
  isRfc1918,
  type Prefix,
  PrefixSet,
  parseIp,
  parsePrefixDetailed,
} from "../../net/index.js";
import { originSubnetKey } from "./origins.js";
import type { RequestOrigin } from "./types.js";

export interface SubnetRule {
  id: string;
  /** The rule's own name, for services whose VNet rules are child resources (SQL, Data Lake). */
  name?: string;
  /** Undefined when the rule is in force; otherwise why it is not. */
  ineffective?: string;
}

/**
 * VNet rules keyed by idKey(subnetId): one hash probe per request. Rule names for results are built only
 * when a rule decides, so 5,000 accounts of 200 rules hold no million label strings.
 */
// One canonical key string per subnet and estate: thousands of accounts listing the same subnets then share
// keys instead of each holding a lower-cased copy, and a lookup with the same key compares pointers, not text.
const keysByEstate = new WeakMap<Estate, (id: string) => string>();

function subnetKeys(estate: Estate): (id: string) => string {
  let fn = keysByEstate.get(estate);
  if (!fn) {
    const seen = new Map<string, string>();
    const canonical = new Map<string, string>();
    fn = (id) => {
      let key = seen.get(id);
      if (key === undefined) {
        const lower = idKey(id);
        key = canonical.get(lower) ?? lower;
        canonical.set(key, key);
        seen.set(id, key);
      }
      return key;
    };
    keysByEstate.set(estate, fn);
  }
  return fn;
}

export class SubnetRules {
  private readonly map = new Map<string, SubnetRule>();
  private readonly labelOf: (r: SubnetRule) => string;
  private readonly keyOf: (id: string) => string;

  constructor(rules: Iterable<SubnetRule>, labelOf: (r: SubnetRule) => string, estate?: Estate) {
    this.labelOf = labelOf;
    this.keyOf = estate ? subnetKeys(estate) : idKey;
    for (const r of rules) {
      const key = this.keyOf(r.id);
      // A duplicate that is in force wins over one that is not.
      if (!this.map.get(key) || this.map.get(key)?.ineffective) this.map.set(key, r);
    }
  }

  get size(): number {
    return this.map.size;
  }

  find(subnetId: string): SubnetRule | undefined {
    return this.map.get(this.keyOf(subnetId));
  }

  /** `find` for a service-endpoint client's subnet. */
  findOrigin(origin: Extract<RequestOrigin, { kind: "serviceEndpoint" }>): SubnetRule | undefined {
    return this.map.get(originSubnetKey(origin, this.keyOf));
  }

  label(rule: SubnetRule): string {
    return this.labelOf(rule);
  }
}

export interface IpRuleEntry {
  /** The rule's value as written, e.g. `203.0.113.0/24`. */
  text: string;
  prefix: Prefix;
}

/** A rule that matched: how results name it, and its value. */
export interface IpRuleMatch {
  label: string;
  text: string;
}

export interface IpRuleSet {
  readonly set: PrefixSet;
  readonly entries: readonly IpRuleEntry[];
  /** Rules that can never match, with why. */
  readonly ignored: readonly { label: string; why: string }[];
  /** The notes a refusal adds for the ignored rules: "<label> never matches: <why>." */
  readonly ignoredNotes: readonly string[];
  readonly count: number;
  /** Builds a rule's name for results from its value (only when it decides). */
  readonly labelOf: (text: string) => string;
}

export interface IpRuleOptions {
  /** Storage, Key Vault, Cognitive: RFC 1918 values are rejected by ARM and never match [S8][S15][S20]. */
  ignorePrivate?: boolean;
  /** Storage, Cognitive: /31 and /32 ranges are not supported (single-IP rules are) [S8][S20]. */
  ignoreSlash31And32?: boolean;
}

export function compileIpRules(
  values: Iterable<string>,
  labelOf: (text: string) => string,
  opts: IpRuleOptions = {},
): IpRuleSet {
  const entries: IpRuleEntry[] = [];
  const ignored: { label: string; why: string }[] = [];
  let count = 0;
  for (const value of values) {
    count++;
    const text = value.trim();
    const parsed = parsePrefixDetailed(text);
    if (!parsed) {
      ignored.push({ label: labelOf(value), why: `'${value}' is not an address or CIDR range` });
      continue;
    }
    const p = parsed.prefix;
    if (opts.ignorePrivate && p.family === 4 && isRfc1918(p)) {
      ignored.push({
        label: labelOf(value),
        why: `${text} is private (RFC 1918) address space, which IP rules never match`,
      });
      continue;
    }
    if (opts.ignoreSlash31And32 && p.family === 4 && text.includes("/") && p.length >= 31) {
      ignored.push({
        label: labelOf(value),
        why: `/${p.length} ranges are not supported; a single-address rule is`,
      });
      continue;
    }
    entries.push({ text, prefix: p });
  }
  return {
    set: PrefixSet.of(entries.map((e) => e.prefix)),
    entries,
    ignored,
    ignoredNotes: ignored.map((ig) => `${ig.label} never matches: ${ig.why}.`),
    count,
    labelOf,
  };
}

export interface IpRangeEntry {
  label: string;
  first: IpAddress;
  last: IpAddress;
}

export interface IpRangeSet {
  readonly set: PrefixSet;
  readonly entries: readonly IpRangeEntry[];
}

/** Start/end rules (SQL, Data Lake Gen1); unparsable ones are dropped. */
export function compileIpRanges(rules: Iterable<{ label: string; start: string; end: string }>): IpRangeSet {
  const entries: IpRangeEntry[] = [];
  for (const r of rules) {
    const first = parseIp(r.start);
    const last = parseIp(r.end);
    if (first && last && first.family === last.family && first.value <= last.value) {
      entries.push({ label: r.label, first, last });
    }
  }
  return {
    set: PrefixSet.ofRanges(entries.map((e) => [e.first, e.last] as [IpAddress, IpAddress])),
    entries,
  };
}

/** The first rule (in list order) holding the address; the set is probed first so misses stay cheap. */
export function matchIpRule(rules: IpRuleSet, ip: IpAddress): IpRuleMatch | undefined {
  if (!rules.set.has(ip)) return undefined;
  const hit = rules.entries.find((e) => containsIp(e.prefix, ip));
  return hit && { label: rules.labelOf(hit.text), text: hit.text };
}

export function matchIpRange(ranges: IpRangeSet, ip: IpAddress): IpRangeEntry | undefined {
  if (!ranges.set.has(ip)) return undefined;
  return ranges.entries.find(
    (e) => e.first.family === ip.family && e.first.value <= ip.value && ip.value <= e.last.value,
  );
}
