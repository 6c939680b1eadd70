import { describe, expect, it } from "vitest";
import {
  nsg,
  privateEndpoint,
  resource,
  rid,
  routeTable,
  storageAccount,
  subnetId,
  vm,
  vnet,
} from "../../../test/fixtures/arm.js";
import { findingsOf } from "../../../test/fixtures/lint.js";

const RT = rid("rg-net", "Microsoft.Network/routeTables", "rt-forced");
const forced = routeTable("rt-forced", "eastus", [
  { name: "default-to-fw", prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.0.0.4" },
]);

function network(serviceEndpoints: string[], routeTableId?: string) {
  return vnet(
    "vnet-app",
    "eastus",
    ["10.1.0.0/16"],
    [
      {
        name: "snet-app",
        prefix: "10.1.1.0/24",
        serviceEndpoints,
        ...(routeTableId ? { routeTable: routeTableId } : {}),
      },
    ],
  );
}

describe("VNL008 forced tunnelling without the service endpoint (semantics §2.4 consequences)", () => {
  const stg = storageAccount("stg1", "eastus", { networkAcls: { defaultAction: "Deny" } });

  it("reports a subnet with VMs whose storage traffic the 0.0.0.0/0 UDR sends to the appliance", () => {
    const net = network([], RT);
    const SUBNET = subnetId(net, "snet-app");
    const [f, ...rest] = findingsOf("VNL008", [net, forced, ...vm("vm1", "eastus", SUBNET, "10.1.1.4"), stg]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ resourceId: SUBNET, related: [RT] });
    expect(f!.message).toContain("user route default-to-fw 0.0.0.0/0 → VirtualAppliance 10.0.0.4");
    expect(f!.message).toContain("no Microsoft.Storage or Microsoft.Storage.Global service endpoint");
  });

  it("reports a subnet named in a VNet rule even without VMs, and says the rule never matches", () => {
    const net = network([], RT);
    const listed = storageAccount("stg2", "eastus", {
      networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: subnetId(net, "snet-app") }] },
    });
    const [f] = findingsOf("VNL008", [net, forced, listed]);
    expect(f!.message).toContain("virtual network rules that name it never match");
  });

  it("is silent when the endpoint's routes win, without forced tunnelling, or behind a private endpoint", () => {
    const withEndpoint = network(["Microsoft.Storage"], RT);
    expect(
      findingsOf("VNL008", [
        withEndpoint,
        forced,
        ...vm("vm1", "eastus", subnetId(withEndpoint, "snet-app"), "10.1.1.4"),
        stg,
      ]),
    ).toEqual([]);
    const plain = network([]);
    expect(
      findingsOf("VNL008", [plain, ...vm("vm1", "eastus", subnetId(plain, "snet-app"), "10.1.1.4"), stg]),
    ).toEqual([]);
    const tunnelled = network([], RT);
    const pe = privateEndpoint(
      "pe-stg",
      "eastus",
      subnetId(tunnelled, "snet-app"),
      stg.id,
      "blob",
      "10.1.1.10",
    );
    expect(
      findingsOf("VNL008", [
        tunnelled,
        forced,
        ...vm("vm1", "eastus", subnetId(tunnelled, "snet-app"), "10.1.1.4"),
        stg,
        pe,
      ]),
    ).toEqual([]);
  });
});

describe("VNL009 NSGs that deny the endpoint's traffic (semantics §3.3)", () => {
  const NSG = rid("rg-net", "Microsoft.Network/networkSecurityGroups", "nsg-app");
  const withNsg = (...endpoints: string[]) =>
    vnet(
      "vnet-app",
      "eastus",
      ["10.1.0.0/16"],
      [{ name: "snet-app", prefix: "10.1.1.0/24", serviceEndpoints: endpoints, nsg: NSG }],
    );
  const denyInternet = { name: "Deny-Internet", priority: 4000, access: "Deny", destination: "Internet" };

  it("reports a Deny Internet rule ahead of any allow on a subnet with the Storage endpoint", () => {
    const net = withNsg("Microsoft.Storage");
    const stg = storageAccount("stg1", "eastus", {
      networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: subnetId(net, "snet-app") }] },
    });
    const [f, ...rest] = findingsOf("VNL009", [net, nsg("nsg-app", "eastus", [denyInternet]), stg]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ resourceId: NSG, related: [subnetId(net, "snet-app")] });
    expect(f!.message).toContain("denies Microsoft.Storage traffic from subnet snet-app of vnet-app");
    expect(f!.message).toContain("securityRules/Deny-Internet, priority 4000, to stg1");
    expect(f!.fix).toContain("service tag Storage");
  });

  it("checks the endpoint's regional tags when no resource names the subnet", () => {
    const [f] = findingsOf("VNL009", [
      withNsg("Microsoft.Storage"),
      nsg("nsg-app", "eastus", [denyInternet]),
    ]);
    expect(f!.message).toMatch(/to Storage\.(EastUS|WestUS) address [\d.]+:443/);
  });

  it("is silent when an Allow for the service tag comes first", () => {
    const rules = [
      {
        name: "Allow-Storage",
        priority: 100,
        access: "Allow",
        destination: "Storage",
        ports: "443",
        protocol: "Tcp",
      },
      denyInternet,
    ];
    expect(findingsOf("VNL009", [withNsg("Microsoft.Storage"), nsg("nsg-app", "eastus", rules)])).toEqual([]);
  });

  it("checks each endpoint on its own port: SQL on 1433, Key Vault on 443", () => {
    const rules = [
      {
        name: "Allow-Sql",
        priority: 100,
        access: "Allow",
        destination: "Sql",
        ports: "1433",
        protocol: "Tcp",
      },
      {
        name: "Allow-Storage",
        priority: 110,
        access: "Allow",
        destination: "Storage",
        ports: "443",
        protocol: "Tcp",
      },
      denyInternet,
    ];
    const kv = resource("Microsoft.KeyVault/vaults", "kv1", "eastus", {});
    const found = findingsOf("VNL009", [
      withNsg("Microsoft.Sql", "Microsoft.KeyVault"),
      nsg("nsg-app", "eastus", rules),
      kv,
    ]);
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining("denies Microsoft.KeyVault traffic"),
    ]);
    expect(found[0]!.message).toContain(":443)");
  });
});
