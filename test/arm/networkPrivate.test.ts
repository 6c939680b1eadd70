// Private endpoints (§6), private DNS zones with A record sets and VNet links (plain HTTPS: @azure/arm-privatedns
// is not a dev dependency) and VNet peerings through the real @azure/arm-network client. Every refused request
// leaves the store as it was.
import type { PrivateEndpoint } from "@azure/arm-network";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  t = await networkTest();
  await put(
    t.h,
    STG,
    {
      location: "eastus",
      sku: { name: "Standard_LRS" },
      kind: "StorageV2",
      properties: { minimumTlsVersion: "TLS1_2" },
    },
    "2023-05-01",
  );
});
afterAll(async () => t.close());

const STG = `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stgpriv`;
const DNS_API = "2020-06-01";
const ZONE = netId("privateDnsZones", "privatelink.blob.core.windows.net");

const pe =
  (name: string, extra: Partial<PrivateEndpoint> = {}, groupIds = ["blob"], target = STG) =>
  () =>
    t.net.privateEndpoints.beginCreateOrUpdateAndWait(RG, name, {
      location: "eastus",
      subnet: { id: subnetId("vnet1", "pe") },
      privateLinkServiceConnections: [{ name: "conn", privateLinkServiceId: target, groupIds }],
      ...extra,
    });

describe("private endpoints", () => {
  it("connect to a storage account: approved, an address from .4, the blob FQDN in customDnsConfigs", async () => {
    const created = await pe("pe-blob")();
    expect(created.privateLinkServiceConnections?.[0]).toMatchObject({
      id: `${netId("privateEndpoints", "pe-blob")}/privateLinkServiceConnections/conn`,
      groupIds: ["blob"],
      privateLinkServiceConnectionState: {
        status: "Approved",
        description: "Auto-Approved",
        actionsRequired: "None",
      },
    });
    expect(created.customDnsConfigs).toEqual([
      { fqdn: "stgpriv.blob.core.windows.net", ipAddresses: ["10.0.3.4"] },
    ]);
    const again = await pe("pe-blob", { tags: { a: "b" } })();
    expect(again.customDnsConfigs?.[0]?.ipAddresses).toEqual(["10.0.3.4"]);
    const second = await pe("pe-file", {}, ["file"])();
    expect(second.customDnsConfigs).toEqual([
      { fqdn: "stgpriv.file.core.windows.net", ipAddresses: ["10.0.3.5"] },
    ]);
    expect((await t.net.subnets.get(RG, "vnet1", "pe")).privateEndpoints?.map((p) => p.id)).toEqual([
      created.id,
      second.id,
    ]);
  });

  it("leave a connection to a resource outside the estate pending", async () => {
    const foreign =
      "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/x/providers/Microsoft.Storage/storageAccounts/theirs";
    const created = await pe("pe-foreign", {}, ["blob"], foreign)();
    expect(created.privateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe(
      "Pending",
    );
    await t.net.privateEndpoints.beginDeleteAndWait(RG, "pe-foreign");
  });

  it("refuse two group ids, a group id the target lacks, and a subnet that is missing or elsewhere", async () => {
    await rejects(t.h, pe("pe-x", {}, ["blob", "file"]), "OnlyOneGroupIdPermitted");
    await rejects(t.h, pe("pe-x", {}, ["sqlServer"]), "InvalidPrivateLinkServiceConnectionGroupId");
    await rejects(t.h, pe("pe-x", { subnet: { id: subnetId("vnet1", "nope") } }), "InvalidResourceReference");
    await rejects(
      t.h,
      pe("pe-x", { subnet: { id: subnetId("vnet-west", "s1") } }),
      "InvalidResourceReference",
    );
  });

  it("keep the subnet while a private endpoint is in it", async () => {
    await rejects(
      t.h,
      () => t.net.subnets.beginDeleteAndWait(RG, "vnet1", "pe"),
      "InUseSubnetCannotBeDeleted",
    );
  });
});

describe("private DNS zones", () => {
  it("create a global zone, A record sets and a VNet link as their own resources", async () => {
    const zone = await put(t.h, ZONE, { location: "global" }, DNS_API);
    expect(zone).toMatchObject({
      location: "global",
      properties: { provisioningState: "Succeeded", maxNumberOfRecordSets: 25000 },
    });
    const rec = await put(
      t.h,
      `${ZONE}/A/stgpriv`,
      { properties: { ttl: 10, aRecords: [{ ipv4Address: "10.0.3.4" }] } },
      DNS_API,
    );
    expect(rec).toMatchObject({
      type: "Microsoft.Network/privateDnsZones/A",
      properties: { fqdn: "stgpriv.privatelink.blob.core.windows.net.", ttl: 10 },
    });
    const link = await put(
      t.h,
      `${ZONE}/virtualNetworkLinks/vnet1`,
      { location: "global", properties: { virtualNetwork: { id: netId("virtualNetworks", "vnet1") } } },
      DNS_API,
    );
    expect(link).toMatchObject({
      properties: {
        registrationEnabled: false,
        virtualNetworkLinkState: "Completed",
        provisioningState: "Succeeded",
      },
    });
    const records = await http(t.h, "GET", `${ZONE}/A`, undefined, DNS_API);
    expect((records.body as { value: { name: string }[] }).value.map((r) => r.name)).toEqual(["stgpriv"]);
    const read = await http(t.h, "GET", ZONE, undefined, DNS_API);
    expect(read.body).toMatchObject({
      properties: { numberOfRecordSets: 2, numberOfVirtualNetworkLinks: 1 },
    });
  });

  it("refuse a regional location, a bad A record, a missing VNet and a second link to one VNet", async () => {
    await refused(
      t.h,
      () => http(t.h, "PUT", netId("privateDnsZones", "contoso.internal"), { location: "eastus" }, DNS_API),
      "InvalidResourceLocation",
    );
    await refused(
      t.h,
      () =>
        http(t.h, "PUT", `${ZONE}/A/bad`, { properties: { aRecords: [{ ipv4Address: "10.0.3" }] } }, DNS_API),
      "InvalidRequestFormat",
    );
    const link = (name: string, vnet: string) => () =>
      http(
        t.h,
        "PUT",
        `${ZONE}/virtualNetworkLinks/${name}`,
        { location: "global", properties: { virtualNetwork: { id: netId("virtualNetworks", vnet) } } },
        DNS_API,
      );
    await refused(t.h, link("nope", "vnet-nope"), "InvalidResourceReference");
    await refused(t.h, link("again", "vnet1"), "InvalidRequestFormat");
  });

  it("refuse deleting a linked VNet; deleting the zone takes its records and links", async () => {
    await put(
      t.h,
      `${ZONE}/virtualNetworkLinks/west`,
      { location: "global", properties: { virtualNetwork: { id: netId("virtualNetworks", "vnet-west") } } },
      DNS_API,
    );
    await rejects(
      t.h,
      () => t.net.virtualNetworks.beginDeleteAndWait(RG, "vnet-west"),
      "InUseVirtualNetworkCannotBeDeleted",
    );
    expect((await http(t.h, "DELETE", ZONE, undefined, DNS_API)).status).toBe(202);
    expect((await http(t.h, "GET", `${ZONE}/A/stgpriv`, undefined, DNS_API)).status).toBe(404);
  });
});

describe("virtual network peerings", () => {
  it("peer two VNets: Initiated until both sides peer, then Connected", async () => {
    await t.net.virtualNetworks.beginCreateOrUpdateAndWait(RG, "vnet2", {
      location: "westus",
      addressSpace: { addressPrefixes: ["10.2.0.0/16"] },
    });
    const one = await t.net.virtualNetworkPeerings.beginCreateOrUpdateAndWait(RG, "vnet1", "to-vnet2", {
      remoteVirtualNetwork: { id: netId("virtualNetworks", "vnet2") },
      allowVirtualNetworkAccess: true,
    });
    expect(one).toMatchObject({
      peeringState: "Initiated",
      remoteAddressSpace: { addressPrefixes: ["10.2.0.0/16"] },
    });
    await t.net.virtualNetworkPeerings.beginCreateOrUpdateAndWait(RG, "vnet2", "to-vnet1", {
      remoteVirtualNetwork: { id: netId("virtualNetworks", "vnet1") },
    });
    expect((await t.net.virtualNetworkPeerings.get(RG, "vnet1", "to-vnet2")).peeringState).toBe("Connected");
    const vnet = await t.net.virtualNetworks.get(RG, "vnet2");
    expect(vnet.virtualNetworkPeerings?.[0]?.peeringState).toBe("Connected");
    // A VNet PUT that leaves peerings out keeps them.
    await t.net.virtualNetworks.beginCreateOrUpdateAndWait(RG, "vnet2", {
      location: "westus",
      addressSpace: { addressPrefixes: ["10.2.0.0/16"] },
    });
    expect((await t.net.virtualNetworkPeerings.get(RG, "vnet2", "to-vnet1")).peeringState).toBe("Connected");
  });

  it("refuse overlapping address spaces and a remote VNet that does not exist", async () => {
    await t.net.virtualNetworks.beginCreateOrUpdateAndWait(RG, "vnet-clash", {
      location: "eastus",
      addressSpace: { addressPrefixes: ["10.0.128.0/17"] },
    });
    const peer = (remote: string) => () =>
      t.net.virtualNetworkPeerings.beginCreateOrUpdateAndWait(RG, "vnet1", "bad", {
        remoteVirtualNetwork: { id: netId("virtualNetworks", remote) },
      });
    await rejects(t.h, peer("vnet-clash"), "VnetAddressSpacesOverlap");
    await rejects(t.h, peer("vnet-nope"), "InvalidResourceReference");
  });
});
