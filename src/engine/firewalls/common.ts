// Shared mechanics of the service firewalls: each service is an ordered chain of evaluators over rules compiled
// once per resource object (VNet rules as a set of subnet keys, IP rules as a PrefixSet), so that a lookup costs
// a hash probe and a binary search whatever the number of rules.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { idKey, parentId } from "../../model/resourceId.js";
import {
  containsIp,
  formatIp,
  type IpAddress,
  isRfc1918,
  type Prefix,
  PrefixSet,
  parseIp,
  parsePrefixDetailed,
} from "../../net/index.js";
import { buildDenial, type DenialId, type DenialInput, denials } from "./denials.js";
import type {
  FirewallRequest,
  FirewallResult,
  RequestOrigin,
  ServiceFirewall,
  ServiceResponse,
} from "./types.js";

export interface EvalContext<C> {
  readonly resource: ArmResource;
  readonly request: FirewallRequest;
  readonly estate: Estate;
  readonly rules: C;
  /** Why rules that looked relevant did not apply; appended to the final reason. */
  notes: string[] | undefined;
}

/** One link of a chain: a decision, or undefined to let the next link decide. */
export type Evaluator<C> = (ctx: EvalContext<C>) => FirewallResult | undefined;

export interface FirewallSpec<C> {
  resourceTypes: readonly string[];
  /** Reads the resource's rules; called once per resource object (estates are immutable). */
  compile(resource: ArmResource, estate: Estate): C;
  /** Evaluated in order; the last link must always decide. */
  chain: readonly Evaluator<C>[];
}

export function defineFirewall<C>(spec: FirewallSpec<C>): ServiceFirewall {
  const cache = new WeakMap<ArmResource, C>();
  return {
    resourceTypes: spec.resourceTypes,
    evaluate(resource: ArmResource, request: FirewallRequest, estate: Estate): FirewallResult {
      let rules = cache.get(resource);
      if (rules === undefined) {
        rules = spec.compile(resource, estate);
        cache.set(resource, rules);
      }
      const ctx: EvalContext<C> = { resource, request, estate, rules, notes: undefined };
      for (const link of spec.chain) {
        const result = link(ctx);
        if (result) return result;
      }
      throw new Error(`the firewall chain for ${resource.type} ended without a decision`);
    },
  };
}

export function note<C>(ctx: EvalContext<C>, text: string): void {
  if (ctx.notes) ctx.notes.push(text);
  else ctx.notes = [text];
}

function withNotes<C>(ctx: EvalContext<C>, reason: string): string {
  return ctx.notes ? `${reason} ${ctx.notes.join(" ")}` : reason;
}

export function allow<C>(ctx: EvalContext<C>, rule: string, reason: string): FirewallResult {
  return { decision: "Allow", rule, reason: withNotes(ctx, reason) };
}

export function deny<C>(
  ctx: EvalContext<C>,
  rule: string,
  reason: string,
  id: DenialId,
  extra: Partial<DenialInput> = {},
): FirewallResult {
  return { decision: "Deny", rule, reason: withNotes(ctx, reason), response: denialFor(ctx, id, extra) };
}

/**
 * A refusal by the default action: the notes gathered on the way (the most specific causes, e.g. "subnet
 * snet-app of vnet-app is not in the account's virtual network rules.") are the reason; `fallback` when none.
 */
export function denyByDefault<C>(
  ctx: EvalContext<C>,
  rule: string,
  fallback: string,
  id: DenialId,
  extra: Partial<DenialInput> = {},
): FirewallResult {
  const reason = ctx.notes ? ctx.notes.join(" ") : fallback;
  ctx.notes = undefined;
  return deny(ctx, rule, reason, id, extra);
}

/**
 * Refusals that read nothing of the flow: only the resource, the caller (never known for a flow), and the
 * request id and time (traces leave both unset).
 */
const FLOW_FREE: ReadonlySet<string> = new Set(
  Object.entries(denials)
    .filter(([, d]) =>
      d.reads.every((k) => ["resourceName", "location", "caller", "requestId", "time"].includes(k)),
    )
    .map(([id]) => id),
);

/** Per resource: its refusals that read nothing of the flow (responses are immutable values, see types.ts). */
const responses = new WeakMap<ArmResource, Map<DenialId, ServiceResponse>>();

export function denialFor<C>(
  ctx: EvalContext<C>,
  id: DenialId,
  extra: Partial<DenialInput> = {},
): ServiceResponse {
  const { request, resource } = ctx;
  // Such a refusal is the same for every flow to the resource: built once per resource.
  const reusable =
    FLOW_FREE.has(id) &&
    request.requestId === undefined &&
    request.time === undefined &&
    Object.keys(extra).length === 0;
  let byId: Map<DenialId, ServiceResponse> | undefined;
  if (reusable) {
    byId = responses.get(resource);
    const known = byId?.get(id);
    if (known) return known;
  }
  const response = buildDenialFor(resource, request, id, extra);
  if (reusable) {
    if (!byId) responses.set(resource, (byId = new Map()));
    byId.set(id, response);
  }
  return response;
}

function buildDenialFor(
  resource: ArmResource,
  request: FirewallRequest,
  id: DenialId,
  extra: Partial<DenialInput>,
): ServiceResponse {
  const input: DenialInput = {
    resourceName: resource.name,
    clientIp: clientIpText(request.origin),
    viaServiceEndpoint: request.origin.kind === "serviceEndpoint",
    location: resource.location,
    host: request.host,
    requestId: request.requestId,
    time: request.time,
  };
  return buildDenial(id, Object.assign(input, extra));
}

// ---- origins ----

/** The address the service sees, as text; undefined when unknown. */
export function clientIpText(origin: RequestOrigin): string | undefined {
  switch (origin.kind) {
    case "serviceEndpoint":
      return formatIp(origin.privateIp);
    case "privateEndpoint":
      return formatIp(origin.sourceIp);
    case "public":
      return origin.ip ? formatIp(origin.ip) : undefined;
  }
}

/** "subnet snet-app of vnet-spoke" from a subnet id (string search, not a full parse: it runs per request). */
export function subnetLabel(subnetId: string): string {
  const lower = subnetId.toLowerCase();
  const s = lower.lastIndexOf("/subnets/");
  const v = s < 0 ? -1 : lower.lastIndexOf("/virtualnetworks/", s);
  if (v < 0) return subnetId;
  return `subnet ${subnetId.slice(s + 9).replace(/\/$/, "")} of ${subnetId.slice(v + 17, s)}`;
}

/** A phrase naming the client for reasons: "subnet snet-app of vnet-spoke (service endpoint)", "203.0.113.7". */
export function describeOrigin(origin: RequestOrigin): string {
  switch (origin.kind) {
    case "serviceEndpoint":
      return `${subnetLabel(origin.subnetId)} (via its service endpoint, source ${formatIp(origin.privateIp)})`;
    case "privateEndpoint":
      return `private endpoint ${lastName(origin.privateEndpointId)}`;
    case "public": {
      const ip = origin.ip ? formatIp(origin.ip) : "an unknown address";
      if (origin.fromOnPremises) return `on-premises client ${ip}`;
      if (origin.azureRegion) return `Azure client ${ip} in ${origin.azureRegion}`;
      return `public client ${ip}`;
    }
  }
}

export function lastName(id: string): string {
  const i = id.lastIndexOf("/");
  return i < 0 ? id : id.slice(i + 1);
}

/** Region names compare without spaces or case ("East US" = "eastus"). */
export function regionKey(region: string | undefined): string | undefined {
  return region?.replace(/\s+/g, "").toLowerCase();
}

/** Whether a public client is an Azure one: an Azure VM without a service endpoint, or an AzureCloud address. */
export function isAzureClient(estate: Estate, origin: RequestOrigin): boolean {
  if (origin.kind !== "public") return false;
  if (origin.azureRegion !== undefined) return true;
  return origin.ip !== undefined && (estate.serviceTags.get("AzureCloud")?.set.has(origin.ip) ?? false);
}

/** The region of the VNet holding a subnet: the VNet's location, else the region the origin reported. */
export function subnetRegion(estate: Estate, subnetId: string, fallback?: string): string | undefined {
  const vnet = estate.get(parentId(subnetId));
  return regionKey(vnet?.location ?? fallback);
}

export function sameTenant(estate: Estate, a: string, b: string): boolean {
  return estate.tenantOf(a).toLowerCase() === estate.tenantOf(b).toLowerCase();
}

/** A private endpoint of this resource: no firewall rule applies [S8][S19]. */
export function privateEndpointBypass<C>(ctx: EvalContext<C>): FirewallResult | undefined {
  const o = ctx.request.origin;
  if (o.kind !== "privateEndpoint") return undefined;
  // [S8][S19] private endpoint traffic is not evaluated by firewall rules
  return allow(
    ctx,
    `privateEndpoint[${lastName(o.privateEndpointId)}]`,
    `the request arrives through private endpoint ${lastName(o.privateEndpointId)}, which bypasses the firewall rules.`,
  );
}

// ---- compiled rule sets ----

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
// One canonical key string per distinct subnet id and estate: thousands of accounts listing the same subnets
// then share keys instead of each holding a lower-cased copy.
const keysByEstate = new WeakMap<Estate, (id: string) => string>();

function subnetKeys(estate: Estate): (id: string) => string {
  let fn = keysByEstate.get(estate);
  if (!fn) {
    const seen = new Map<string, string>();
    fn = (id) => {
      let key = seen.get(id);
      if (key === undefined) {
        key = idKey(id);
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
  return { set: PrefixSet.of(entries.map((e) => e.prefix)), entries, ignored, count, labelOf };
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

/** "AzureServices, Logging" → {azureservices, logging}; "None" → {}. */
export function parseBypass(text: string | undefined): ReadonlySet<string> {
  const out = new Set<string>();
  for (const t of (text ?? "").split(",")) {
    const v = t.trim().toLowerCase();
    if (v && v !== "none") out.add(v);
  }
  return out;
}

/** The trusted-service exception a caller qualifies for, if the resource's bypass list includes it. */
export function trustedBypass(request: FirewallRequest, bypass: ReadonlySet<string>): string | undefined {
  const t = request.caller?.trustedService;
  return t && bypass.has(t.toLowerCase()) ? t : undefined;
}

/** Properties as a record, for reading shapes ARM leaves loose. */
export function propsOf<P extends object>(resource: ArmResource): Partial<P> {
  return (resource.properties ?? {}) as Partial<P>;
}

export function isDisabled(pna: string | null | undefined): boolean {
  if (pna === "Disabled") return true;
  // Only an 8-letter value can spell "disabled": the others need no lower-cased copy.
  return typeof pna === "string" && pna.length === 8 && pna.toLowerCase() === "disabled";
}
