// What the PaaS providers share: finding the subnet a firewall rule names (as the service's resource provider
// would, through the Network RP), the service-endpoint check, public-IP rule checks, rule-count limits and
// ARM's PATCH merge for the providers that update properties.
import type { ArmResource } from "../../../model/arm.js";
import type { Estate } from "../../../model/estate.js";
import { idKey, parentId, parseResourceId } from "../../../model/resourceId.js";
import type { SubnetProperties, VirtualNetworkProperties } from "../../../model/resources/network.js";
import { containsPrefix, parsePrefix, parsePrefixDetailed, type Prefix } from "../../../net/index.js";
import { propsOf, type Props } from "../common.js";
import { cloneJson } from "../../../model/cloneJson.js";

export { propsOf, type Props };

const SUBNET_TYPE = "microsoft.network/virtualnetworks/subnets";

/** The subnet a firewall rule names, as the service's resource provider finds it. */
export type SubnetLookup =
  | { kind: "found"; subnet: ArmResource<SubnetProperties>; vnet: ArmResource<VirtualNetworkProperties> }
  /**
   * The subnet's subscription holds nothing in the estate: another subscription or tenant the emulator cannot
   * see. Azure would check it there; vnetlab accepts the rule as written and the engine lets it match nothing
   * it cannot see (semantics §8: cross-subscription and, per service, cross-tenant rules are allowed).
   */
  | { kind: "outside" }
  | { kind: "noResourceGroup"; resourceGroup: string }
  | { kind: "noVnet"; vnetId: string }
  | { kind: "noSubnet"; vnetId: string; subnetName: string }
  | { kind: "malformed" };

// Subscriptions with resources in them, per estate (estates are immutable).
const subscriptionsByEstate = new WeakMap<Estate, Set<string>>();

function subscriptionsOf(estate: Estate): Set<string> {
  let subs = subscriptionsByEstate.get(estate);
  if (!subs) {
    subs = new Set();
    for (const r of estate.resources) {
      // A declared subscription (for its tenant) alone does not make its resources visible.
      if (r.type.toLowerCase() === "microsoft.resources/subscriptions") continue;
      const sub = parseResourceId(r.id)?.subscriptionId;
      if (sub) subs.add(sub.toLowerCase());
    }
    subscriptionsByEstate.set(estate, subs);
  }
  return subs;
}

export function lookupSubnet(estate: Estate, subnetId: unknown): SubnetLookup {
  if (typeof subnetId !== "string") return { kind: "malformed" };
  const parts = parseResourceId(subnetId);
  if (!parts || parts.type.toLowerCase() !== SUBNET_TYPE || !parts.resourceGroup)
    return { kind: "malformed" };
  if (!subscriptionsOf(estate).has(parts.subscriptionId.toLowerCase())) return { kind: "outside" };
  const rgId = `/subscriptions/${parts.subscriptionId}/resourceGroups/${parts.resourceGroup}`;
  if (!estate.get(rgId) && !estate.resources.some((r) => idKey(r.id).startsWith(`${idKey(rgId)}/`))) {
    return { kind: "noResourceGroup", resourceGroup: parts.resourceGroup };
  }
  const vnetId = parentId(subnetId)!;
  const vnet = estate.get<VirtualNetworkProperties>(vnetId);
  if (!vnet) return { kind: "noVnet", vnetId };
  const subnet = estate.get<SubnetProperties>(subnetId);
  if (!subnet) return { kind: "noSubnet", vnetId: vnet.id, subnetName: parts.name };
  return { kind: "found", subnet, vnet };
}

/**
 * Whether a subnet has a service endpoint for one of `services` whose `locations` cover `region` ("*" covers
 * all; an endpoint stored without locations is taken to cover its defaults).
 */
export function hasServiceEndpoint(
  subnet: ArmResource<SubnetProperties>,
  services: readonly string[],
  region: string | undefined,
): boolean {
  const wanted = new Set(services.map((s) => s.toLowerCase()));
  return (subnet.properties?.serviceEndpoints ?? []).some((se) => {
    if (!wanted.has((se.service ?? "").toLowerCase())) return false;
    const locations = se.locations ?? [];
    if (locations.length === 0 || region === undefined) return true;
    return locations.some((l) => l === "*" || l.toLowerCase() === region.toLowerCase());
  });
}

/**
 * The Network RP's refusal that Storage, Key Vault and Cosmos DB quote verbatim when a subnet lacks the
 * endpoint [S10][OBS Key Vault, Cosmos DB: terraform/PowerShell logs].
 */
export function missingEndpointText(service: string, subnetNames: readonly string[], vnetId: string): string {
  return `Subnets ${subnetNames.join(",")} of virtual network ${vnetId} do not have ServiceEndpoints for ${service} resources configured. Add ${service} to subnet's ServiceEndpoints collection before trying to ACL ${service} resources to these subnets.`;
}

/** Subnets (by name) grouped under their VNet, in first-seen order, for the Network RP's messages. */
export function groupByVnet(subnets: readonly ArmResource[]): { vnetId: string; names: string[] }[] {
  const groups = new Map<string, { vnetId: string; names: string[] }>();
  for (const s of subnets) {
    const vnetId = parentId(s.id)!;
    const g = groups.get(idKey(vnetId)) ?? { vnetId, names: [] };
    g.names.push(s.name);
    groups.set(idKey(vnetId), g);
  }
  return [...groups.values()];
}

/** An IPv4 address or CIDR range a service firewall accepts as an IP rule, or why not. */
export type IpRuleCheck =
  { ok: true; prefix: Prefix } | { ok: false; why: "format" | "private" | "slash31or32"; range?: string };

const PRIVATE_RANGES: readonly { prefix: Prefix; text: string }[] = [
  { prefix: parsePrefix("10.0.0.0/8")!, text: "10.0.0.0–10.255.255.255" },
  { prefix: parsePrefix("172.16.0.0/12")!, text: "172.16.0.0–172.31.255.255" },
  { prefix: parsePrefix("192.168.0.0/16")!, text: "192.168.0.0–192.168.255.255" },
];

/**
 * Checks an IP rule value the way the public-IP-only firewalls do [S8][S15][S20]: an IPv4 address or CIDR
 * range not inside RFC 1918 space; `rejectSlash31And32` for Storage and Cognitive Services, which want single
 * addresses instead of /31 and /32 ranges.
 */
export function checkPublicIpRule(value: unknown, opts: { rejectSlash31And32?: boolean } = {}): IpRuleCheck {
  const text = typeof value === "string" ? value.trim() : "";
  const parsed = parsePrefixDetailed(text);
  if (!parsed || parsed.prefix.family !== 4) return { ok: false, why: "format" };
  const p = parsed.prefix;
  const privateRange = PRIVATE_RANGES.find((r) => containsPrefix(r.prefix, p));
  if (privateRange) return { ok: false, why: "private", range: privateRange.text };
  if (opts.rejectSlash31And32 && text.includes("/") && p.length >= 31)
    return { ok: false, why: "slash31or32" };
  return { ok: true, prefix: p };
}

/** The array at `value`, or an empty one (ARM treats a missing list as empty). */
export function listOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/**
 * ARM's PATCH for the providers that update properties (Storage, SQL, Key Vault, Cosmos DB...): tags, sku,
 * kind and identity replace; each top-level property given replaces the stored one; the rest stays.
 */
export function mergePatch(existing: ArmResource, body: ArmResource): ArmResource {
  const out = cloneJson(existing) as ArmResource & Record<string, unknown>;
  const b = body as ArmResource & Record<string, unknown>;
  if (b.tags !== undefined) out.tags = b.tags;
  if (b.sku !== undefined) out.sku = b.sku;
  if (b.kind !== undefined) out.kind = b.kind;
  if (b.identity !== undefined) out.identity = b.identity;
  if (b.properties && typeof b.properties === "object") {
    out.properties = { ...(existing.properties as Props | undefined), ...(b.properties as Props) };
  }
  return out;
}

/** Keeps a read-only timestamp across updates, or stamps it now (the ARM layer may read the clock). */
export function keepTimestamp(r: ArmResource, existing: ArmResource | undefined, property: string): void {
  const prior = (existing?.properties as Props | undefined)?.[property];
  propsOf(r)[property] = typeof prior === "string" ? prior : new Date().toISOString();
}

/** Removes properties a request may not set (read-only, or children ARM serves as their own resources). */
export function dropProperties(r: ArmResource, ...names: string[]): Props {
  const p = propsOf(r);
  for (const n of names) delete p[n];
  return p;
}

/** A VNet rule's identity for "was it already there": its subnet and whether it ignores a missing endpoint. */
export function ruleKey(subnetId: unknown, ignoreMissing?: unknown): string {
  return `${typeof subnetId === "string" ? idKey(subnetId) : ""}|${ignoreMissing === true}`;
}

/**
 * The keys of the rules a resource had before this write. A rule already in force is not looked up again, so
 * that updating anything else (tags, another rule) does not fail because its subnet changed since; such a rule
 * reads back as NetworkSourceDeleted where the service reports it, and the engine lets it match nothing [INF].
 */
export function priorRuleKeys<T>(rules: readonly T[] | undefined, key: (rule: T) => string): Set<string> {
  return new Set((rules ?? []).map(key));
}
