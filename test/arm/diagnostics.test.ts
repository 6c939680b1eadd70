// The diagnostics of §10 through the real @azure/arm-network client over HTTPS: a NIC's effective routes and
// security groups, and Network Watcher's ipFlowVerify, nextHop, securityGroupView and connectivityCheck, each
// a long-running operation whose result the SDK fetches from the Location URL. Every resource is created
// through the SDKs too (VMs, which have no SDK among the dependencies, through the generic resource API).
// (Location reads: diagnostics.locations.test.ts.)
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { StorageManagementClient } from "@azure/arm-storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credential, type Harness, startServer, SUBSCRIPTION } from "./harness.js";

const RG = "rg-diag";
const LOCATION = "eastus";
const SUB = `/subscriptions/${SUBSCRIPTION}`;
const NET = `${SUB}/resourceGroups/${RG}/providers/Microsoft.Network`;
const STORAGE = `${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts`;
const SEP = `${NET}/serviceEndpointPolicies/sep-only-allowed`;
const subnetId = (name: string): string => `${NET}/virtualNetworks/vnet1/subnets/${name}`;
const vmId = (name: string): string =>
  `${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${name}`;

let h: Harness;
let network: NetworkManagementClient;

/** A NIC with one static address, and the VM it belongs to. */
async function vm(name: string, subnet: string, ip: string, enableIPForwarding = false): Promise<void> {
  const nic = await network.networkInterfaces.beginCreateOrUpdateAndWait(RG, `nic-${name}`, {
    location: LOCATION,
    enableIPForwarding,
    ipConfigurations: [
      {
        name: "ipconfig1",
        privateIPAddress: ip,
        privateIPAllocationMethod: "Static",
        subnet: { id: subnetId(subnet) },
      },
    ],
  });
  const resources = new ResourceManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  // Without its leading slash: the SDK puts the id after "/", and the server reads a path starting "//" as a
  // host (server.ts parses req.url with new URL; ARM itself accepts the double slash).
  await resources.resources.beginCreateOrUpdateByIdAndWait(vmId(name).slice(1), "2024-07-01", {
    location: LOCATION,
    properties: { networkProfile: { networkInterfaces: [{ id: nic.id, properties: { primary: true } }] } },
  });
}

/** Deny by default; allow the named subnets. */
async function storageAccount(name: string, subnets: string[]): Promise<void> {
  const storage = new StorageManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  await storage.storageAccounts.beginCreateAndWait(RG, name, {
    location: LOCATION,
    kind: "StorageV2",
    sku: { name: "Standard_LRS" },
    minimumTlsVersion: "TLS1_2", // without a second property the SDK drops networkRuleSet (dependencies.md)
    networkRuleSet: {
      defaultAction: "Deny",
      bypass: "AzureServices",
      virtualNetworkRules: subnets.map((s) => ({ virtualNetworkResourceId: subnetId(s), action: "Allow" })),
    },
  });
}

beforeAll(async () => {
  h = await startServer();
  network = new NetworkManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  const resources = new ResourceManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  await resources.resourceGroups.createOrUpdate(RG, { location: LOCATION });
  const outbound = {
    direction: "Outbound",
    protocol: "Tcp",
    sourceAddressPrefix: "VirtualNetwork",
    sourcePortRange: "*",
  };
  await network.networkSecurityGroups.beginCreateOrUpdateAndWait(RG, "nsg-app", {
    location: LOCATION,
    securityRules: [
      {
        name: "Allow-Storage-443",
        priority: 100,
        access: "Allow",
        ...outbound,
        destinationAddressPrefix: "Storage",
        destinationPortRange: "443",
      },
      {
        name: "Deny-Internet",
        priority: 4000,
        access: "Deny",
        ...outbound,
        destinationAddressPrefix: "Internet",
        destinationPortRange: "*",
      },
    ],
  });
  await network.serviceEndpointPolicies.beginCreateOrUpdateAndWait(RG, "sep-only-allowed", {
    location: LOCATION,
    serviceEndpointPolicyDefinitions: [
      { name: "allowed", service: "Microsoft.Storage", serviceResources: [`${STORAGE}/stgallowed`] },
    ],
  });
  await network.routeTables.beginCreateOrUpdateAndWait(RG, "rt-web", {
    location: LOCATION,
    routes: [
      {
        name: "to-nva",
        addressPrefix: "8.8.8.0/24",
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: "10.0.4.4",
      },
    ],
  });
  const storageEndpoint = [{ service: "Microsoft.Storage" }];
  await network.virtualNetworks.beginCreateOrUpdateAndWait(RG, "vnet1", {
    location: LOCATION,
    addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
    subnets: [
      {
        name: "snet-app",
        addressPrefix: "10.0.1.0/24",
        serviceEndpoints: storageEndpoint,
        networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-app` },
      },
      { name: "snet-web", addressPrefix: "10.0.2.0/24", routeTable: { id: `${NET}/routeTables/rt-web` } },
      { name: "snet-nva", addressPrefix: "10.0.4.0/24" },
      {
        name: "snet-pol",
        addressPrefix: "10.0.3.0/24",
        serviceEndpoints: storageEndpoint,
        serviceEndpointPolicies: [{ id: SEP }],
      },
    ],
  });
  await vm("vm-app", "snet-app", "10.0.1.4");
  await vm("vm-web", "snet-web", "10.0.2.4");
  await vm("vm-pol", "snet-pol", "10.0.3.4");
  await vm("vm-nva", "snet-nva", "10.0.4.4", false);
  await storageAccount("stgallowed", ["snet-app", "snet-pol"]);
  await storageAccount("stgdenied", []);
  for (const location of ["eastus", "westus"]) {
    await network.networkWatchers.createOrUpdate(RG, `NetworkWatcher_${location}`, { location });
  }
});
afterAll(async () => h.close());

describe("NIC effective routes and security groups", () => {
  it("shows the VirtualNetworkServiceEndpoint routes of a subnet with the Storage endpoint", async () => {
    const routes = await network.networkInterfaces.beginGetEffectiveRouteTableAndWait(RG, "nic-vm-app");
    const se = routes.value!.filter((r) => r.nextHopType === "VirtualNetworkServiceEndpoint");
    expect(se.length).toBeGreaterThan(0);
    expect(se[0]).toMatchObject({ source: "Default", state: "Active", disableBgpRoutePropagation: false });
    expect(routes.value).toContainEqual(
      expect.objectContaining({ addressPrefix: ["10.0.0.0/16"], nextHopType: "VnetLocal" }),
    );
    const web = await network.networkInterfaces.beginGetEffectiveRouteTableAndWait(RG, "nic-vm-web");
    expect(web.value!.some((r) => r.nextHopType === "VirtualNetworkServiceEndpoint")).toBe(false);
  });

  it("lists the effective security rules of the subnet's NSG", async () => {
    const groups = await network.networkInterfaces.beginListEffectiveNetworkSecurityGroupsAndWait(
      RG,
      "nic-vm-app",
    );
    expect(groups.value).toHaveLength(1);
    expect(groups.value![0]!.association).toEqual({ subnet: { id: subnetId("snet-app") } });
    expect(groups.value![0]!.effectiveSecurityRules!.map((r) => r.name)).toContain(
      "securityRules/Deny-Internet",
    );
  });
});

describe("Network Watcher", () => {
  it("verifies an IP flow against the NSGs only", async () => {
    const base = {
      targetResourceId: vmId("vm-app"),
      direction: "Outbound",
      protocol: "TCP",
      localPort: "*",
      localIPAddress: "10.0.1.4",
      remoteIPAddress: "8.8.8.8",
    };
    const denied = await network.networkWatchers.beginVerifyIPFlowAndWait(RG, "NetworkWatcher_eastus", {
      ...base,
      remotePort: "443",
    });
    expect(denied).toEqual({ access: "Deny", ruleName: "securityRules/Deny-Internet" });
    const web = await network.networkWatchers.beginVerifyIPFlowAndWait(RG, "NetworkWatcher_eastus", {
      ...base,
      targetResourceId: vmId("vm-web"),
      localIPAddress: "10.0.2.4",
      remotePort: "443",
    });
    expect(web.access).toBe("Allow");
  });

  it("refuses a target outside the watcher's region", async () => {
    await expect(
      network.networkWatchers.beginGetNextHopAndWait(RG, "NetworkWatcher_westus", {
        targetResourceId: vmId("vm-app"),
        sourceIPAddress: "10.0.1.4",
        destinationIPAddress: "10.0.2.4",
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: "NetworkWatcherTargetInDifferentRegion" });
  });

  it("finds the next hop", async () => {
    const hop = await network.networkWatchers.beginGetNextHopAndWait(RG, "NetworkWatcher_eastus", {
      targetResourceId: vmId("vm-app"),
      sourceIPAddress: "10.0.1.4",
      destinationIPAddress: "10.0.2.4",
    });
    expect(hop).toEqual({ nextHopType: "VnetLocal", routeTableId: "System Route" });
    const none = await network.networkWatchers.beginGetNextHopAndWait(RG, "NetworkWatcher_eastus", {
      targetResourceId: vmId("vm-app"),
      sourceIPAddress: "10.0.1.4",
      destinationIPAddress: "172.16.0.1",
    });
    expect(none.nextHopType).toBe("None");
  });

  it("names the route table of the UDR that chose an appliance", async () => {
    const hop = await network.networkWatchers.beginGetNextHopAndWait(RG, "NetworkWatcher_eastus", {
      targetResourceId: vmId("vm-web"),
      sourceIPAddress: "10.0.2.4",
      destinationIPAddress: "8.8.8.8",
    });
    expect(hop).toEqual({
      nextHopType: "VirtualAppliance",
      nextHopIpAddress: "10.0.4.4",
      routeTableId: `${NET}/routeTables/rt-web`,
    });
  });

  it("refuses a protocol IP flow verify does not take", async () => {
    const flow = { targetResourceId: vmId("vm-app"), direction: "Outbound", protocol: "ICMP" };
    const ends = { localPort: "*", remotePort: "0", localIPAddress: "10.0.1.4", remoteIPAddress: "8.8.8.8" };
    await expect(
      network.networkWatchers.beginVerifyIPFlowAndWait(RG, "NetworkWatcher_eastus", { ...flow, ...ends }),
    ).rejects.toMatchObject({ statusCode: 400, code: "InvalidRequestFormat" });
  });

  it("shows the security group view of a VM", async () => {
    const view = await network.networkWatchers.beginGetVMSecurityRulesAndWait(RG, "NetworkWatcher_eastus", {
      targetResourceId: vmId("vm-app"),
    });
    const nic = view.networkInterfaces![0]!;
    expect(nic.id).toBe(`${NET}/networkInterfaces/nic-vm-app`);
    const assoc = nic.securityRuleAssociations!;
    expect(assoc.networkInterfaceAssociation).toBeUndefined();
    expect(assoc.subnetAssociation!.id).toBe(subnetId("snet-app"));
    expect(assoc.subnetAssociation!.securityRules!.map((r) => r.name)).toEqual([
      "Allow-Storage-443",
      "Deny-Internet",
    ]);
    expect(assoc.defaultSecurityRules!.map((r) => r.name)).toContain("DenyAllOutBound");
    expect(assoc.effectiveSecurityRules!.length).toBeGreaterThan(0);
  });
});

describe("connectivityCheck", () => {
  const check = (from: string, address: string, port?: number) =>
    network.networkWatchers.beginCheckConnectivityAndWait(RG, "NetworkWatcher_eastus", {
      source: { resourceId: vmId(from) },
      destination: { address, ...(port !== undefined ? { port } : {}) },
    });
  const issues = (r: Awaited<ReturnType<typeof check>>) => r.hops!.flatMap((h) => h.issues ?? []);

  it("reaches a storage account that allows the subnet, over its service endpoint", async () => {
    const r = await check("vm-app", "https://stgallowed.blob.core.windows.net/");
    expect(r.connectionStatus).toBe("Reachable");
    expect(r.hops!.map((h) => h.type)).toEqual(["Source", "VirtualNetworkServiceEndpoint"]);
    expect(r.hops![0]).toMatchObject({
      address: "10.0.1.4",
      resourceId: `${NET}/networkInterfaces/nic-vm-app/ipConfigurations/ipconfig1`,
      nextHopIds: [r.hops![1]!.id],
    });
    expect(r.hops![1]!.resourceId).toBe(`${STORAGE}/stgallowed`);
    expect(issues(r)).toEqual([]);
    expect(r.avgLatencyInMs).toBeUndefined();
    const trace = (r as Record<string, unknown>).vnetlabTrace as { verdict: string } | undefined;
    expect(trace?.verdict).toBe("Allow");
  });

  it("reports the storage firewall's 403 as a Platform issue naming the account", async () => {
    const r = await check("vm-app", "https://stgdenied.blob.core.windows.net/");
    expect(r.connectionStatus).toBe("Unreachable");
    const [issue, ...more] = issues(r);
    expect(more).toEqual([]);
    expect(issue).toMatchObject({ origin: "Local", severity: "Error", type: "Platform" });
    expect(issue!.context).toEqual(
      expect.arrayContaining([
        { key: "ServiceFirewall", value: `${STORAGE}/stgdenied` },
        { key: "StatusCode", value: "403" },
        { key: "ErrorCode", value: "AuthorizationFailure" },
      ]),
    );
    expect(r.hops!.at(-1)!.issues).toEqual([issue]);
  });

  it("reports an NSG denial on the source hop", async () => {
    const r = await check("vm-app", "stgallowed.blob.core.windows.net", 80);
    expect(r.connectionStatus).toBe("Unreachable");
    expect(r.hops![0]!.issues).toContainEqual(
      expect.objectContaining({
        origin: "Outbound",
        type: "NetworkSecurityRule",
        context: expect.arrayContaining([{ key: "RuleName", value: "securityRules/Deny-Internet" }]),
      }),
    );
  });

  it("reports a service endpoint policy denial, then the firewall's", async () => {
    const r = await check("vm-pol", "https://stgdenied.blob.core.windows.net/");
    expect(r.connectionStatus).toBe("Unreachable");
    expect(r.hops![0]!.issues).toContainEqual(
      expect.objectContaining({
        type: "Platform",
        origin: "Outbound",
        context: expect.arrayContaining([{ key: "ServiceEndpointPolicyId", value: SEP }]),
      }),
    );
    expect(r.hops!.at(-1)!.issues!.map((i) => i.type)).toEqual(["Platform"]);
  });

  it("connects VM to VM inside the virtual network", async () => {
    const r = await network.networkWatchers.beginCheckConnectivityAndWait(RG, "NetworkWatcher_eastus", {
      source: { resourceId: vmId("vm-web") },
      destination: { resourceId: vmId("vm-app"), port: 22 },
    });
    expect(r.connectionStatus).toBe("Reachable");
    expect(r.hops!.map((h) => [h.type, h.address])).toEqual([
      ["Source", "10.0.2.4"],
      ["VirtualNetwork", "10.0.1.4"],
    ]);
  });

  it("passes a virtual appliance hop, and reports that it does not forward", async () => {
    const r = await check("vm-web", "8.8.8.8", 443);
    expect(r.connectionStatus).toBe("Unreachable");
    expect(r.hops!.map((h) => [h.type, h.address])).toEqual([
      ["Source", "10.0.2.4"],
      ["VirtualAppliance", "10.0.4.4"],
      ["Internet", "8.8.8.8"],
    ]);
    const nva = r.hops![1]!;
    expect(nva.resourceId).toBe(`${NET}/networkInterfaces/nic-vm-nva/ipConfigurations/ipconfig1`);
    expect(nva.previousHopIds).toEqual([r.hops![0]!.id]);
    expect(nva.issues).toEqual([
      expect.objectContaining({
        type: "UserDefinedRoute",
        context: expect.arrayContaining([
          { key: "ResourceId", value: `${NET}/networkInterfaces/nic-vm-nva` },
        ]),
      }),
    ]);
  });

  it("says Unknown for a name the estate cannot resolve", async () => {
    const r = await check("vm-app", "www.example.com", 443);
    expect(r.connectionStatus).toBe("Unknown");
    expect(issues(r)).toEqual([expect.objectContaining({ type: "DnsResolution", severity: "Warning" })]);
  });
});
