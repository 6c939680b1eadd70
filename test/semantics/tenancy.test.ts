// Semantics §8: VNet rules for subnets of other subscriptions and tenants, per service.
import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../src/model/arm.js";
import {
  OTHER_SUB,
  resource,
  SUB,
  storageAccount,
  subnetId,
  subscription,
  vm,
  vnet,
} from "../fixtures/arm.js";
import { stage, traceIn } from "./trace.js";

const TENANT = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
const OTHER_TENANT = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";
const FOREIGN_SUB = "33333333-3333-3333-3333-333333333333";

const ENDPOINTS = [
  "Microsoft.Storage",
  "Microsoft.KeyVault",
  "Microsoft.Sql",
  "Microsoft.AzureCosmosDB",
  "Microsoft.CognitiveServices",
];

/** The services live in SUB (tenant A); the client VNet lives in `vnetSub`, with every endpoint enabled. */
function estate(vnetSub: string): ArmResource[] {
  const v = vnet(
    "vnet-client",
    "eastus",
    ["10.0.0.0/16"],
    [{ name: "snet-client", prefix: "10.0.1.0/24", serviceEndpoints: ENDPOINTS }],
    "rg-client",
    vnetSub,
  );
  const snet = subnetId(v, "snet-client");
  return [
    subscription(SUB, TENANT),
    subscription(OTHER_SUB, TENANT),
    subscription(FOREIGN_SUB, OTHER_TENANT),
    v,
    ...vm("vm-client", "eastus", snet, "10.0.1.4", { rg: "rg-client", sub: vnetSub }),
    storageAccount("stgtenancy", "eastus", {
      networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: snet, action: "Allow" }] },
    }),
    resource("Microsoft.KeyVault/vaults", "kv-tenancy", "eastus", {
      networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: snet }] },
    }),
    resource("Microsoft.CognitiveServices/accounts", "cog-tenancy", "eastus", {
      customSubDomainName: "cog-tenancy",
      networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: snet }] },
    }),
    resource("Microsoft.Sql/servers", "sql-tenancy", "eastus", {
      virtualNetworkRules: [{ name: "client", properties: { virtualNetworkSubnetId: snet } }],
    }),
    resource(
      "Microsoft.DocumentDB/databaseAccounts",
      "cosmos-tenancy",
      "eastus",
      { isVirtualNetworkFilterEnabled: true, virtualNetworkRules: [{ id: snet }] },
      { kind: "GlobalDocumentDB" },
    ),
  ];
}

const TARGETS = {
  storage: "https://stgtenancy.blob.core.windows.net/c/b.txt",
  keyVault: "https://kv-tenancy.vault.azure.net/secrets/s",
  cognitive: "https://cog-tenancy.cognitiveservices.azure.com/",
  sql: "sql-tenancy.database.windows.net",
  cosmos: "https://cosmos-tenancy.documents.azure.com/",
};

describe("§8 cross-subscription VNet rules (same tenant) work for every service", () => {
  for (const [service, url] of Object.entries(TARGETS)) {
    it(service, () => {
      const t = traceIn(estate(OTHER_SUB), "vm-client", url);
      expect(stage(t, "path")?.path).toBe("serviceEndpoint");
      expect(t.verdict).toBe("Allow");
      expect(t.decidedBy.stage).toBe("firewall");
    });
  }
});

describe("§8 cross-tenant VNet rules", () => {
  for (const service of ["storage", "keyVault", "cognitive"] as const) {
    it(`${service} accepts a subnet of another tenant`, () => {
      const t = traceIn(estate(FOREIGN_SUB), "vm-client", TARGETS[service]);
      expect(stage(t, "path")?.path).toBe("serviceEndpoint");
      expect(t.verdict).toBe("Allow");
    });
  }

  it("SQL ignores a rule for a subnet of another tenant: 40914", () => {
    const t = traceIn(estate(FOREIGN_SUB), "vm-client", TARGETS.sql);
    expect(stage(t, "path")?.path).toBe("serviceEndpoint");
    expect(t.verdict).toBe("Deny");
    expect(t.response?.code).toBe("40914");
    expect(t.decidedBy.reason).toMatch(/another Microsoft Entra tenant/);
  });

  it("Cosmos DB ignores a rule for a subnet of another tenant: 403 from the service endpoint", () => {
    const t = traceIn(estate(FOREIGN_SUB), "vm-client", TARGETS.cosmos);
    expect(t.verdict).toBe("Deny");
    expect(t.response?.status).toBe(403);
    expect(t.decidedBy.reason).toMatch(/another Microsoft Entra tenant/);
  });
});
