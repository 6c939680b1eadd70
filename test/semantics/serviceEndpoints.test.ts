// Semantics §1: service endpoints on subnets, seen through whole traces: which traffic an endpoint captures
// (R2, the Storage and Sql scopes), what it changes for the services behind it (R3), and what ARM refuses (R1).
import { describe, expect, it } from "vitest";
import { subnetRoutes, traceBetween } from "../../src/engine/index.js";
import type { ArmResource } from "../../src/model/arm.js";
import { compileEstate } from "../../src/model/compileEstate.js";
import { VnetlabError } from "../../src/model/errors.js";
import { ServiceTags } from "../../src/model/serviceTags.js";
import { addressAt, formatIp, formatPrefix, type Prefix, parseIp, parsePrefix } from "../../src/net/index.js";
import { resource, type SubnetSpec, storageAccount, subnetId, vm, vnet } from "../fixtures/arm.js";
import { stage, traceIn } from "./trace.js";

const VM_PIP = "13.82.10.10";
const tags = ServiceTags.default();

/** A VM in `region` behind one subnet with the given endpoints, plus whatever the test adds. */
function estate(
  region: string,
  serviceEndpoints: SubnetSpec["serviceEndpoints"],
  ...extra: ArmResource[]
): { resources: ArmResource[]; subnet: string } {
  const v = vnet(
    "vnet-app",
    region,
    ["10.0.0.0/16"],
    [
      { name: "snet-app", prefix: "10.0.1.0/24", ...(serviceEndpoints ? { serviceEndpoints } : {}) },
      { name: "snet-other", prefix: "10.0.2.0/24" },
    ],
  );
  const subnet = subnetId(v, "snet-app");
  return {
    subnet,
    resources: [
      v,
      ...vm("vm-app", region, subnet, "10.0.1.4", { publicIp: VM_PIP }),
      ...vm("vm-other", region, subnetId(v, "snet-other"), "10.0.2.4"),
      ...extra,
    ],
  };
}

const blob = (name: string) => `https://${name}.blob.core.windows.net/c/b.txt`;
const firstHost = (p: Prefix) => `${formatIp(addressAt(p, 1))}:443`;
const v4 = (name: string) => tags.get(name)!.prefixes.filter((p) => p.family === 4);

describe("§1.2 R1: Microsoft.Storage and Microsoft.Storage.Global cannot coexist on one subnet", () => {
  it("the estate compiler refuses the subnet with Azure's code and message", () => {
    const { resources, subnet } = estate("eastus", ["Microsoft.Storage", "Microsoft.Storage.Global"]);
    let error: unknown;
    try {
      compileEstate(resources);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VnetlabError);
    const e = error as VnetlabError;
    expect(e.code).toBe("SubnetHasBothRegionalAndGlobalStorageServiceEndpointsTogether");
    expect(e.status).toBe(400);
    expect(e.message).toBe(
      `Subnet ${subnet} has ServiceEndpoint entries for both 'Microsoft.Storage' and 'Microsoft.Storage.Global' together. Please use either one of them at a time.`,
    );
    expect(e.context.resourceId).toBe(subnet);
  });

  it("either one alone is accepted, whatever the case of the service names", () => {
    expect(() => compileEstate(estate("eastus", ["microsoft.storage"]).resources)).not.toThrow();
    expect(() => compileEstate(estate("eastus", ["Microsoft.Storage.Global"]).resources)).not.toThrow();
    expect(() =>
      compileEstate(estate("eastus", ["microsoft.STORAGE", "Microsoft.Storage.global"]).resources),
    ).toThrow(/both 'Microsoft.Storage' and 'Microsoft.Storage.Global'/);
  });
});

describe("§1.2 R2: service endpoint routes are exactly the service-tag prefixes", () => {
  it("the Microsoft.Storage routes of an eastus subnet are Storage.EastUS and Storage.WestUS (its pair), nothing more", () => {
    const { resources, subnet } = estate("eastus", ["Microsoft.Storage"]);
    const se = subnetRoutes(compileEstate(resources), subnet)
      .effective()
      .filter((r) => r.nextHopType === "VirtualNetworkServiceEndpoint")
      .flatMap((r) => r.addressPrefix);
    const expected = [...tags.get("Storage.EastUS")!.prefixes, ...tags.get("Storage.WestUS")!.prefixes].map(
      formatPrefix,
    );
    expect([...se].sort()).toEqual([...expected].sort());
  });

  it("every prefix of the tags carries the subnet's storage traffic over the endpoint, one route per prefix", () => {
    const { resources } = estate("eastus", ["Microsoft.Storage"]);
    for (const p of [...v4("Storage.EastUS"), ...v4("Storage.WestUS")]) {
      const t = traceIn(resources, "vm-app", firstHost(p));
      expect(t.route, formatPrefix(p)).toEqual({
        nextHopType: "VirtualNetworkServiceEndpoint",
        addressPrefix: formatPrefix(p),
        source: "Default",
      });
    }
  });

  it("the routes follow the service tags loaded, with no other change (maintained automatically)", () => {
    const extra = "198.18.0.0/24"; // a range Storage.EastUS does not hold in the bundled tags
    const { resources, subnet } = estate("eastus", ["Microsoft.Storage"]);
    const before = traceIn(resources, "vm-app", `${formatIp(addressAt(parsePrefix(extra)!, 9))}:443`);
    expect(before.route?.nextHopType).not.toBe("VirtualNetworkServiceEndpoint");

    const values = tags.all().map((t) => ({
      name: t.name,
      properties: {
        region: t.name.includes(".") ? t.name.slice(t.name.indexOf(".") + 1).toLowerCase() : "",
        addressPrefixes: [...t.prefixes.map(formatPrefix), ...(t.name === "Storage.EastUS" ? [extra] : [])],
      },
    }));
    const updated = ServiceTags.parse({ values });
    const e = compileEstate(resources, { serviceTags: updated });
    const after = traceBetween(e, "vm-app", `${formatIp(addressAt(parsePrefix(extra)!, 9))}:443`);
    expect(after.route).toEqual({
      nextHopType: "VirtualNetworkServiceEndpoint",
      addressPrefix: extra,
      source: "Default",
    });
    expect(
      subnetRoutes(e, subnet)
        .effective()
        .some((r) => r.addressPrefix.includes(extra)),
    ).toBe(true);
  });

  it("only the subnet with the endpoint gets the routes: its neighbour still goes over the internet", () => {
    const { resources } = estate("eastus", ["Microsoft.Storage"], storageAccount("stgscope", "eastus"));
    expect(traceIn(resources, "vm-app", blob("stgscope")).route?.nextHopType).toBe(
      "VirtualNetworkServiceEndpoint",
    );
    expect(traceIn(resources, "vm-other", blob("stgscope")).route?.nextHopType).toBe("Internet");
  });
});

describe("§1.2 R3: Microsoft.Sql also captures PostgreSQL, MySQL and MariaDB single servers", () => {
  const servers = [
    { type: "Microsoft.DBforPostgreSQL/servers", name: "pg-app", host: "pg-app.postgres.database.azure.com" },
    { type: "Microsoft.DBforMySQL/servers", name: "mysql-app", host: "mysql-app.mysql.database.azure.com" },
    {
      type: "Microsoft.DBforMariaDB/servers",
      name: "maria-app",
      host: "maria-app.mariadb.database.azure.com",
    },
  ];

  /** A General Purpose single server whose only rule admits the VM's public IP, and optionally the subnet. */
  function server(type: string, name: string, vnetRuleFor?: string): ArmResource {
    return resource(
      type,
      name,
      "eastus",
      {
        firewallRules: [{ name: "vm-app", properties: { startIpAddress: VM_PIP, endIpAddress: VM_PIP } }],
        ...(vnetRuleFor
          ? {
              virtualNetworkRules: [
                { name: "snet-app", properties: { virtualNetworkSubnetId: vnetRuleFor } },
              ],
            }
          : {}),
      },
      { sku: { name: "GP_Gen5_2", tier: "GeneralPurpose" } },
    );
  }

  for (const s of servers) {
    it(`${s.type}: reachable by IP rule without the endpoint, refused once Microsoft.Sql is on, admitted by a VNet rule`, () => {
      const before = traceIn(estate("eastus", undefined, server(s.type, s.name)).resources, "vm-app", s.host);
      expect(before.verdict).toBe("Allow");
      expect(before.decidedBy.rule).toBe("firewallRules/vm-app");

      const after = traceIn(
        estate("eastus", ["Microsoft.Sql"], server(s.type, s.name)).resources,
        "vm-app",
        s.host,
      );
      expect(after.route?.nextHopType).toBe("VirtualNetworkServiceEndpoint");
      expect(after.verdict).toBe("Deny");
      expect(after.decidedBy.stage).toBe("firewall");
      expect(after.response).toBeDefined();

      const { subnet } = estate("eastus", ["Microsoft.Sql"]);
      const fixed = traceIn(
        estate("eastus", ["Microsoft.Sql"], server(s.type, s.name, subnet)).resources,
        "vm-app",
        s.host,
      );
      expect(fixed.verdict).toBe("Allow");
      expect(fixed.decidedBy.rule).toBe("virtualNetworkRules/snet-app");
    });
  }
});

describe("§1.2/§4.1 R5: the scope of Microsoft.Storage is the VNet's region and its pair", () => {
  const accounts = [
    storageAccount("stgeastus", "eastus"),
    storageAccount("stgwestus", "westus"),
    storageAccount("stgwesteurope", "westeurope"),
    storageAccount("stgwestus3", "westus3"),
  ];

  it("from eastus: eastus and westus (its pair) over the endpoint, westeurope over the internet path", () => {
    const { resources } = estate("eastus", ["Microsoft.Storage"], ...accounts);
    for (const name of ["stgeastus", "stgwestus"]) {
      const t = traceIn(resources, "vm-app", blob(name));
      expect(stage(t, "path")?.path, name).toBe("serviceEndpoint");
      expect(t.sourceIpSeenByService).toBe("10.0.1.4");
    }
    const far = traceIn(resources, "vm-app", blob("stgwesteurope"));
    expect(far.route?.nextHopType).toBe("Internet");
    expect(stage(far, "path")?.path).toBe("internet");
    expect(far.sourceIpSeenByService).toBe(VM_PIP);
  });

  it("pairs are directional: westus3 pairs to eastus, but eastus does not pair to westus3", () => {
    const fromWestus3 = estate("westus3", ["Microsoft.Storage"], ...accounts).resources;
    expect(traceIn(fromWestus3, "vm-app", blob("stgeastus")).route?.nextHopType).toBe(
      "VirtualNetworkServiceEndpoint",
    );
    const fromEastus = estate("eastus", ["Microsoft.Storage"], ...accounts).resources;
    expect(traceIn(fromEastus, "vm-app", blob("stgwestus3")).route?.nextHopType).toBe("Internet");
  });

  it("Microsoft.Storage.Global reaches an account in any region over the endpoint", () => {
    const { resources } = estate("eastus", ["Microsoft.Storage.Global"], ...accounts);
    for (const name of ["stgeastus", "stgwestus", "stgwesteurope", "stgwestus3"]) {
      const t = traceIn(resources, "vm-app", blob(name));
      expect(t.route?.nextHopType, name).toBe("VirtualNetworkServiceEndpoint");
      expect(t.sourceIpSeenByService).toBe("10.0.1.4");
    }
  });
});

describe("§1.2: the scope of Microsoft.Sql is the VNet's region only", () => {
  const sql = (name: string, region: string) =>
    resource("Microsoft.Sql/servers", name, region, { publicNetworkAccess: "Enabled" });

  it("a server in the VNet's region is reached over the endpoint; one in the paired region over the internet", () => {
    const { resources } = estate(
      "eastus",
      ["Microsoft.Sql"],
      sql("sql-east", "eastus"),
      sql("sql-west", "westus"),
    );
    const near = traceIn(resources, "vm-app", "sql-east.database.windows.net");
    expect(near.route?.nextHopType).toBe("VirtualNetworkServiceEndpoint");
    expect(near.destination.port).toBe(1433);
    const far = traceIn(resources, "vm-app", "sql-west.database.windows.net");
    expect(far.route?.nextHopType).toBe("Internet");
    expect(far.sourceIpSeenByService).toBe(VM_PIP);
  });
});

describe("§1.2: each endpoint service carries the traffic of its own services, and only theirs", () => {
  const targets: { service: string; resource: ArmResource; url: string }[] = [
    { service: "Microsoft.Storage", resource: storageAccount("stgeach", "eastus"), url: blob("stgeach") },
    {
      service: "Microsoft.Sql",
      resource: resource("Microsoft.Sql/servers", "sql-each", "eastus", {}),
      url: "sql-each.database.windows.net",
    },
    {
      service: "Microsoft.KeyVault",
      resource: resource("Microsoft.KeyVault/vaults", "kv-each", "eastus", {}),
      url: "https://kv-each.vault.azure.net/",
    },
    {
      service: "Microsoft.AzureCosmosDB",
      resource: resource(
        "Microsoft.DocumentDB/databaseAccounts",
        "cosmos-each",
        "eastus",
        {},
        { kind: "GlobalDocumentDB" },
      ),
      url: "https://cosmos-each.documents.azure.com/",
    },
    {
      service: "Microsoft.ServiceBus",
      resource: resource(
        "Microsoft.ServiceBus/namespaces",
        "sb-each",
        "eastus",
        {},
        { sku: { name: "Premium", tier: "Premium" } },
      ),
      url: "https://sb-each.servicebus.windows.net/",
    },
    {
      service: "Microsoft.EventHub",
      resource: resource(
        "Microsoft.EventHub/namespaces",
        "evh-each",
        "eastus",
        {},
        { sku: { name: "Standard", tier: "Standard" } },
      ),
      url: "https://evh-each.servicebus.windows.net/",
    },
    {
      service: "Microsoft.Web",
      resource: resource("Microsoft.Web/sites", "app-each", "eastus", {}),
      url: "https://app-each.azurewebsites.net/",
    },
    {
      service: "Microsoft.CognitiveServices",
      resource: resource("Microsoft.CognitiveServices/accounts", "cog-each", "eastus", {
        customSubDomainName: "cog-each",
      }),
      url: "https://cog-each.cognitiveservices.azure.com/",
    },
    {
      service: "Microsoft.ContainerRegistry",
      resource: resource(
        "Microsoft.ContainerRegistry/registries",
        "acreach",
        "eastus",
        {},
        { sku: { name: "Premium" } },
      ),
      url: "https://acreach.azurecr.io/v2/",
    },
    {
      service: "Microsoft.AzureActiveDirectory",
      resource: resource("Microsoft.DataLakeStore/accounts", "adlseach", "eastus", {}),
      url: "https://adlseach.azuredatalakestore.net/",
    },
  ];
  const all = targets.map((t) => t.resource);

  for (const { service, url } of targets) {
    it(`${service}: its service over the endpoint with the private IP, every other service over the internet`, () => {
      const { resources } = estate("eastus", [service], ...all);
      for (const other of targets) {
        const t = traceIn(resources, "vm-app", other.url);
        if (other.url === url) {
          expect(t.route?.nextHopType, other.service).toBe("VirtualNetworkServiceEndpoint");
          expect(t.sourceIpSeenByService).toBe("10.0.1.4");
        } else {
          expect(t.route?.nextHopType, `${service} → ${other.service}`).toBe("Internet");
        }
      }
    });
  }
});

describe("§4.1 R6 through the endpoint: the RA-GRS secondary endpoint is served from the pair", () => {
  it("from eastus, the secondary (westus) is inside the Microsoft.Storage scope and the VNet rule admits it", () => {
    const { subnet } = estate("eastus", ["Microsoft.Storage"]);
    const account = storageAccount(
      "stgragrs",
      "eastus",
      { networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: subnet, action: "Allow" }] } },
      "rg-data",
      { sku: "Standard_RAGRS" },
    );
    const { resources } = estate("eastus", ["Microsoft.Storage"], account);
    const t = traceIn(resources, "vm-app", "https://stgragrs-secondary.blob.core.windows.net/c/b.txt");
    const westus = tags.get("Storage.WestUS")!;
    expect(westus.set.has(parseIp(t.destination.ip!)!)).toBe(true);
    expect(t.route?.nextHopType).toBe("VirtualNetworkServiceEndpoint");
    expect(t.verdict).toBe("Allow");
    expect(t.decidedBy.rule).toContain("virtualNetworkRules");
  });
});
