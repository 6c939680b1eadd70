import { existsSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatPrefix, parseIp, parsePrefix } from "../net/index.js";
import { VnetlabError } from "./errors.js";
import { Regions } from "./regions.js";
import { endpointServices } from "./serviceCatalog.js";
import { LEGACY_TAG_REGIONS, ServiceTags } from "./serviceTags.js";

const REAL = new URL("../../../shared/data/ServiceTags_Public.json", import.meta.url);
const BUNDLED = new URL("./data/serviceTags.json", import.meta.url);
const hasReal = existsSync(REAL);

describe("ServiceTags.default", () => {
  const tags = ServiceTags.default();

  it("is parsed once", () => {
    expect(ServiceTags.default()).toBe(tags);
  });

  it("finds tags case-insensitively", () => {
    expect(tags.get("Storage")?.name).toBe("Storage");
    expect(tags.get("storage.eastus")?.name).toBe("Storage.EastUS");
    expect(tags.get("Storage.EastUS")?.region).toBe("eastus");
    expect(tags.get("STORAGE")?.region).toBeUndefined();
    expect(tags.get("Storage.Atlantis")).toBeUndefined();
  });

  it("finds regional and global tags by family", () => {
    expect(tags.regional("Storage", "eastus")?.name).toBe("Storage.EastUS");
    expect(tags.regional("sql", "East US 2")?.name).toBe("Sql.EastUS2");
    expect(tags.global("Storage")?.base).toBe("Storage");
    expect(tags.global("Storage.EastUS")).toBeUndefined();
    const regional = tags.regionalTags("Storage");
    expect(regional.length).toBeGreaterThan(50);
    expect(regional.every((t) => t.base === "Storage" && t.region !== undefined)).toBe(true);
  });

  it("has a global tag for every endpoint service's family (semantics §1.2)", () => {
    for (const s of endpointServices()) expect(tags.global(s.tag), s.tag).toBeDefined();
  });

  it("maps legacy AzureCloud region names to ARM locations", () => {
    expect(tags.get("AzureCloud.centralfrance")?.region).toBe("francecentral");
    expect(tags.regional("AzureCloud", "francecentral")?.name).toBe("AzureCloud.centralfrance");
    expect(tags.get("AzureCloud.FranceCentral")?.name).toBe("AzureCloud.centralfrance");
    expect(tags.regional("AzureCloud", "brazilse")?.region).toBe("brazilsoutheast");
    const legacy = new Set(Object.keys(LEGACY_TAG_REGIONS));
    for (const t of tags.regionalTags("AzureCloud")) expect(legacy.has(t.region!), t.name).toBe(false);
  });

  it("gives regional tags ARM location names", () => {
    const regions = Regions.default();
    const known = tags.regionalTags("Storage").filter((t) => regions.get(t.region!));
    expect(known.length).toBeGreaterThan(50);
    for (const t of known) expect(regions.normalize(t.region!)).toBe(t.region);
  });

  it("has AzureLoadBalancer and no computed tags", () => {
    expect(tags.get("AzureLoadBalancer")?.set.has(parseIp("168.63.129.16")!)).toBe(true);
    expect(tags.get("VirtualNetwork")).toBeUndefined();
    expect(tags.get("Internet")).toBeUndefined();
  });

  it("nests each regional tag inside its global tag and AzureCloud", () => {
    const cloud = tags.global("AzureCloud")!;
    for (const s of endpointServices()) {
      const global = tags.global(s.tag)!;
      for (const r of tags.regionalTags(s.tag)) {
        const cloudRegion = tags.regional("AzureCloud", r.region!);
        for (const p of r.prefixes) {
          expect(global.set.containsPrefix(p), `${r.name} ${formatPrefix(p)} in ${s.tag}`).toBe(true);
          expect(cloud.set.containsPrefix(p), `${r.name} ${formatPrefix(p)} in AzureCloud`).toBe(true);
          if (cloudRegion)
            expect(cloudRegion.set.containsPrefix(p), `${r.name} in ${cloudRegion.name}`).toBe(true);
        }
      }
    }
  });

  it("is compact", () => {
    expect(statSync(BUNDLED).size).toBeLessThan(400 * 1024);
  });
});

describe("ServiceTags.parse", () => {
  const doc = (values: unknown[]) => ({ changeNumber: 1, cloud: "Public", values });

  it("reads the ServiceTags_Public schema", () => {
    const tags = ServiceTags.parse(
      doc([
        {
          name: "Sql",
          properties: { region: "", addressPrefixes: ["13.66.62.124/32", "2603:1000:4::/123"] },
        },
        { name: "Sql.WestUS", properties: { region: "westus", addressPrefixes: ["13.86.216.0/25"] } },
      ]),
    );
    expect(tags.names()).toEqual(["Sql", "Sql.WestUS"]);
    expect(tags.regional("Sql", "West US")?.set.has(parseIp("13.86.216.77")!)).toBe(true);
    expect(tags.get("sql")?.prefixes.map(formatPrefix)).toEqual(["13.66.62.124/32", "2603:1000:4::/123"]);
  });

  it("builds each tag's set once, on demand", () => {
    const t = ServiceTags.parse(doc([{ name: "A", properties: { addressPrefixes: ["10.0.0.0/8"] } }])).get(
      "A",
    )!;
    expect(t.set).toBe(t.set);
  });

  it("rejects a bad shape, naming the file", () => {
    const bad = (json: unknown) => () => ServiceTags.parse(json, "tags.json");
    expect(bad([])).toThrow(/'values' array/);
    expect(bad(doc([{ properties: { addressPrefixes: [] } }]))).toThrow(/values\[0\] has no name/);
    expect(bad(doc([{ name: "X", properties: {} }]))).toThrow(/'X' has no properties.addressPrefixes/);
    const dup = { name: "X", properties: { addressPrefixes: [] } };
    expect(bad(doc([dup, { ...dup, name: "x" }]))).toThrow(/'x' appears twice/);
    try {
      ServiceTags.parse(doc([{ name: "X", properties: { addressPrefixes: ["10.0.0.0/33"] } }]), "tags.json");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VnetlabError);
      const err = e as VnetlabError;
      expect(err.code).toBe("InvalidServiceTags");
      expect(err.context.file).toBe("tags.json");
      expect(err.message).toContain("10.0.0.0/33");
    }
  });
});

describe.skipIf(!hasReal)("against the real ServiceTags_Public.json", () => {
  const realJson = hasReal ? JSON.parse(readFileSync(REAL, "utf8")) : undefined;
  const real = hasReal ? ServiceTags.parse(realJson, "ServiceTags_Public.json") : undefined;
  const bundled = ServiceTags.default();

  it("parses every tag", () => {
    expect(real!.names().length).toBe(realJson.values.length);
    expect(real!.get("AzureCloud.norwaye")?.region).toBe("norwayeast");
  });

  it("bundles only real prefixes of each tag", () => {
    const realTexts = new Map<string, Set<string>>();
    for (const v of realJson.values) realTexts.set(v.name, new Set(v.properties.addressPrefixes));
    for (const t of bundled.all()) {
      const own = realTexts.get(t.name);
      if (!own) continue; // AzureLoadBalancer: in Microsoft's file, not in our copy (data/README.md)
      for (const p of t.prefixes) expect(own.has(formatPrefix(p)), `${t.name} ${formatPrefix(p)}`).toBe(true);
    }
  });

  it("keeps every regional tag of the families the engine reads", () => {
    for (const base of new Set([...endpointServices().map((s) => s.tag), "AzureCloud"])) {
      const want = real!.regionalTags(base).map((t) => t.name);
      expect(bundled.regionalTags(base).map((t) => t.name)).toEqual(expect.arrayContaining(want));
      expect(bundled.regionalTags(base).length).toBe(want.length);
    }
  });

  it("agrees with the real file on which addresses belong to a bundled tag", () => {
    for (const t of bundled.all()) {
      const r = real!.get(t.name);
      if (!r) continue;
      for (const p of t.prefixes) expect(r.set.containsPrefix(p)).toBe(true);
    }
    const ip = parsePrefix("168.63.129.16/32")!;
    expect(bundled.get("AzureLoadBalancer")?.set.containsPrefix(ip)).toBe(true);
  });
});
