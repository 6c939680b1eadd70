import { describe, expect, it } from "vitest";
import { resource, ridIn, storageAccount, subnetId, vnet } from "../../../test/fixtures/arm.js";
import { findingsOf } from "../../../test/fixtures/lint.js";

const east = vnet(
  "vnet-east",
  "eastus",
  ["10.1.0.0/16"],
  [
    { name: "snet-bare", prefix: "10.1.1.0/24" },
    { name: "snet-storage", prefix: "10.1.2.0/24", serviceEndpoints: ["Microsoft.Storage"] },
    { name: "snet-global", prefix: "10.1.3.0/24", serviceEndpoints: ["Microsoft.Storage.Global"] },
    { name: "snet-sql", prefix: "10.1.4.0/24", serviceEndpoints: ["Microsoft.Sql", "Microsoft.KeyVault"] },
  ],
);
const BARE = subnetId(east, "snet-bare");
const STORAGE = subnetId(east, "snet-storage");
const GLOBAL = subnetId(east, "snet-global");
const SQL = subnetId(east, "snet-sql");

const acls = (...subnets: string[]) => ({
  networkAcls: { defaultAction: "Deny", virtualNetworkRules: subnets.map((id) => ({ id, action: "Allow" })) },
});

function sqlServer(name: string, location: string, subnet: string) {
  return resource("Microsoft.Sql/servers", name, location, {
    virtualNetworkRules: [{ name: "allow-app", properties: { virtualNetworkSubnetId: subnet } }],
  });
}

describe("VNL002 VNet rules naming subnets without the service's endpoint (semantics §4, §4.1 R4)", () => {
  it("reports a storage rule for a subnet with no storage endpoint", () => {
    const stg = storageAccount("stg1", "eastus", acls(BARE));
    const [f, ...rest] = findingsOf("VNL002", [east, stg]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ resourceId: stg.id, severity: "error", related: [BARE] });
    expect(f!.message).toContain("networkAcls.virtualNetworkRules[0] names subnet snet-bare of vnet-east");
    expect(f!.message).toContain("Microsoft.Storage or Microsoft.Storage.Global");
  });

  it("accepts either storage endpoint, and ignores subnets outside the estate", () => {
    const elsewhere = `${ridIn("33333333-3333-3333-3333-333333333333", "rg", "Microsoft.Network/virtualNetworks", "v")}/subnets/s`;
    const stg = storageAccount("stg1", "eastus", acls(STORAGE, GLOBAL, elsewhere));
    expect(findingsOf("VNL002", [east, stg])).toEqual([]);
  });

  it("still reports a rule saved with ignoreMissingVnetServiceEndpoint: it grants nothing", () => {
    const kv = resource("Microsoft.KeyVault/vaults", "kv1", "eastus", {
      networkAcls: {
        defaultAction: "Deny",
        virtualNetworkRules: [
          { id: BARE, ignoreMissingVnetServiceEndpoint: true },
          { id: SQL, ignoreMissingVnetServiceEndpoint: true },
        ],
      },
    });
    const [f, ...rest] = findingsOf("VNL002", [east, kv]);
    expect(rest).toEqual([]);
    expect(f!.message).toContain("Microsoft.KeyVault");
    expect(f!.message).toContain("ignoreMissingVnetServiceEndpoint=true");
  });

  it("reads SQL's child virtual network rules", () => {
    const found = findingsOf("VNL002", [
      east,
      sqlServer("sql1", "eastus", BARE),
      sqlServer("sql2", "eastus", SQL),
    ]);
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining("virtualNetworkRules/allow-app names subnet snet-bare of vnet-east"),
    ]);
  });
});

describe("VNL005 VNet rules across regions (semantics §4.2, §4.1 R5)", () => {
  const west = vnet(
    "vnet-west",
    "westus",
    ["10.2.0.0/16"],
    [{ name: "snet-sql", prefix: "10.2.1.0/24", serviceEndpoints: ["Microsoft.Sql"] }],
  );

  it("reports a SQL rule for a subnet in another region", () => {
    const server = sqlServer("sql1", "eastus", subnetId(west, "snet-sql"));
    const [f] = findingsOf("VNL005", [east, west, server]);
    expect(f).toMatchObject({ resourceId: server.id, severity: "error" });
    expect(f!.message).toContain("westus");
    expect(f!.message).toContain("eastus");
  });

  it("is silent for a SQL rule in the server's region", () => {
    expect(findingsOf("VNL005", [east, west, sqlServer("sql1", "eastus", SQL)])).toEqual([]);
  });

  it("reports a storage rule whose Microsoft.Storage endpoint does not reach the account's region", () => {
    const stg = storageAccount("stgweu", "westeurope", acls(STORAGE));
    const [f] = findingsOf("VNL005", [east, stg]);
    expect(f!.message).toContain("reaches eastus, westus only, not westeurope");
    expect(f!.fix).toContain("Microsoft.Storage.Global");
  });

  it("is silent with Microsoft.Storage.Global, or for an account in the paired region", () => {
    const far = storageAccount("stgweu", "westeurope", acls(GLOBAL));
    const paired = storageAccount("stgwus", "westus", acls(STORAGE));
    expect(findingsOf("VNL005", [east, far, paired])).toEqual([]);
  });
});
