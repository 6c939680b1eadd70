// Azure regions, their display names and their (directional) pairs. The bundled table is generated from
// `az account list-locations` by scripts/build-model-data.ts; users may load their own with fromLocations().
import bundled from "./data/regions.json" with { type: "json" };
import { VnetlabError } from "./errors.js";

export interface RegionInfo {
  /** ARM location name, e.g. `eastus`. */
  name: string;
  displayName: string;
  /** The region this one pairs to. Directional: westus3 → eastus, but eastus → westus [S23]. */
  pairedRegion?: string;
  geography?: string;
  /** `Physical` or `Logical` (geographies such as `europe`, `global`). */
  regionType?: string;
}

/** Lower case without spaces: "East US 2" and "EASTUS2" share the key `eastus2`. */
function key(text: string): string {
  return text.replace(/\s+/g, "").toLowerCase();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function optString(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function invalid(message: string): VnetlabError {
  return new VnetlabError("InvalidJson", `locations: ${message}`);
}

let defaultInstance: Regions | undefined;

export class Regions {
  private readonly list: readonly RegionInfo[];
  private readonly byName = new Map<string, RegionInfo>();
  /** Names and display names (as keys) → ARM name. */
  private readonly aliases = new Map<string, string>();

  private constructor(list: readonly RegionInfo[]) {
    this.list = list;
    for (const r of list) this.byName.set(r.name.toLowerCase(), r);
    // Display names first, so that a name always wins over another region's display name.
    for (const r of list) this.aliases.set(key(r.displayName), r.name);
    for (const r of list) this.aliases.set(key(r.name), r.name);
  }

  /** The bundled table (src/model/data/regions.json), built once. */
  static default(): Regions {
    defaultInstance ??= Regions.fromInfos(bundled.regions);
    return defaultInstance;
  }

  /** Compact RegionInfo records, as in the bundled table. */
  static fromInfos(infos: readonly RegionInfo[]): Regions {
    return new Regions(
      infos.map((r) => ({
        name: r.name.toLowerCase(),
        displayName: r.displayName,
        ...(r.pairedRegion ? { pairedRegion: r.pairedRegion.toLowerCase() } : {}),
        ...(r.geography ? { geography: r.geography } : {}),
        ...(r.regionType ? { regionType: r.regionType } : {}),
      })),
    );
  }

  /**
   * The output of `az account list-locations` (an array), or the ARM REST list `{ value: [...] }`.
   * `metadata.pairedRegion` may hold names or `{ name, id }` objects (the CLI and REST forms).
   */
  static fromLocations(json: unknown): Regions {
    const items = Array.isArray(json) ? json : isRecord(json) ? json.value : undefined;
    if (!Array.isArray(items)) throw invalid("expected an array of locations or { value: [...] }");
    const infos: RegionInfo[] = [];
    items.forEach((item, i) => {
      if (!isRecord(item) || typeof item.name !== "string" || item.name === "") {
        throw invalid(`item ${i} has no name`);
      }
      const meta = isRecord(item.metadata) ? item.metadata : {};
      const pairs = Array.isArray(meta.pairedRegion) ? meta.pairedRegion : [];
      const first: unknown = pairs[0];
      const paired = isRecord(first) ? optString(first.name) : optString(first);
      const geography = optString(meta.geography);
      const regionType = optString(meta.regionType);
      infos.push({
        name: item.name,
        displayName: optString(item.displayName) ?? item.name,
        ...(paired ? { pairedRegion: paired } : {}),
        ...(geography ? { geography } : {}),
        ...(regionType ? { regionType } : {}),
      });
    });
    return Regions.fromInfos(infos);
  }

  /** The ARM name for a name or display name in any case ("East US 2" → "eastus2"); undefined if unknown. */
  normalize(nameOrDisplayName: string): string | undefined {
    return this.aliases.get(key(nameOrDisplayName));
  }

  /** A region by name or display name. */
  get(name: string): RegionInfo | undefined {
    const n = this.normalize(name);
    return n === undefined ? undefined : this.byName.get(n);
  }

  /**
   * The region `name` pairs to, or undefined when it has none. Directional: pairOf("westus3") is eastus
   * while pairOf("eastus") is westus [S23]. The pair may be a region not listed (swedencentral → swedensouth).
   */
  pairOf(name: string): string | undefined {
    return this.get(name)?.pairedRegion;
  }

  all(): readonly RegionInfo[] {
    return this.list;
  }
}
