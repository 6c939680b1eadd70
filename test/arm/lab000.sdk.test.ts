// Seed 000's lab built through the five official SDKs against vnetlab serve (HTTPS, generated certificate):
// VNet with endpoint subnets, NSG, endpoint policy, storage firewall with VNet rules, SQL VNet rule, Key Vault
// ACLs; then read back, available endpoint services, effective routes and connectivityCheck verdicts.
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { SqlManagementClient } from "@azure/arm-sql";
import { StorageManagementClient } from "@azure/arm-storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credential, type Harness, startServer, SUBSCRIPTION } from "./harness.js";

const LOC = "uksouth";
const SUB = `/subscriptions/${SUBSCRIPTION}`;
const NET = `${SUB}/resourceGroups/rg-networking/providers/Microsoft.Network`;
const SNET_APP = `${NET}/virtualNetworks/vnet-workloads/subnets/snet-app`;
const SNET_WEB = `${NET}/virtualNetworks/vnet-workloads/subnets/snet-web`;
const STG = `${SUB}/resourceGroups/rg-storage/providers/Microsoft.Storage/storageAccounts/stgworkloads`;
const poll = { updateIntervalInMs: 1 };

let h: Harness;
let network: NetworkManagementClient;

async function vm(name: string, subnet: string, ip: string): Promise<string> {
  const nic = await network.networkInterfaces.beginCreateOrUpdateAndWait("rg-networking", `nic-${name}`, {
    location: LOC,
    ipConfigurations: [
      {
        name: "ipconfig1",
        privateIPAddress: ip,
        privateIPAllocationMethod: "Static",
        subnet: { id: subnet },
      },
    ],
  });
  const id = `${SUB}/resourceGroups/rg-networking/providers/Microsoft.Compute/virtualMachines/${name}`;
  const resources = new ResourceManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  await resources.resources.beginCreateOrUpdateByIdAndWait(id, "2024-07-01", {
    location: LOC,
    properties: { networkProfile: { networkInterfaces: [{ id: nic.id, properties: { primary: true } }] } },
  });
  return id;
}

beforeAll(async () => {
  h = await startServer();
  network = new NetworkManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  const resources = new ResourceManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  for (const rg of ["rg-networking", "rg-storage", "rg-sql", "rg-security"]) {
    await resources.resourceGroups.createOrUpdate(rg, { location: LOC });
  }
  const outbound = {
    direction: "Outbound",
    protocol: "Tcp",
    sourceAddressPrefix: "VirtualNetwork",
    sourcePortRange: "*",
  };
  await network.networkSecurityGroups.beginCreateOrUpdateAndWait("rg-networking", "nsg-app", {
    location: LOC,
    securityRules: [
      {
        name: "Allow-Storage-Outbound",
        priority: 100,
        access: "Allow",
        destinationAddressPrefix: "Storage",
        destinationPortRange: "443",
        ...outbound,
      },
      {
        name: "Allow-Sql-Outbound",
        priority: 110,
        access: "Allow",
        destinationAddressPrefix: "Sql.UKSouth",
        destinationPortRange: "1433",
        ...outbound,
      },
      {
        name: "Allow-KeyVault-Outbound",
        priority: 120,
        access: "Allow",
        destinationAddressPrefix: "AzureKeyVault",
        destinationPortRange: "443",
        ...outbound,
      },
      {
        name: "Deny-Internet-Outbound",
        priority: 4000,
        access: "Deny",
        destinationAddressPrefix: "Internet",
        destinationPortRange: "*",
        ...outbound,
        protocol: "*",
      },
    ],
  });
  await network.serviceEndpointPolicies.beginCreateOrUpdateAndWait("rg-networking", "sep-storage-policy", {
    location: LOC,
    serviceEndpointPolicyDefinitions: [
      { name: "allow-stg-workloads", service: "Microsoft.Storage", serviceResources: [STG] },
    ],
  });
  await network.virtualNetworks.beginCreateOrUpdateAndWait("rg-networking", "vnet-workloads", {
    location: LOC,
    addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
    subnets: [
      {
        name: "snet-app",
        addressPrefix: "10.0.1.0/24",
        serviceEndpoints: [
          { service: "Microsoft.Storage" },
          { service: "Microsoft.Sql" },
          { service: "Microsoft.KeyVault" },
        ],
        networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-app` },
        serviceEndpointPolicies: [{ id: `${NET}/serviceEndpointPolicies/sep-storage-policy` }],
      },
      {
        name: "snet-web",
        addressPrefix: "10.0.2.0/24",
        serviceEndpoints: [{ service: "Microsoft.Storage" }],
      },
    ],
  });
  await vm("vm-app", SNET_APP, "10.0.1.4");
  await vm("vm-web", SNET_WEB, "10.0.2.4");
  const storage = new StorageManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  await storage.storageAccounts.beginCreateAndWait(
    "rg-storage",
    "stgworkloads",
    {
      location: LOC,
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      minimumTlsVersion: "TLS1_2", // arm-storage 20 drops a networkRuleSet sent alone (dependencies.md)
      networkRuleSet: {
        defaultAction: "Deny",
        bypass: "AzureServices",
        ipRules: [{ iPAddressOrRange: "203.0.113.0/24", action: "Allow" }],
        virtualNetworkRules: [
          { virtualNetworkResourceId: SNET_APP, action: "Allow" },
          { virtualNetworkResourceId: SNET_WEB, action: "Allow" },
        ],
      },
    },
    poll,
  );
  await storage.storageAccounts.beginCreateAndWait(
    "rg-storage",
    "stgexternal01",
    {
      location: LOC,
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
    },
    poll,
  );
  const sql = new SqlManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  await sql.servers.beginCreateOrUpdateAndWait(
    "rg-sql",
    "sql-workloads",
    { location: LOC, administratorLogin: "sqladmin", administratorLoginPassword: "Lab-Passw0rd!" },
    poll,
  );
  await sql.virtualNetworkRules.beginCreateOrUpdateAndWait(
    "rg-sql",
    "sql-workloads",
    "allow-snet-app",
    { virtualNetworkSubnetId: SNET_APP, ignoreMissingVnetServiceEndpoint: false },
    poll,
  );
  const kv = new KeyVaultManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  await kv.vaults.beginCreateOrUpdateAndWait(
    "rg-security",
    "kv-workloads",
    {
      location: LOC,
      properties: {
        tenantId: "00000000-0000-0000-0000-000000000000",
        sku: { family: "A", name: "standard" },
        networkAcls: {
          defaultAction: "Deny",
          bypass: "AzureServices",
          virtualNetworkRules: [{ id: SNET_APP }],
        },
      },
    },
    poll,
  );
  await network.networkWatchers.createOrUpdate("rg-networking", `NetworkWatcher_${LOC}`, { location: LOC });
}, 60_000);
afterAll(async () => h.close());

describe("seed 000 lab through the Azure SDKs", () => {
  it("reads the lab back with server-filled properties", async () => {
    const subnet = await network.subnets.get("rg-networking", "vnet-workloads", "snet-app");
    expect(subnet.serviceEndpoints?.map((s) => [s.service, s.locations])).toEqual([
      ["Microsoft.Storage", ["uksouth", "ukwest"]],
      ["Microsoft.Sql", ["uksouth"]],
      ["Microsoft.KeyVault", ["*"]],
    ]);
    const nsg = await network.networkSecurityGroups.get("rg-networking", "nsg-app");
    expect(nsg.subnets?.map((s) => s.id)).toEqual([SNET_APP]);
    const sep = await network.serviceEndpointPolicies.get("rg-networking", "sep-storage-policy");
    expect(sep.subnets?.map((s) => s.id)).toEqual([SNET_APP]);
    const storage = new StorageManagementClient(credential, SUBSCRIPTION, h.clientOptions);
    const acct = await storage.storageAccounts.getProperties("rg-storage", "stgworkloads");
    expect(acct.networkRuleSet?.virtualNetworkRules?.map((r) => r.state)).toEqual(["Succeeded", "Succeeded"]);
    expect(acct.primaryEndpoints?.blob).toBe("https://stgworkloads.blob.core.windows.net/");
    const sql = new SqlManagementClient(credential, SUBSCRIPTION, h.clientOptions);
    const rule = await sql.virtualNetworkRules.get("rg-sql", "sql-workloads", "allow-snet-app");
    expect(rule.state).toBe("Ready");
    const kv = new KeyVaultManagementClient(credential, SUBSCRIPTION, h.clientOptions);
    const vault = await kv.vaults.get("rg-security", "kv-workloads");
    expect(vault.properties.networkAcls?.virtualNetworkRules?.map((r) => r.id.toLowerCase())).toEqual([
      SNET_APP.toLowerCase(),
    ]);
  });

  it("lists the available endpoint services of the region", async () => {
    const names: string[] = [];
    for await (const s of network.availableEndpointServices.list(LOC)) names.push(s.name!);
    expect(names).toEqual(
      expect.arrayContaining([
        "Microsoft.Storage",
        "Microsoft.Sql",
        "Microsoft.KeyVault",
        "Microsoft.Storage.Global",
      ]),
    );
  });

  it("shows VirtualNetworkServiceEndpoint routes in vm-app's effective route table", async () => {
    const table = await network.networkInterfaces.beginGetEffectiveRouteTableAndWait(
      "rg-networking",
      "nic-vm-app",
      poll,
    );
    const se = table.value!.filter((r) => r.nextHopType === "VirtualNetworkServiceEndpoint");
    expect(se.length).toBe(3);
    expect(se.every((r) => r.state === "Active" && r.source === "Default")).toBe(true);
    const web = await network.networkInterfaces.beginGetEffectiveRouteTableAndWait(
      "rg-networking",
      "nic-vm-web",
      poll,
    );
    expect(web.value!.filter((r) => r.nextHopType === "VirtualNetworkServiceEndpoint")).toHaveLength(1);
  });

  it("connectivityCheck gives the lab's verdicts, through the policy and the service firewall", async () => {
    const check = (vmName: string, address: string, port: number) =>
      network.networkWatchers.beginCheckConnectivityAndWait(
        "rg-networking",
        `NetworkWatcher_${LOC}`,
        {
          source: {
            resourceId: `${SUB}/resourceGroups/rg-networking/providers/Microsoft.Compute/virtualMachines/${vmName}`,
          },
          destination: { address, port },
        },
        poll,
      );
    expect((await check("vm-app", "stgworkloads.blob.core.windows.net", 443)).connectionStatus).toBe(
      "Reachable",
    );
    expect((await check("vm-app", "sql-workloads.database.windows.net", 1433)).connectionStatus).toBe(
      "Reachable",
    );
    expect((await check("vm-app", "kv-workloads.vault.azure.net", 443)).connectionStatus).toBe("Reachable");
    expect((await check("vm-web", "stgworkloads.blob.core.windows.net", 443)).connectionStatus).toBe(
      "Reachable",
    );
    const exfil = await check("vm-app", "stgexternal01.blob.core.windows.net", 443);
    expect(exfil.connectionStatus).toBe("Unreachable");
    expect(exfil.hops!.flatMap((x) => x.issues ?? []).map((i) => i.type)).toContain("Platform");
    const sqlFromWeb = await check("vm-web", "sql-workloads.database.windows.net", 1433);
    expect(sqlFromWeb.connectionStatus).toBe("Unreachable");
  });
});
