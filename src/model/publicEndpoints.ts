// The public face of a PaaS resource: its DNS names and a stable public IPv4 address inside its service's
// regional tag. Azure's real addresses aren't knowable offline; what matters to the semantics is which tags
// the address falls in (SE routes, NSG service tags), so a hash of the resource id picks one inside them.
import { type IpAddress, type Prefix, prefixSize } from "../net/index.js";
import type { ArmResource } from "./arm.js";
import type { Regions } from "./regions.js";
import { idKey } from "./resourceId.js";
import { type HostPattern, paasServiceByType } from "./serviceCatalog.js";
import type { ServiceTags } from "./serviceTags.js";

export interface PublicHost {
  /** Lower case, e.g. `stg1.blob.core.windows.net`. */
  host: string;
  /** The private-link group id (sub-resource), e.g. `blob`, `blob_secondary`, `sqlServer`. */
  subresource: string;
  privateLinkZone?: string;
  /** Served from the paired (secondary) region: RA-GRS / RA-GZRS storage. */
  secondary?: boolean;
  /** The App Service SCM (Kudu) site. */
  scm?: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value at a dotted path inside `properties`, when it is a string. */
function propertyAt(resource: ArmResource, path: string): string | undefined {
  let v: unknown = resource.properties;
  for (const part of path.split(".")) v = isRecord(v) ? v[part] : undefined;
  return typeof v === "string" ? v : undefined;
}

/** The host of a URL or a bare host name ("https://a.blob.core.windows.net/" → "a.blob.core.windows.net"). */
function hostOf(text: string): string | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  try {
    return new URL(t.includes("://") ? t : `https://${t}`).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

function applies(resource: ArmResource, h: HostPattern): boolean {
  if (h.resourceKind !== undefined && h.resourceKind.toLowerCase() !== (resource.kind ?? "").toLowerCase()) {
    return false;
  }
  if (!h.secondary) return true;
  // Read-access secondary endpoints exist only on RA-GRS / RA-GZRS accounts [S8], or when the resource says so.
  const reported = h.fromProperty ? propertyAt(resource, h.fromProperty) : undefined;
  return /_RAG(Z)?RS$/i.test(resource.sku?.name ?? "") || reported !== undefined;
}

function expand(resource: ArmResource, h: HostPattern): string {
  // The property the resource itself reports (a real export carries it) wins when it is in the right zone:
  // App Service's unique default host names and storage's `z13.web` hosts can't be derived from the name.
  const reported = h.fromProperty ? propertyAt(resource, h.fromProperty) : undefined;
  const reportedHost = reported ? hostOf(reported) : undefined;
  if (reportedHost?.endsWith(`.${h.suffix}`)) return reportedHost;
  const subdomain = propertyAt(resource, "customSubDomainName") || resource.name;
  return h.template
    .replaceAll("{name}", resource.name)
    .replaceAll("{subdomain}", subdomain)
    .replaceAll("{location}", (resource.location ?? "").replace(/\s+/g, ""))
    .toLowerCase();
}

/** The public DNS names of a PaaS resource, lower case; empty for a type not in the catalog. */
export function publicHostsOf(resource: ArmResource): PublicHost[] {
  const info = paasServiceByType(resource.type);
  if (!info) return [];
  const out: PublicHost[] = [];
  for (const h of info.hosts) {
    if (!applies(resource, h)) continue;
    const host = expand(resource, h);
    if (out.some((o) => o.host === host)) continue;
    out.push({
      host,
      subresource: h.subresource,
      ...(h.privateLinkZone ? { privateLinkZone: h.privateLinkZone } : {}),
      ...(h.secondary ? { secondary: true } : {}),
      ...(h.scm ? { scm: true } : {}),
    });
  }
  return out;
}

/** FNV-1a, 32-bit: tiny, stable across runs, machines and Node versions. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The usable addresses of a prefix: all but the first and last when there are at least four. */
function usable(p: Prefix & { family: 4 }): { first: number; count: number } {
  const size = prefixSize(p);
  return size >= 4 ? { first: p.network + 1, count: size - 2 } : { first: p.network, count: size };
}

/**
 * Deterministically picks an IPv4 address inside `prefixes` from `seed`. The prefixes are sorted first, so the
 * answer depends on the set of prefixes, not on the order a file lists them in.
 */
export function pickAddress(prefixes: readonly Prefix[], seed: number): IpAddress | undefined {
  const v4 = prefixes
    .filter((p): p is Prefix & { family: 4 } => p.family === 4)
    .sort((a, b) => a.network - b.network || a.length - b.length);
  const ranges = v4.map(usable);
  const total = ranges.reduce((n, r) => n + r.count, 0);
  if (total === 0) return undefined;
  let index = seed % total;
  for (const r of ranges) {
    if (index < r.count) return { family: 4, value: (r.first + index) >>> 0 };
    index -= r.count;
  }
  return undefined;
}

/**
 * A stable public IPv4 address for a PaaS resource inside its service's regional tag, else its global tag,
 * else undefined. `secondary` picks one in the paired region's tag (RA-GRS secondary endpoints):
 * `properties.secondaryLocation` when given, else the region's pair [S23].
 */
export function publicAddressOf(
  resource: ArmResource,
  tags: ServiceTags,
  regions: Regions,
  opts: { secondary?: boolean } = {},
): IpAddress | undefined {
  const info = paasServiceByType(resource.type);
  if (!info) return undefined;
  const location = resource.location
    ? (regions.normalize(resource.location) ?? resource.location)
    : undefined;
  let region = location;
  if (opts.secondary) {
    const stated = propertyAt(resource, "secondaryLocation");
    region = stated ? (regions.normalize(stated) ?? stated) : location && regions.pairOf(location);
  }
  const tag = (region !== undefined ? tags.regional(info.tag, region) : undefined) ?? tags.global(info.tag);
  if (!tag) return undefined;
  const seed = fnv1a32(`${idKey(resource.id)}${opts.secondary ? "|secondary" : ""}`);
  return pickAddress(tag.prefixes, seed);
}
