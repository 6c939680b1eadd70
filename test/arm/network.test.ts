// NICs, public IPs, NAT gateways, ASGs, VMs (network profile), gateways and Network Watcher through the real
// @azure/arm-network client (plain HTTPS for Microsoft.Compute, whose SDK is not a dev dependency). Every refused
// request is checked for its status, ARM's code, and an untouched store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceTags } from "../../src/model/serviceTags.js";
import { containsIp, parseIp } from "../../src/net/index.js";
import { SUBSCRIPTION } from "./harness.js";
import {
  http,
  netId,
  type NetworkTest,
  networkTest,
  put,
  refused,
  rejects,
  RG,
  RG_ID,
  subnetId,
} from "./networkFixture.js";

let t: NetworkTest;
beforeAll(async () => {
  t = await networkTest({ pageSize: 2 });
});
afterAll(async () => t.close());

const ipConfig = (subnet: string, extra: object = {}): object => ({
  name: "ipconfig1",
  subnet: { id: subnetId("vnet1", subnet) },
  ...extra,
});
const vmId = (name: string): string => `${RG_ID}/providers/Microsoft.Compute/virtualMachines/${name}`;
const vm = (nics: string[]): object => ({
  location: "eastus",
  properties: {
    hardwareProfile: { vmSize: "Standard_B1s" },
    networkProfile: { networkInterfaces: nics.map((n) => ({ id: netId("networkInterfaces", n) })) },
  },
});

describe("network interfaces", () => {
  it("allocate dynamic addresses from .4, keep them across updates, and show up on the subnet", async () => {
    const nic1 = await t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic1", {
      location: "eastus",
      ipConfigurations: [ipConfig("app")],
    });
    const nic2 = await t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic2", {
      location: "eastus",
      ipConfigurations: [ipConfig("app")],
    });
    expect(nic1.ipConfigurations?.[0]).toMatchObject({
      id: `${netId("networkInterfaces", "nic1")}/ipConfigurations/ipconfig1`,
      privateIPAddress: "10.0.1.4",
      privateIPAllocationMethod: "Dynamic",
      primary: true,
      provisioningState: "Succeeded",
    });
    expect(nic2.ipConfigurations?.[0]?.privateIPAddress).toBe("10.0.1.5");
    const again = await t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic1", {
      location: "eastus",
      ipConfigurations: [ipConfig("app")],
      tags: { a: "b" },
    });
    expect(again.ipConfigurations?.[0]?.privateIPAddress).toBe("10.0.1.4");
    const subnet = await t.net.subnets.get(RG, "vnet1", "app");
    expect(subnet.ipConfigurations?.map((c) => c.id)).toContain(
      `${netId("networkInterfaces", "nic1")}/ipConfigurations/ipconfig1`,
    );
    const ipc = await t.net.networkInterfaceIPConfigurations.get(RG, "nic2", "ipconfig1");
    expect(ipc.privateIPAddress).toBe("10.0.1.5");
  });

  it("take a static address inside the subnet, and refuse one outside, reserved or taken", async () => {
    const nic = await t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-static", {
      location: "eastus",
      ipConfigurations: [
        ipConfig("app", { privateIPAllocationMethod: "Static", privateIPAddress: "10.0.1.50" }),
      ],
    });
    expect(nic.ipConfigurations?.[0]?.privateIPAddress).toBe("10.0.1.50");
    const attempt = (address: string) => () =>
      t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-bad", {
        location: "eastus",
        ipConfigurations: [
          ipConfig("app", { privateIPAllocationMethod: "Static", privateIPAddress: address }),
        ],
      });
    await rejects(t.h, attempt("10.0.2.10"), "PrivateIPAddressNotInSubnet");
    await rejects(t.h, attempt("10.0.1.1"), "PrivateIPAddressInReservedRange");
    await rejects(t.h, attempt("10.0.1.255"), "PrivateIPAddressInReservedRange");
    await rejects(t.h, attempt("10.0.1.4"), "PrivateIPAddressInUse");
  });

  it("fill a /29 with its three usable addresses, then refuse: SubnetIsFull", async () => {
    for (const n of ["t1", "t2", "t3"]) {
      await t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, n, {
        location: "eastus",
        ipConfigurations: [ipConfig("tiny")],
      });
    }
    expect((await t.net.networkInterfaces.get(RG, "t3")).ipConfigurations?.[0]?.privateIPAddress).toBe(
      "10.0.9.6",
    );
    await rejects(
      t.h,
      () =>
        t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "t4", {
          location: "eastus",
          ipConfigurations: [ipConfig("tiny")],
        }),
      "SubnetIsFull",
    );
  });

  it("refuse a subnet that does not exist or lives in another region", async () => {
    await rejects(
      t.h,
      () =>
        t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-x", {
          location: "eastus",
          ipConfigurations: [{ name: "c", subnet: { id: subnetId("vnet1", "nope") } }],
        }),
      "InvalidResourceReference",
    );
    await rejects(
      t.h,
      () =>
        t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-x", {
          location: "eastus",
          ipConfigurations: [{ name: "c", subnet: { id: subnetId("vnet-west", "s1") } }],
        }),
      "InvalidResourceReference",
    );
  });

  it("list by resource group across nextLink pages, and PATCH tags", async () => {
    const names: string[] = [];
    for await (const n of t.net.networkInterfaces.list(RG)) names.push(n.name!);
    expect(names).toEqual(expect.arrayContaining(["nic1", "nic2", "nic-static", "t1", "t2", "t3"]));
    const tagged = await t.net.networkInterfaces.updateTags(RG, "nic2", { tags: { env: "lab" } });
    expect(tagged.tags).toEqual({ env: "lab" });
    expect(tagged.ipConfigurations?.[0]?.privateIPAddress).toBe("10.0.1.5");
  });

  it("refuse deleting a subnet, or its VNet, while a NIC uses it", async () => {
    await rejects(
      t.h,
      () => t.net.subnets.beginDeleteAndWait(RG, "vnet1", "tiny"),
      "InUseSubnetCannotBeDeleted",
    );
    await rejects(
      t.h,
      () => t.net.virtualNetworks.beginDeleteAndWait(RG, "vnet1"),
      "InUseSubnetCannotBeDeleted",
    );
  });
});

describe("public IP addresses, NAT gateways, application security groups", () => {
  it("allocate a stable Standard address inside AzureCloud.eastus", async () => {
    const pip = await t.net.publicIPAddresses.beginCreateOrUpdateAndWait(RG, "pip1", {
      location: "eastus",
      sku: { name: "Standard" },
    });
    expect(pip).toMatchObject({
      publicIPAllocationMethod: "Static",
      publicIPAddressVersion: "IPv4",
      provisioningState: "Succeeded",
    });
    const tag = ServiceTags.default().regional("AzureCloud", "eastus")!;
    expect(tag.prefixes.some((p) => containsIp(p, parseIp(pip.ipAddress!)!))).toBe(true);
    const again = await t.net.publicIPAddresses.beginCreateOrUpdateAndWait(RG, "pip1", {
      location: "eastus",
      sku: { name: "Standard" },
      tags: { x: "y" },
    });
    expect(again.ipAddress).toBe(pip.ipAddress);
    await rejects(
      t.h,
      () =>
        t.net.publicIPAddresses.beginCreateOrUpdateAndWait(RG, "pip-dyn", {
          location: "eastus",
          sku: { name: "Standard" },
          publicIPAllocationMethod: "Dynamic",
        }),
      "StandardSkuPublicIPAddressesCannotHaveDynamicAllocation",
    );
  });

  it("let one NIC hold a public IP, refuse a second, and refuse deleting it while held", async () => {
    const pipId = netId("publicIPAddresses", "pip1");
    await t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-pub", {
      location: "eastus",
      ipConfigurations: [ipConfig("app", { publicIPAddress: { id: pipId } })],
    });
    expect((await t.net.publicIPAddresses.get(RG, "pip1")).ipConfiguration?.id).toBe(
      `${netId("networkInterfaces", "nic-pub")}/ipConfigurations/ipconfig1`,
    );
    await rejects(
      t.h,
      () =>
        t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-pub2", {
          location: "eastus",
          ipConfigurations: [ipConfig("app", { publicIPAddress: { id: pipId } })],
        }),
      "PublicIPAddressInUse",
    );
    await rejects(
      t.h,
      () => t.net.publicIPAddresses.beginDeleteAndWait(RG, "pip1"),
      "PublicIPAddressCannotBeDeleted",
    );
  });

  it("report the subnets of a NAT gateway and refuse deleting it while they use it", async () => {
    const pip = await t.net.publicIPAddresses.beginCreateOrUpdateAndWait(RG, "pip-nat", {
      location: "eastus",
      sku: { name: "Standard" },
    });
    await t.net.natGateways.beginCreateOrUpdateAndWait(RG, "nat1", {
      location: "eastus",
      sku: { name: "Standard" },
      publicIpAddresses: [{ id: pip.id }],
    });
    await t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "pe", {
      addressPrefix: "10.0.3.0/24",
      natGateway: { id: netId("natGateways", "nat1") },
    });
    expect((await t.net.natGateways.get(RG, "nat1")).subnets).toEqual([{ id: subnetId("vnet1", "pe") }]);
    await rejects(
      t.h,
      () => t.net.natGateways.beginDeleteAndWait(RG, "nat1"),
      "InUseNatGatewayCannotBeDeleted",
    );
    await t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "pe", { addressPrefix: "10.0.3.0/24" });
    await t.net.natGateways.beginDeleteAndWait(RG, "nat1");
  });

  it("refuse deleting an application security group a NIC names", async () => {
    const asg = await t.net.applicationSecurityGroups.beginCreateOrUpdateAndWait(RG, "asg-web", {
      location: "eastus",
    });
    await t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-asg", {
      location: "eastus",
      ipConfigurations: [ipConfig("app", { applicationSecurityGroups: [{ id: asg.id }] })],
    });
    await rejects(
      t.h,
      () => t.net.applicationSecurityGroups.beginDeleteAndWait(RG, "asg-web"),
      "InUseApplicationSecurityGroupCannotBeDeleted",
    );
    await rejects(
      t.h,
      () =>
        t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-asg2", {
          location: "eastus",
          ipConfigurations: [
            ipConfig("app", {
              applicationSecurityGroups: [{ id: netId("applicationSecurityGroups", "nope") }],
            }),
          ],
        }),
      "InvalidResourceReference",
    );
  });
});

describe("virtual machines (network profile)", () => {
  it("attach a NIC, show the VM on it, and refuse a second VM or deleting the NIC", async () => {
    const created = await put(t.h, vmId("vm1"), vm(["nic1"]), "2024-07-01");
    expect(created).toMatchObject({
      type: "Microsoft.Compute/virtualMachines",
      properties: { provisioningState: "Succeeded" },
    });
    expect((await t.net.networkInterfaces.get(RG, "nic1")).virtualMachine?.id).toBe(vmId("vm1"));
    await refused(t.h, () => http(t.h, "PUT", vmId("vm2"), vm(["nic1"]), "2024-07-01"), "NicInUse");
    await rejects(t.h, () => t.net.networkInterfaces.beginDeleteAndWait(RG, "nic1"), "NicInUse");
    await refused(
      t.h,
      () => http(t.h, "PUT", vmId("vm3"), vm(["nic-nope"]), "2024-07-01"),
      "InvalidResourceReference",
    );
    expect((await http(t.h, "DELETE", vmId("vm1"), undefined, "2024-07-01")).status).toBe(202);
    await t.net.networkInterfaces.beginDeleteAndWait(RG, "nic1");
  });
});

describe("gateways and Network Watcher", () => {
  it("put a VPN gateway in GatewaySubnet, connect it, and refuse the rest", async () => {
    const pip = await t.net.publicIPAddresses.beginCreateOrUpdateAndWait(RG, "pip-gw", {
      location: "eastus",
      sku: { name: "Standard" },
    });
    const gw = await t.net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, "vgw", {
      location: "eastus",
      gatewayType: "Vpn",
      vpnType: "RouteBased",
      sku: { name: "VpnGw1", tier: "VpnGw1" },
      ipConfigurations: [
        {
          name: "default",
          subnet: { id: subnetId("vnet1", "GatewaySubnet") },
          publicIPAddress: { id: pip.id },
        },
      ],
    });
    expect(gw.provisioningState).toBe("Succeeded");
    expect((await t.net.subnets.get(RG, "vnet1", "GatewaySubnet")).ipConfigurations?.[0]?.id).toBe(
      `${gw.id}/ipConfigurations/default`,
    );
    await rejects(
      t.h,
      () =>
        t.net.virtualNetworkGateways.beginCreateOrUpdateAndWait(RG, "vgw2", {
          location: "eastus",
          gatewayType: "Vpn",
          ipConfigurations: [{ name: "default", subnet: { id: subnetId("vnet1", "app") } }],
        }),
      "GatewaySubnet",
    );
    const lng = await t.net.localNetworkGateways.beginCreateOrUpdateAndWait(RG, "onprem", {
      location: "eastus",
      gatewayIpAddress: "203.0.113.10",
      localNetworkAddressSpace: { addressPrefixes: ["192.168.0.0/16"] },
    });
    const conn = await t.net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, "s2s", {
      location: "eastus",
      connectionType: "IPsec",
      virtualNetworkGateway1: { id: gw.id },
      localNetworkGateway2: { id: lng.id },
      sharedKey: "abc",
    });
    expect(conn.connectionStatus).toBe("Connected");
    await rejects(
      t.h,
      () => t.net.virtualNetworkGateways.beginDeleteAndWait(RG, "vgw"),
      "InUseVirtualNetworkGatewayCannotBeDeleted",
    );
    await rejects(
      t.h,
      () => t.net.localNetworkGateways.beginDeleteAndWait(RG, "onprem"),
      "InUseLocalNetworkGatewayCannotBeDeleted",
    );
    await rejects(
      t.h,
      () =>
        t.net.virtualNetworkGatewayConnections.beginCreateOrUpdateAndWait(RG, "s2s-bad", {
          location: "eastus",
          connectionType: "IPsec",
          virtualNetworkGateway1: { id: gw.id },
          localNetworkGateway2: { id: netId("localNetworkGateways", "nope") },
        }),
      "InvalidResourceReference",
    );
  });

  it("allow one Network Watcher per region and subscription", async () => {
    const w = await t.net.networkWatchers.createOrUpdate(RG, "NetworkWatcher_eastus", { location: "eastus" });
    expect(w.provisioningState).toBe("Succeeded");
    await rejects(
      t.h,
      () => t.net.networkWatchers.createOrUpdate(RG, "nw2", { location: "East US" }),
      "NetworkWatcherCountLimitReached",
    );
    expect(SUBSCRIPTION).toBeTruthy();
  });
});
