import { describe, expect, it } from "vitest";
import { Regions } from "./regions.js";
import { ServiceTypes } from "./resources/services.js";
import {
  defaultEndpointLocations,
  endpointRouteTags,
  endpointService,
  endpointServices,
  endpointServicesForKind,
  paasServiceByType,
  paasServices,
  serviceEndpointPolicyAliases,
} from "./serviceCatalog.js";
import { ServiceTags } from "./serviceTags.js";

const regions = Regions.default();
const tags = ServiceTags.default();
/** Child resources (rules, config) are not PaaS services of their own. */
const CHILD_TYPES = new Set<string>([
  ServiceTypes.sqlFirewallRule,
  ServiceTypes.sqlVirtualNetworkRule,
  ServiceTypes.webSiteConfig,
]);

describe("endpoint services", () => {
  it("lists the service names of semantics §1.2, case-insensitively", () => {
    const names = [
      "Microsoft.Storage",
      "Microsoft.Storage.Global",
      "Microsoft.Sql",
      "Microsoft.AzureCosmosDB",
      "Microsoft.KeyVault",
      "Microsoft.ServiceBus",
      "Microsoft.EventHub",
      "Microsoft.Web",
      "Microsoft.CognitiveServices",
      "Microsoft.AzureActiveDirectory",
      "Microsoft.ContainerRegistry",
    ];
    expect(endpointServices().map((s) => s.name)).toEqual(expect.arrayContaining(names));
    for (const n of names) expect(endpointService(n.toLowerCase())?.name).toBe(n);
    expect(endpointService("Microsoft.Nope")).toBeUndefined();
    expect(endpointService("Microsoft.ContainerRegistry")?.status).toBe("Preview");
  });

  it("lets Microsoft.Sql unlock the single servers too (semantics R3)", () => {
    expect(endpointService("Microsoft.Sql")?.kinds).toEqual(
      expect.arrayContaining(["sql", "postgresql", "mysql", "mariadb"]),
    );
    expect(endpointServicesForKind("mysql").map((s) => s.name)).toEqual(["Microsoft.Sql"]);
    expect(endpointServicesForKind("storage").map((s) => s.name)).toEqual([
      "Microsoft.Storage",
      "Microsoft.Storage.Global",
    ]);
  });

  it("fills default locations as ARM does (semantics §1.2)", () => {
    expect(defaultEndpointLocations("Microsoft.Storage", "westus3", regions)).toEqual(["westus3", "eastus"]);
    expect(defaultEndpointLocations("Microsoft.Storage", "eastus", regions)).toEqual(["eastus", "westus"]);
    expect(defaultEndpointLocations("microsoft.storage", "East US 2", regions)).toEqual([
      "eastus2",
      "centralus",
    ]);
    expect(defaultEndpointLocations("Microsoft.Storage", "qatarcentral", regions)).toEqual(["qatarcentral"]);
    expect(defaultEndpointLocations("Microsoft.Sql", "westus3", regions)).toEqual(["westus3"]);
    expect(defaultEndpointLocations("Microsoft.Storage.Global", "eastus", regions)).toEqual(["*"]);
    expect(defaultEndpointLocations("Microsoft.KeyVault", "eastus", regions)).toEqual(["*"]);
    expect(defaultEndpointLocations("Microsoft.Nope", "eastus", regions)).toEqual([]);
  });

  it("covers the regional tags of the locations, or the global tag for '*'", () => {
    const names = (service: string, locations: string[]) =>
      endpointRouteTags(service, locations, tags).map((t) => t.name);
    expect(names("Microsoft.Storage", ["eastus", "westus"])).toEqual(["Storage.EastUS", "Storage.WestUS"]);
    expect(names("Microsoft.Storage", ["eastus", "eastus"])).toEqual(["Storage.EastUS"]);
    expect(names("Microsoft.Storage.Global", ["*"])).toEqual(["Storage"]);
    expect(names("Microsoft.Sql", ["westus3"])).toEqual(["Sql.WestUS3"]);
    expect(names("Microsoft.KeyVault", ["*"])).toEqual(["AzureKeyVault"]);
    expect(names("Microsoft.AzureActiveDirectory", ["eastus"])).toEqual(["AzureDataLake"]);
    expect(names("Microsoft.Storage", ["atlantis"])).toEqual([]);
    expect(names("Microsoft.Nope", ["*"])).toEqual([]);
  });

  it("names a tag that exists for every default location of every service", () => {
    for (const s of endpointServices()) {
      const locations = defaultEndpointLocations(s.name, "eastus", regions);
      expect(endpointRouteTags(s.name, locations, tags).length, s.name).toBeGreaterThan(0);
    }
  });
});

describe("PaaS services", () => {
  it("covers every PaaS resource type of the model", () => {
    for (const type of Object.values(ServiceTypes)) {
      if (CHILD_TYPES.has(type)) continue;
      expect(paasServiceByType(type.toUpperCase())?.resourceType, type).toBe(type);
    }
    expect(paasServiceByType("Microsoft.Network/virtualNetworks")).toBeUndefined();
  });

  it("ties each service to an endpoint service that unlocks it, with the same tag", () => {
    for (const p of paasServices()) {
      const se = endpointService(p.endpointService);
      expect(se?.kinds, p.resourceType).toContain(p.kind);
      expect(p.tag).toBe(se?.tag);
      expect(p.hosts.length).toBeGreaterThan(0);
    }
  });

  it("uses the private DNS zones of semantics §6", () => {
    const zone = (type: string, subresource: string) =>
      paasServiceByType(type)?.hosts.find((h) => h.subresource === subresource)?.privateLinkZone;
    for (const sub of ["blob", "table", "queue", "file", "dfs"]) {
      expect(zone(ServiceTypes.storageAccount, sub)).toBe(`privatelink.${sub}.core.windows.net`);
    }
    expect(zone(ServiceTypes.sqlServer, "sqlServer")).toBe("privatelink.database.windows.net");
    expect(zone(ServiceTypes.keyVault, "vault")).toBe("privatelink.vaultcore.azure.net");
    expect(zone(ServiceTypes.cosmosDbAccount, "Sql")).toBe("privatelink.documents.azure.com");
    expect(zone(ServiceTypes.serviceBusNamespace, "namespace")).toBe("privatelink.servicebus.windows.net");
    expect(zone(ServiceTypes.eventHubNamespace, "namespace")).toBe("privatelink.servicebus.windows.net");
    expect(zone(ServiceTypes.webSite, "sites")).toBe("privatelink.azurewebsites.net");
    expect(zone(ServiceTypes.containerRegistry, "registry")).toBe("privatelink.azurecr.io");
    expect(zone(ServiceTypes.cognitiveServicesAccount, "account")).toBe(
      "privatelink.cognitiveservices.azure.com",
    );
  });

  it("keeps each host's private zone the privatelink. form of its public zone", () => {
    for (const p of paasServices()) {
      for (const h of p.hosts) {
        expect(h.template.endsWith(`.${h.suffix}`), h.template).toBe(true);
        // Key Vault's records live under vaultcore.azure.net although hosts are vault.azure.net [S22c].
        if (h.privateLinkZone && p.kind !== "keyVault" && !h.suffix.startsWith("data.")) {
          expect(h.privateLinkZone.endsWith(h.suffix.replace(/^scm\./, "")), h.template).toBe(true);
        }
      }
    }
  });
});

describe("service endpoint policy aliases", () => {
  it("are data, starting with /services/Azure (semantics §5 S3)", () => {
    const aliases = serviceEndpointPolicyAliases();
    expect(aliases).toContain("/services/Azure");
    for (const a of aliases) expect(a).toMatch(/^\/services\/Azure(\/[A-Za-z]+)?$/);
  });
});
