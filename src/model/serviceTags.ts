// Service tags in Microsoft's public `ServiceTags_Public_YYYYMMDD.json` schema. One parser reads both the
// compact default bundled with vnetlab (src/model/data/serviceTags.json, built by scripts/build-model-data.ts)
// and a user's current download (`--service-tags FILE`, `az network list-service-tags`).
import { type Prefix, PrefixSet, parsePrefix } from "../net/index.js";
import bundled from "./data/serviceTags.json" with { type: "json" };
import { VnetlabError } from "./errors.js";

export interface ServiceTag {
  /** The name as written in the file, e.g. `Storage.EastUS`. */
  name: string;
  /** The family, e.g. `Storage`. */
  base: string;
  /** ARM location name, e.g. `eastus`; undefined for global and non-regional tags. */
  region?: string;
  prefixes: readonly Prefix[];
  set: PrefixSet;
}

/**
 * A few `AzureCloud.*` tags carry Azure's legacy short region names where other families use ARM location
 * names (data/README.md; the real file does the same). The stage pair is inferred from the
 * `*STG` tags of other families, which have no AzureCloud counterpart [INF].
 */
export const LEGACY_TAG_REGIONS: Readonly<Record<string, string>> = {
  brazilse: "brazilsoutheast",
  centralfrance: "francecentral",
  southfrance: "francesouth",
  germanyn: "germanynorth",
  germanywc: "germanywestcentral",
  norwaye: "norwayeast",
  norwayw: "norwaywest",
  switzerlandn: "switzerlandnorth",
  switzerlandw: "switzerlandwest",
  usstagee: "eastusstg", // [INF]
  usstagec: "southcentralusstg", // [INF]
};

/** Suffixes that name a part of a service, not a region (AzureFrontDoor.Backend, ...). */
const NON_REGION_SUFFIXES = new Set(["backend", "frontend", "firstparty", "infra"]);

/** The ARM location name for a tag's region text ("centralfrance" → "francecentral", "East US" → "eastus"). */
export function armRegionOfTag(region: string): string {
  const r = region.replace(/\s+/g, "").toLowerCase();
  return LEGACY_TAG_REGIONS[r] ?? r;
}

class Tag implements ServiceTag {
  readonly name: string;
  readonly base: string;
  readonly region?: string;
  readonly prefixes: readonly Prefix[];
  private built?: PrefixSet;

  constructor(name: string, base: string, region: string | undefined, prefixes: readonly Prefix[]) {
    this.name = name;
    this.base = base;
    if (region !== undefined) this.region = region;
    this.prefixes = prefixes;
  }

  // Built on first use: a real file holds ~1,000 tags and most are never consulted.
  get set(): PrefixSet {
    this.built ??= PrefixSet.of(this.prefixes);
    return this.built;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

let defaultInstance: ServiceTags | undefined;

export class ServiceTags {
  private readonly tags: readonly ServiceTag[];
  private readonly byName = new Map<string, ServiceTag>();
  /** `base|region` (lower case) → regional tag. */
  private readonly byRegion = new Map<string, ServiceTag>();
  private readonly byBase = new Map<string, ServiceTag[]>();

  private constructor(tags: readonly ServiceTag[]) {
    this.tags = tags;
    for (const t of tags) {
      this.byName.set(t.name.toLowerCase(), t);
      const base = t.base.toLowerCase();
      if (t.region !== undefined) {
        this.byRegion.set(`${base}|${t.region}`, t);
        const list = this.byBase.get(base) ?? [];
        list.push(t);
        this.byBase.set(base, list);
      }
    }
  }

  /** The compact default bundled with vnetlab, parsed once. */
  static default(): ServiceTags {
    // Imported, not read from disk, so that the model layer stays free of I/O; parsed on first use.
    defaultInstance ??= ServiceTags.parse(bundled, "vnetlab bundled service tags");
    return defaultInstance;
  }

  /**
   * Reads the `ServiceTags_Public` schema: `{ values: [{ name, properties: { region, addressPrefixes } }] }`.
   * Throws InvalidServiceTags naming the tag on a bad shape, a duplicate name or an invalid prefix.
   */
  static parse(json: unknown, source?: string): ServiceTags {
    const fail = (message: string): VnetlabError =>
      new VnetlabError("InvalidServiceTags", message, source !== undefined ? { file: source } : {});
    if (!isRecord(json) || !Array.isArray(json.values)) {
      throw fail("expected an object with a 'values' array (the ServiceTags_Public schema)");
    }
    const tags: ServiceTag[] = [];
    const seen = new Set<string>();
    json.values.forEach((v: unknown, i: number) => {
      if (!isRecord(v) || typeof v.name !== "string" || v.name === "") throw fail(`values[${i}] has no name`);
      const name = v.name;
      const props = v.properties;
      if (!isRecord(props) || !Array.isArray(props.addressPrefixes)) {
        throw fail(`tag '${name}' has no properties.addressPrefixes array`);
      }
      if (seen.has(name.toLowerCase())) throw fail(`tag '${name}' appears twice`);
      seen.add(name.toLowerCase());
      const prefixes: Prefix[] = [];
      for (const text of props.addressPrefixes) {
        const p = typeof text === "string" ? parsePrefix(text) : undefined;
        if (!p) throw fail(`tag '${name}' has an invalid address prefix ${JSON.stringify(text)}`);
        prefixes.push(p);
      }
      const dot = name.indexOf(".");
      const base = dot < 0 ? name : name.slice(0, dot);
      // `properties.region` is the lower-cased suffix of regional tags and "" for global ones.
      const regionText = typeof props.region === "string" ? props.region : "";
      const region =
        dot < 0 || regionText === "" || NON_REGION_SUFFIXES.has(regionText.toLowerCase())
          ? undefined
          : armRegionOfTag(regionText);
      tags.push(new Tag(name, base, region, prefixes));
    });
    return new ServiceTags(tags);
  }

  /**
   * A tag by name, case-insensitively ("Storage", "storage.eastus", "Storage.EastUS"). A regional name
   * also resolves through its ARM location, so "AzureCloud.francecentral" finds AzureCloud.centralfrance.
   */
  get(name: string): ServiceTag | undefined {
    const exact = this.byName.get(name.toLowerCase());
    if (exact) return exact;
    const dot = name.indexOf(".");
    return dot < 0 ? undefined : this.regional(name.slice(0, dot), name.slice(dot + 1));
  }

  /** `("Storage", "eastus")` → Storage.EastUS; the region may be a name, display name or legacy name. */
  regional(base: string, region: string): ServiceTag | undefined {
    return this.byRegion.get(`${base.toLowerCase()}|${armRegionOfTag(region)}`);
  }

  /** The global tag of a family ("Storage"). */
  global(base: string): ServiceTag | undefined {
    const t = this.byName.get(base.toLowerCase());
    return t && t.region === undefined && !t.name.includes(".") ? t : undefined;
  }

  /** Every regional tag of a family, in file order. */
  regionalTags(base: string): readonly ServiceTag[] {
    return this.byBase.get(base.toLowerCase()) ?? [];
  }

  /** Every tag name as written in the file, in file order. */
  names(): string[] {
    return this.tags.map((t) => t.name);
  }

  all(): readonly ServiceTag[] {
    return this.tags;
  }
}
