// Dev-time generator of the model's bundled reference data: `npx tsx scripts/build-model-data.ts`.
// Reads Azure's own published files from ../shared/data (relative to the repo root) and writes compact
// tables to src/model/data/. The runtime never reads ../shared; it reads only what this script writes.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Regions } from "../src/model/regions.js";
import { armRegionOfTag } from "../src/model/serviceTags.js";
import { containsPrefix, type Prefix, parsePrefix } from "../src/net/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const sharedData = resolve(root, "../shared/data");
const outDir = join(root, "src/model/data");

/** Tag families the engine reads: the SE route tags of semantics §1.2, the catalog's tags, and AzureCloud. */
const FAMILIES = [
  "Storage",
  "Sql",
  "AzureCosmosDB",
  "AzureKeyVault",
  "ServiceBus",
  "EventHub",
  "AppService",
  "AzureContainerRegistry",
  "CognitiveServicesFrontend",
  "CognitiveServicesManagement",
  "AzureDataLake",
  "AzureActiveDirectory",
  "AzureCloud",
];
/** Per regional tag: this many of the lowest IPv4 and IPv6 prefixes. */
const REGIONAL_V4 = 4;
const REGIONAL_V6 = 1;
/** A global tag's own prefixes, beyond those covering its regional tags' kept prefixes. */
const GLOBAL_V4 = 4;
const GLOBAL_V6 = 1;
/** Families with no regional tags keep more of their own: they are the only source of addresses. */
const GLOBAL_ONLY_V4 = 8;
const GLOBAL_ONLY_V6 = 2;
/** In the real file but missing from our copy of it (data/README.md); the address is Azure's fixed one [S6]. */
const EXTRA_TAGS = [{ name: "AzureLoadBalancer", prefixes: ["168.63.129.16/32"] }];

interface RawTag {
  name: string;
  id?: string;
  properties: { region?: string; systemService?: string; addressPrefixes: string[] };
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(join(sharedData, file), "utf8"));
}

function comparePrefix(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.length - b.length;
}

const parsed = new Map<string, Prefix>();

function parseAll(texts: readonly string[]): { text: string; prefix: Prefix }[] {
  return texts.map((text) => {
    let prefix = parsed.get(text);
    if (!prefix) {
      prefix = parsePrefix(text);
      if (!prefix) throw new Error(`invalid prefix ${text}`);
      parsed.set(text, prefix);
    }
    return { text, prefix };
  });
}

/** The `n4` lowest IPv4 and `n6` lowest IPv6 prefixes of a tag (as written in the file). */
function lowest(texts: readonly string[], n4: number, n6: number): string[] {
  const sorted = parseAll(texts).sort((a, b) => comparePrefix(a.prefix, b.prefix));
  return [
    ...sorted.filter((p) => p.prefix.family === 4).slice(0, n4),
    ...sorted.filter((p) => p.prefix.family === 6).slice(0, n6),
  ].map((p) => p.text);
}

/**
 * For each kept prefix, the most specific prefix of `tag` that contains it: the bundled tags then keep the
 * real file's nesting (Storage.EastUS ⊂ Storage ⊂ AzureCloud) while every prefix stays one of the tag's own.
 */
function covering(tag: RawTag, kept: Iterable<string>): string[] {
  const own = parseAll(tag.properties.addressPrefixes);
  const out: string[] = [];
  for (const text of kept) {
    const p = parseAll([text])[0]!.prefix;
    let best: { text: string; prefix: Prefix } | undefined;
    for (const o of own) {
      if (containsPrefix(o.prefix, p) && (!best || o.prefix.length > best.prefix.length)) best = o;
    }
    if (best) out.push(best.text);
  }
  return out;
}

function sortTexts(texts: Iterable<string>): string[] {
  return parseAll([...new Set(texts)])
    .sort((a, b) => comparePrefix(a.prefix, b.prefix))
    .map((p) => p.text);
}

function buildRegions(): unknown {
  const regions = Regions.fromLocations(readJson("locations.json"));
  return {
    source: "az account list-locations (../shared/data/locations.json); built by scripts/build-model-data.ts",
    regions: [...regions.all()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function buildServiceTags(): unknown {
  const real = readJson("ServiceTags_Public.json") as {
    changeNumber?: number;
    cloud?: string;
    values: RawTag[];
  };
  const byName = new Map(real.values.map((v) => [v.name, v]));
  const kept = new Map<string, Set<string>>();
  const keep = (name: string, texts: Iterable<string>): void => {
    const set = kept.get(name) ?? new Set<string>();
    for (const t of texts) set.add(t);
    kept.set(name, set);
  };
  const regionalOf = (family: string): RawTag[] => real.values.filter((v) => v.name.startsWith(`${family}.`));

  // Regional tags first, then each family's global tag around them; AzureCloud last, around everything.
  for (const family of FAMILIES.filter((f) => f !== "AzureCloud")) {
    const regional = regionalOf(family);
    for (const r of regional) keep(r.name, lowest(r.properties.addressPrefixes, REGIONAL_V4, REGIONAL_V6));
    const global = byName.get(family);
    if (!global) throw new Error(`no global tag ${family}`);
    if (regional.length === 0) {
      keep(family, lowest(global.properties.addressPrefixes, GLOBAL_ONLY_V4, GLOBAL_ONLY_V6));
      continue;
    }
    keep(family, lowest(global.properties.addressPrefixes, GLOBAL_V4, GLOBAL_V6));
    for (const r of regional) keep(family, covering(global, kept.get(r.name)!));
  }
  const cloudRegional = regionalOf("AzureCloud");
  for (const c of cloudRegional) {
    keep(c.name, lowest(c.properties.addressPrefixes, REGIONAL_V4, REGIONAL_V6));
    const region = armRegionOfTag(c.properties.region ?? "");
    for (const [name, texts] of kept) {
      const tag = byName.get(name)!;
      if (tag.properties.region && armRegionOfTag(tag.properties.region) === region) {
        keep(c.name, covering(c, texts));
      }
    }
  }
  const cloud = byName.get("AzureCloud")!;
  keep("AzureCloud", lowest(cloud.properties.addressPrefixes, GLOBAL_V4, GLOBAL_V6));
  for (const [name, texts] of [...kept]) {
    if (name !== "AzureCloud") keep("AzureCloud", covering(cloud, texts));
  }

  const values = [
    ...[...kept].map(([name, texts]) => {
      const tag = byName.get(name)!;
      return {
        name,
        id: tag.id ?? name,
        properties: {
          region: tag.properties.region ?? "",
          systemService: tag.properties.systemService ?? name.split(".")[0],
          addressPrefixes: sortTexts(texts),
        },
      };
    }),
    ...EXTRA_TAGS.filter((t) => !byName.has(t.name)).map((t) => ({
      name: t.name,
      id: t.name,
      properties: { region: "", systemService: t.name, addressPrefixes: t.prefixes },
    })),
  ].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  return {
    changeNumber: real.changeNumber ?? 1,
    cloud: real.cloud ?? "Public",
    vnetlabNote:
      "Compact subset of ServiceTags_Public (../shared/data) built by scripts/build-model-data.ts: a few real " +
      "prefixes per tag. Pass your own download with --service-tags FILE for the full set.",
    values,
  };
}

function write(file: string, data: unknown): string {
  const path = join(outDir, file);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}

function main(): void {
  if (!existsSync(sharedData)) throw new Error(`reference data not found: ${sharedData}`);
  const files = [write("regions.json", buildRegions()), write("serviceTags.json", buildServiceTags())];
  // The formatter owns the layout, so the generated files pass `biome check` as written.
  const biome = join(root, "node_modules/.bin/biome");
  if (existsSync(biome)) execFileSync(biome, ["format", "--write", ...files], { stdio: "inherit" });
  for (const f of files) console.log(`${f}: ${readFileSync(f).length} bytes`);
}

main();
