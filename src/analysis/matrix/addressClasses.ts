// Destination addresses that no part of the network can tell apart. Every decision the network makes about
// an address — NSG rules, route selection, private endpoints, NICs — depends only on which prefixes hold it:
// service tags (and, for the tags routes are made of — endpoint services' and those UDRs name — the length
// of the tag's most specific prefix holding it, which longest-prefix match compares), every address and
// prefix written in a network resource, and the platform's fixed ranges. Two addresses with the same
// signature therefore take the same network path from any source. (PaaS firewalls' own rules do not shape
// the path; the matrix looks at them per resource.)
import type { DnsTarget } from "../../engine/index.js";
import type { Estate } from "../../model/estate.js";
import { NetworkTypes, type RouteProperties } from "../../model/resources/network.js";
import { endpointServices } from "../../model/serviceCatalog.js";
import { type IpAddress, LpmTable, parseIp, parsePrefix, type Prefix, prefixOf } from "../../net/index.js";

/** Ranges the engine decides on without the estate naming them (system routes, platform addresses). */
const PLATFORM = ["0.0.0.0/0", "::/0", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]
  .concat([
    "168.63.129.16/32",
    "169.254.169.254/32",
    "20.118.99.224/32",
    "40.83.235.53/32",
    "23.102.135.246/32",
  ])
  .map((t) => parsePrefix(t)!);

type Label = { tag: string; routed: boolean } | { literal: string };

/** Types whose addresses shape network paths (PaaS firewall rules do not). */
const NETWORK_TYPES = /^microsoft\.(network|compute)\//i;

export class AddressClasses {
  private readonly table = new LpmTable<Label>();
  private readonly memo4 = new Map<number, string>();
  private readonly memo = new Map<string, string>();

  constructor(estate: Estate) {
    const routed = routeTagBases(estate);
    for (const tag of estate.serviceTags.all()) {
      const label: Label = {
        tag: tag.name,
        routed: routed.has(tag.base.toLowerCase()) || routed.has(tag.name.toLowerCase()),
      };
      for (const p of tag.prefixes) this.table.insert(p, label);
    }
    const literals = new Set<string>();
    const add = (p: Prefix, text: string): void => {
      if (literals.has(text)) return;
      literals.add(text);
      this.table.insert(p, { literal: text });
    };
    for (const p of PLATFORM) add(p, `${p.family}:${String(p.network)}/${p.length}`);
    const walk = (v: unknown): void => {
      if (typeof v === "string") {
        const p = v.includes("/") ? parsePrefix(v) : undefined;
        const ip = p ? undefined : parseIp(v);
        const prefix = p ?? (ip ? prefixOf(ip) : undefined);
        if (prefix) add(prefix, `${prefix.family}:${String(prefix.network)}/${prefix.length}`);
      } else if (Array.isArray(v)) {
        for (const x of v) walk(x);
      } else if (v && typeof v === "object") {
        for (const x of Object.values(v)) walk(x);
      }
    };
    for (const r of estate.resources) if (NETWORK_TYPES.test(r.type)) walk(r.properties);
  }

  /** The class of a name's answer: everything a network path depends on about the destination. */
  key(t: DnsTarget, port: number): string {
    const a = t.answer;
    if (a.kind === "nxdomain") return `nx|${a.zoneId ?? ""}|${a.reason}`;
    const pe = t.privateEndpoint;
    // A private endpoint's address, or a private zone's record, is a class of its own (with what it leads to).
    if (pe || a.kind === "privateDnsZone") {
      const zone = a.kind === "privateDnsZone" ? `${a.zoneId}|${a.record}` : "";
      return `private|${zone}|${pe?.privateEndpoint.id ?? ""}|${String(a.ip.value)}|${t.resource?.id ?? ""}|${port}`;
    }
    return `public|${this.signature(a.ip)}|${port}|${String(t.storageRegion)}|${t.paas ? 1 : 0}|${t.resource ? 1 : 0}`;
  }

  /** The address's class: the tags holding it (with their longest prefix) and the literals holding it. */
  signature(ip: IpAddress): string {
    const memo = ip.family === 4 ? this.memo4.get(ip.value) : this.memo.get(String(ip.value));
    if (memo !== undefined) return memo;
    const parts: string[] = [];
    const tags = new Set<string>();
    // Longest first: a tag's first entry is its most specific prefix holding the address.
    for (const entry of this.table.lookupAll(ip)) {
      for (const label of entry.values) {
        if ("literal" in label) parts.push(label.literal);
        else if (!tags.has(label.tag)) {
          tags.add(label.tag);
          parts.push(label.routed ? `${label.tag}/${entry.prefix.length}` : label.tag);
        }
      }
    }
    const sig = `${ip.family}|${parts.sort().join(",")}`;
    if (ip.family === 4) this.memo4.set(ip.value, sig);
    else this.memo.set(String(ip.value), sig);
    return sig;
  }
}

/** Tag families routes are built from: every endpoint service's, and any tag a UDR names (lower case). */
function routeTagBases(estate: Estate): Set<string> {
  const out = new Set(endpointServices().map((s) => s.tag.toLowerCase()));
  for (const route of estate.ofType<RouteProperties>(NetworkTypes.route)) {
    const p = route.properties?.addressPrefix;
    if (p && estate.serviceTags.get(p)) out.add(p.toLowerCase());
  }
  return out;
}

const byEstate = new WeakMap<Estate, AddressClasses>();

/** An estate's address classes, built once per (immutable) estate: every matrix of it shares them. */
export function addressClassesOf(estate: Estate): AddressClasses {
  let c = byEstate.get(estate);
  if (!c) {
    c = new AddressClasses(estate);
    byEstate.set(estate, c);
  }
  return c;
}
