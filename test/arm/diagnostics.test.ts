// The diagnostics of §10 through the real @azure/arm-network client over HTTPS: a NIC's effective routes and
// security groups, and Network Watcher's ipFlowVerify, nextHop, securityGroupView and connectivityCheck, each
// a long-running operation whose result the SDK fetches from the Location URL. (Location reads:
// diagnostics.locations.test.ts.)
//
// The VNet is created through the SDK. NSGs, NICs, VMs, the watchers and the storage accounts are written
// straight into the store (StoreChange puts): their resource types are being written in parallel, and the
// estate compiles whatever is stored. Until the NIC and Network Watcher types are registered, minimal
// read-only definitions stand in for them so that their actions can be dispatched.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NetworkManagementClient as Client, NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCertificate } from "../../src/arm/certificates.js";
import { attachDiagnosticsActions } from "../../src/arm/providers/diagnostics/index.js";
import { defaultRegistry } from "../../src/arm/providers/index.js";
import { createArmServer } from "../../src/arm/server.js";
import type { ArmResource } from "../../src/model/arm.js";
import { NetworkTypes as N } from "../../src/model/resources/network.js";
import { createMemoryStore } from "../../src/store/memoryStore.js";
import type { ResourceStore } from "../../src/store/types.js";
import { credential, SUBSCRIPTION } from "./harness.js";

const RG = "rg-diag";
const SUB = `/subscriptions/${SUBSCRIPTION}`;
const NET = `${SUB}/resourceGroups/${RG}/providers/Microsoft.Network`;
const STORAGE = `${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts`;
const SEP = `${NET}/serviceEndpointPolicies/sep-only-allowed`;
const subnetId = (name: string): string => `${NET}/virtualNetworks/vnet1/subnets/${name}`;
const vmId = (name: string): string =>
  `${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${name}`;

/** A resource of `type` at `id`, in eastus unless told otherwise. */
function res(type: string, id: string, properties: object, location = "eastus"): ArmResource {
  return { id, name: id.split("/").pop()!, type, location, properties };
}

/** Outbound TCP rules from VirtualNetwork: [name, priority, access, port, destination]. */
function nsg(name: string, rules: [string, number, string, string, string][]): ArmResource {
  const securityRules = rules.map(([rule, priority, access, port, to]) => ({
    name: rule,
    properties: {
      ...{ priority, access, direction: "Outbound", protocol: "Tcp", sourceAddressPrefix: "VirtualNetwork" },
      ...{ sourcePortRange: "*", destinationAddressPrefix: to, destinationPortRange: port },
    },
  }));
  return res(N.networkSecurityGroup, `${NET}/networkSecurityGroups/${name}`, { securityRules });
}

/** A NIC with one static address, and the VM it belongs to. */
function vm(
  name: string,
  subnet: string,
  ip: string,
  opts: { enableIPForwarding?: boolean } = {},
): ArmResource[] {
  const nicId = `${NET}/networkInterfaces/nic-${name}`;
  const config = {
    privateIPAddress: ip,
    privateIPAllocationMethod: "Static",
    subnet: { id: subnetId(subnet) },
  };
  const nic = res(N.networkInterface, nicId, {
    ipConfigurations: [{ id: `${nicId}/ipConfigurations/ipconfig1`, name: "ipconfig1", properties: config }],
    virtualMachine: { id: vmId(name) },
    ...opts,
  });
  const networkProfile = { networkInterfaces: [{ id: nicId, properties: { primary: true } }] };
  return [nic, res(N.virtualMachine, vmId(name), { networkProfile })];
}

/** Deny by default; allow the named subnets. */
function storageAccount(name: string, subnets: string[]): ArmResource {
  const virtualNetworkRules = subnets.map((s) => ({ id: subnetId(s), action: "Allow" }));
  const networkAcls = { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules };
  return {
    ...res("Microsoft.Storage/storageAccounts", `${STORAGE}/${name}`, { networkAcls }),
    kind: "StorageV2",
  };
}

const watcher = (location: string): ArmResource =>
  res(N.networkWatcher, `${NET}/networkWatchers/NetworkWatcher_${location}`, {}, location);

async function put(store: ResourceStore, resources: ArmResource[]): Promise<void> {
  await store.apply(resources.map((resource) => ({ kind: "put", resource, etag: `W/"${resource.name}"` })));
}

let close: () => Promise<void>;
let network: Client;

beforeAll(async () => {
  const registry = defaultRegistry();
  for (const type of [N.networkInterface, N.networkWatcher]) {
    if (!registry.get(type)) registry.register({ type, location: "required", prepare: (r) => r });
  }
  attachDiagnosticsActions(registry);
  const store = createMemoryStore();
  const cert = await ensureCertificate(mkdtempSync(join(tmpdir(), "vnetlab-diag-")));
  const { app } = createArmServer({ store, https: cert, registry });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const endpoint = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const clientOptions = { endpoint, tlsOptions: { ca: cert.cert }, updateIntervalInMs: 1 };
  close = async () => {
    await app.close();
    await store.close();
  };

  await new ResourceManagementClient(credential, SUBSCRIPTION, clientOptions).resourceGroups.createOrUpdate(
    RG,
    {
      location: "eastus",
    },
  );
  await put(store, [
    nsg("nsg-app", [
      ["Allow-Storage-443", 100, "Allow", "443", "Storage"],
      ["Deny-Internet", 4000, "Deny", "*", "Internet"],
    ]),
    res(N.serviceEndpointPolicy, SEP, {
      serviceEndpointPolicyDefinitions: [
        {
          name: "allowed",
          properties: { service: "Microsoft.Storage", serviceResources: [`${STORAGE}/stgallowed`] },
        },
      ],
    }),
    res(N.routeTable, `${NET}/routeTables/rt-web`, {
      routes: [
        {
          name: "to-nva",
          properties: {
            addressPrefix: "8.8.8.0/24",
            nextHopType: "VirtualAppliance",
            nextHopIpAddress: "10.0.4.4",
          },
        },
      ],
    }),
  ]);
  network = new NetworkManagementClient(credential, SUBSCRIPTION, clientOptions);
  await network.virtualNetworks.beginCreateOrUpdateAndWait(RG, "vnet1", {
    location: "eastus",
    addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
    subnets: [
      {
        name: "snet-app",
        addressPrefix: "10.0.1.0/24",
        serviceEndpoints: [{ service: "Microsoft.Storage" }],
        networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-app` },
      },
      { name: "snet-web", addressPrefix: "10.0.2.0/24", routeTable: { id: `${NET}/routeTables/rt-web` } },
      { name: "snet-nva", addressPrefix: "10.0.4.0/24" },
      {
        name: "snet-pol",
        addressPrefix: "10.0.3.0/24",
        serviceEndpoints: [{ service: "Microsoft.Storage" }],
        serviceEndpointPolicies: [{ id: SEP }],
      },
    ],
  });
  await put(store, [
    ...vm("vm-app", "snet-app", "10.0.1.4"),
    ...vm("vm-web", "snet-web", "10.0.2.4"),
    ...vm("vm-pol", "snet-pol", "10.0.3.4"),
    ...vm("vm-nva", "snet-nva", "10.0.4.4", { enableIPForwarding: false }),
    storageAccount("stgallowed", ["snet-app", "snet-pol"]),
    storageAccount("stgdenied", []),
    watcher("eastus"),
    watcher("westus"),
  ]);
});
afterAll(async () => close());

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
