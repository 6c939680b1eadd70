import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatIp, type IpAddress, parsePrefix, prefixRange } from "../net/index.js";
import type { ArmResource } from "./arm.js";
import { fnv1a32, pickAddress, publicAddressOf, publicHostsOf } from "./publicEndpoints.js";
import { Regions } from "./regions.js";
import { ServiceTypes } from "./resources/services.js";
import { paasServiceByType } from "./serviceCatalog.js";
import { ServiceTags } from "./serviceTags.js";

const REAL = new URL("../../../shared/data/ServiceTags_Public.json", import.meta.url);
const regions = Regions.default();
const tags = ServiceTags.default();

function resource(type: string, name: string, extra: Partial<ArmResource> = {}): ArmResource {
  const [ns, t] = type.split("/");
  return {
    id: `/subscriptions/s1/resourceGroups/rg1/providers/${ns}/${t}/${name}`,
    name,
    type,
    location: "eastus",
    ...extra,
  };
}

const hosts = (r: ArmResource) => publicHostsOf(r).map((h) => h.host);

describe("publicHostsOf", () => {
  it("gives a storage account its lower-case service hosts and private zones", () => {
    const list = publicHostsOf(
      resource(ServiceTypes.storageAccount, "StgOne", { sku: { name: "Standard_LRS" } }),
    );
    expect(list.map((h) => h.host)).toEqual(
      ["blob", "queue", "table", "file", "dfs", "web"].map((s) => `stgone.${s}.core.windows.net`),
    );
    expect(list[0]).toEqual({
      host: "stgone.blob.core.windows.net",
      subresource: "blob",
      privateLinkZone: "privatelink.blob.core.windows.net",
    });
    expect(list.some((h) => h.secondary)).toBe(false);
  });

  it("adds read-access secondary hosts only for RA-GRS / RA-GZRS", () => {
    for (const sku of ["Standard_RAGRS", "Standard_RAGZRS"]) {
      const list = publicHostsOf(resource(ServiceTypes.storageAccount, "stg", { sku: { name: sku } }));
      const secondary = list.find((h) => h.host === "stg-secondary.blob.core.windows.net");
      expect(secondary).toMatchObject({ subresource: "blob_secondary", secondary: true });
      expect(list.some((h) => h.host === "stg-secondary.file.core.windows.net")).toBe(false);
    }
    const grs = resource(ServiceTypes.storageAccount, "stg", { sku: { name: "Standard_GRS" } });
    expect(hosts(grs).some((h) => h.includes("-secondary"))).toBe(false);
  });

  it("prefers the endpoints the resource reports when they are in the service's zone", () => {
    const stg = resource(ServiceTypes.storageAccount, "stg", {
      properties: {
        primaryEndpoints: { web: "https://stg.z13.web.core.windows.net/", blob: "https://evil.example/" },
      },
    });
    expect(hosts(stg)).toContain("stg.z13.web.core.windows.net");
    expect(hosts(stg)).toContain("stg.blob.core.windows.net");
    const site = resource(ServiceTypes.webSite, "App1", {
      properties: { defaultHostName: "app1-abc123.eastus-01.azurewebsites.net" },
    });
    expect(hosts(site)).toEqual(["app1-abc123.eastus-01.azurewebsites.net", "app1.scm.azurewebsites.net"]);
    expect(publicHostsOf(site)[1]).toMatchObject({ scm: true, subresource: "sites" });
  });

  it("derives the hosts of each service", () => {
    expect(hosts(resource(ServiceTypes.sqlServer, "sql1"))).toEqual(["sql1.database.windows.net"]);
    expect(hosts(resource(ServiceTypes.postgreSqlServer, "pg1"))).toEqual([
      "pg1.postgres.database.azure.com",
    ]);
    expect(hosts(resource(ServiceTypes.mySqlServer, "my1"))).toEqual(["my1.mysql.database.azure.com"]);
    expect(hosts(resource(ServiceTypes.mariaDbServer, "ma1"))).toEqual(["ma1.mariadb.database.azure.com"]);
    expect(publicHostsOf(resource(ServiceTypes.keyVault, "kv1"))).toEqual([
      {
        host: "kv1.vault.azure.net",
        subresource: "vault",
        privateLinkZone: "privatelink.vaultcore.azure.net",
      },
    ]);
    expect(hosts(resource(ServiceTypes.cosmosDbAccount, "cos1"))).toEqual(["cos1.documents.azure.com"]);
    expect(hosts(resource(ServiceTypes.cosmosDbAccount, "cos1", { kind: "MongoDB" }))).toContain(
      "cos1.mongo.cosmos.azure.com",
    );
    expect(hosts(resource(ServiceTypes.serviceBusNamespace, "sb1"))).toEqual(["sb1.servicebus.windows.net"]);
    expect(hosts(resource(ServiceTypes.eventHubNamespace, "eh1"))).toEqual(["eh1.servicebus.windows.net"]);
    expect(hosts(resource(ServiceTypes.containerRegistry, "Acr1"))).toEqual([
      "acr1.azurecr.io",
      "acr1.eastus.data.azurecr.io",
    ]);
    expect(hosts(resource(ServiceTypes.dataLakeStoreAccount, "adl1"))).toEqual([
      "adl1.azuredatalakestore.net",
    ]);
    expect(publicHostsOf(resource("Microsoft.Network/virtualNetworks", "v"))).toEqual([]);
  });

  it("names Cognitive Services accounts by custom subdomain, with openai.azure.com for OpenAI", () => {
    const cog = resource(ServiceTypes.cognitiveServicesAccount, "cog1", {
      kind: "CognitiveServices",
      properties: { customSubDomainName: "Contoso-AI" },
    });
    expect(hosts(cog)).toEqual(["contoso-ai.cognitiveservices.azure.com"]);
    const oai = resource(ServiceTypes.cognitiveServicesAccount, "oai1", { kind: "OpenAI" });
    expect(publicHostsOf(oai)).toContainEqual({
      host: "oai1.openai.azure.com",
      subresource: "account",
      privateLinkZone: "privatelink.openai.azure.com",
    });
  });
});

describe("publicAddressOf", () => {
  const types = Object.values(ServiceTypes).filter((t) => paasServiceByType(t));

  it("puts every PaaS resource inside its service's regional tag, else its global tag", () => {
    for (const type of types) {
      const r = resource(type, "thing1");
      const ip = publicAddressOf(r, tags, regions);
      const info = paasServiceByType(type)!;
      const tag = tags.regional(info.tag, "eastus") ?? tags.global(info.tag)!;
      expect(ip && tag.set.has(ip), `${type} ${ip && formatIp(ip)} in ${tag.name}`).toBe(true);
    }
  });

  it("is deterministic and depends on the resource id only, case-insensitively", () => {
    const r = resource(ServiceTypes.storageAccount, "stg1");
    const again = ServiceTags.parse(
      JSON.parse(readFileSync(new URL("./data/serviceTags.json", import.meta.url), "utf8")),
    );
    const a = publicAddressOf(r, tags, regions)!;
    expect(publicAddressOf({ ...r }, again, regions)).toEqual(a);
    expect(publicAddressOf({ ...r, id: r.id.toUpperCase() }, tags, regions)).toEqual(a);
    const many = new Set(
      Array.from({ length: 20 }, (_, i) =>
        formatIp(publicAddressOf(resource(ServiceTypes.storageAccount, `stg${i}`), tags, regions)!),
      ),
    );
    expect(many.size).toBeGreaterThan(10);
  });

  it("follows the resource's region, by name or display name", () => {
    const r = resource(ServiceTypes.sqlServer, "sql1", { location: "West Europe" });
    expect(tags.regional("Sql", "westeurope")!.set.has(publicAddressOf(r, tags, regions)!)).toBe(true);
  });

  it("puts an RA-GRS secondary in the paired region's tag (directional pairs)", () => {
    const r = resource(ServiceTypes.storageAccount, "stg1", {
      location: "westus3",
      sku: { name: "Standard_RAGRS" },
    });
    const secondary = publicAddressOf(r, tags, regions, { secondary: true })!;
    expect(tags.regional("Storage", "eastus")!.set.has(secondary)).toBe(true);
    expect(tags.regional("Storage", "westus3")!.set.has(publicAddressOf(r, tags, regions)!)).toBe(true);
    const stated = { ...r, properties: { secondaryLocation: "centralus" } };
    expect(
      tags
        .regional("Storage", "centralus")!
        .set.has(publicAddressOf(stated, tags, regions, { secondary: true })!),
    ).toBe(true);
  });

  it("falls back to the global tag, then to nothing", () => {
    const nowhere = resource(ServiceTypes.keyVault, "kv1", { location: "atlantis" });
    expect(tags.global("AzureKeyVault")!.set.has(publicAddressOf(nowhere, tags, regions)!)).toBe(true);
    const empty = ServiceTags.parse({ values: [] });
    expect(publicAddressOf(nowhere, empty, regions)).toBeUndefined();
    expect(
      publicAddressOf(resource("Microsoft.Network/virtualNetworks", "v"), tags, regions),
    ).toBeUndefined();
  });

  it.skipIf(!existsSync(REAL))("lands inside the real tag when given the real file", () => {
    const real = ServiceTags.parse(JSON.parse(readFileSync(REAL, "utf8")));
    for (const type of types) {
      const ip = publicAddressOf(resource(type, "thing1"), real, regions)!;
      const info = paasServiceByType(type)!;
      const tag = real.regional(info.tag, "eastus") ?? real.global(info.tag)!;
      expect(tag.set.has(ip), type).toBe(true);
    }
  });
});

describe("pickAddress", () => {
  const p = (t: string) => parsePrefix(t)!;
  const picks = (prefixes: string[]) =>
    new Set(
      Array.from({ length: 64 }, (_, seed) => formatIp(pickAddress(prefixes.map(p), seed) as IpAddress)),
    );

  it("avoids the first and last address where the prefix allows", () => {
    expect(picks(["20.1.2.0/30"])).toEqual(new Set(["20.1.2.1", "20.1.2.2"]));
    const { first, last } = prefixRange(p("20.1.2.0/24"));
    const all = picks(["20.1.2.0/24"]);
    expect(all.has(formatIp(first)) || all.has(formatIp(last))).toBe(false);
  });

  it("uses every address of a /31 or /32", () => {
    expect(picks(["20.1.2.9/32"])).toEqual(new Set(["20.1.2.9"]));
    expect(picks(["20.1.2.8/31"])).toEqual(new Set(["20.1.2.8", "20.1.2.9"]));
  });

  it("ignores the order prefixes are listed in and IPv6", () => {
    const a = ["20.1.0.0/24", "13.2.0.0/28", "2603:1000::/48"].map(p);
    for (const seed of [0, 7, 300, fnv1a32("x")])
      expect(pickAddress(a, seed)).toEqual(pickAddress([...a].reverse(), seed));
    expect(pickAddress([p("2603:1000::/48")], 1)).toBeUndefined();
  });

  it("hashes with FNV-1a", () => {
    // Published FNV-1a 32-bit test vectors.
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });
});
