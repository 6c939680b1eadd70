// The network interface Azure creates with every private endpoint (§6), through the real @azure/arm-network
// client: created and deleted with the endpoint, read-only for users, and invisible to trace verdicts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preloadEstate } from "../../src/arm/preload.js";
import { traceBetween } from "../../src/engine/index.js";
import { startServer } from "./harness.js";
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
const STG = `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stgnic`;
const nicName = (id: string | undefined): string => id!.split("/").pop()!;

beforeAll(async () => {
  t = await networkTest();
  await put(
    t.h,
    STG,
    { location: "eastus", sku: { name: "Standard_LRS" }, kind: "StorageV2", properties: {} },
    "2023-05-01",
  );
  await t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-client", {
    location: "eastus",
    ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnetId("vnet1", "app") } }],
  });
});
afterAll(async () => t.close());

const pe = (name: string, extra: object = {}) =>
  t.net.privateEndpoints.beginCreateOrUpdateAndWait(RG, name, {
    location: "eastus",
    subnet: { id: subnetId("vnet1", "pe") },
    privateLinkServiceConnections: [{ name: "conn", privateLinkServiceId: STG, groupIds: ["blob"] }],
    ...extra,
  });

describe("a private endpoint's network interface", () => {
  it("is created with the endpoint: {pe}.nic.{guid}, the endpoint's address, a back-reference", async () => {
    const created = await pe("pe-a", { tags: { team: "data" } });
    const nicId = created.networkInterfaces?.[0]?.id;
    expect(nicId).toMatch(
      /\/resourceGroups\/rg-net\/providers\/Microsoft\.Network\/networkInterfaces\/pe-a\.nic\.[0-9a-f-]{36}$/,
    );
    const nic = await t.net.networkInterfaces.get(RG, nicName(nicId));
    expect(nic).toMatchObject({
      id: nicId,
      location: "eastus",
      tags: { team: "data" },
      privateEndpoint: { id: created.id },
      provisioningState: "Succeeded",
    });
    expect(nic.ipConfigurations).toHaveLength(1);
    expect(nic.ipConfigurations?.[0]).toMatchObject({
      privateIPAddress: "10.0.3.4",
      privateIPAllocationMethod: "Dynamic",
      primary: true,
      subnet: { id: subnetId("vnet1", "pe") },
      privateLinkConnectionProperties: {
        groupId: "blob",
        requiredMemberName: "blob",
        fqdns: ["stgnic.blob.core.windows.net"],
      },
    });
    expect(nic.ipConfigurations?.[0]?.name).toMatch(/^privateEndpointIpConfig\.[0-9a-f-]{36}$/);
    const subnet = await t.net.subnets.get(RG, "vnet1", "pe");
    expect(subnet.ipConfigurations?.map((c) => c.id)).toEqual([nic.ipConfigurations?.[0]?.id]);
    const listed = [];
    for await (const n of t.net.networkInterfaces.list(RG)) listed.push(n.name);
    expect(listed).toContain(nicName(nicId));
    // Rewriting the endpoint keeps its interface, that interface's names and the address.
    const again = await pe("pe-a", { tags: { team: "data", env: "dev" } });
    expect(again.networkInterfaces).toEqual([{ id: nicId }]);
    expect(again.customDnsConfigs?.[0]?.ipAddresses).toEqual(["10.0.3.4"]);
    const nicAgain = await t.net.networkInterfaces.get(RG, nicName(nicId));
    expect(nicAgain.ipConfigurations?.[0]?.name).toBe(nic.ipConfigurations?.[0]?.name);
    expect(nicAgain.resourceGuid).toBe(nic.resourceGuid);
  });

  it("takes customNetworkInterfaceName, and refuses one that names an existing interface", async () => {
    const custom = await pe("pe-b", { customNetworkInterfaceName: "nic-pe-b" });
    expect(custom.networkInterfaces).toEqual([{ id: netId("networkInterfaces", "nic-pe-b") }]);
    expect(custom.customNetworkInterfaceName).toBe("nic-pe-b");
    expect((await t.net.networkInterfaces.get(RG, "nic-pe-b")).ipConfigurations?.[0]?.privateIPAddress).toBe(
      "10.0.3.5",
    );
    await rejects(
      t.h,
      () => pe("pe-c", { customNetworkInterfaceName: "nic-client" }),
      "InvalidRequestFormat",
    );
    expect((await http(t.h, "GET", netId("privateEndpoints", "pe-c"))).status).toBe(404);
    expect((await t.net.networkInterfaces.get(RG, "nic-client")).privateEndpoint).toBeUndefined();
  });

  it("cannot be deleted or rewritten directly; its tags can be updated", async () => {
    const nicId = (await t.net.privateEndpoints.get(RG, "pe-a")).networkInterfaces![0]!.id!;
    const before = await http(t.h, "GET", nicId);
    const del = await refused(t.h, () => http(t.h, "DELETE", nicId), "NicInUse");
    expect((del.body as { error: { message: string } }).error.message).toContain(
      netId("privateEndpoints", "pe-a"),
    );
    await refused(
      t.h,
      () =>
        http(t.h, "PUT", nicId, {
          location: "eastus",
          properties: {
            ipConfigurations: [
              { name: "ipconfig1", properties: { subnet: { id: subnetId("vnet1", "pe") } } },
            ],
          },
        }),
      "CannotModifyNicAttachedToPrivateEndpoint",
    );
    expect((await http(t.h, "GET", nicId)).body).toEqual(before.body);
    const tagged = await t.net.networkInterfaces.updateTags(RG, nicName(nicId), { tags: { owner: "net" } });
    expect([tagged.tags, tagged.privateEndpoint?.id]).toEqual([
      { owner: "net" },
      netId("privateEndpoints", "pe-a"),
    ]);
  });

  it("goes when the endpoint goes, and frees the address", async () => {
    const nicId = (await t.net.privateEndpoints.get(RG, "pe-b")).networkInterfaces![0]!.id!;
    await t.net.privateEndpoints.beginDeleteAndWait(RG, "pe-b");
    expect((await http(t.h, "GET", nicId)).status).toBe(404);
    const subnet = await t.net.subnets.get(RG, "vnet1", "pe");
    expect(subnet.ipConfigurations?.map((c) => c.id)).not.toContain(`${nicId}`);
    const next = await pe("pe-d");
    expect(next.customDnsConfigs?.[0]?.ipAddresses).toEqual(["10.0.3.5"]);
  });

  it("changes no trace: the endpoint's address still answers as the private endpoint", async () => {
    const snap = await t.h.pipeline.state.snapshot();
    const served = snap.estate();
    const nics = new Set(
      snap.stored
        .filter((s) => (s.resource.properties as { privateEndpoint?: unknown } | undefined)?.privateEndpoint)
        .map((s) => s.id),
    );
    expect(nics.size).toBe(2);
    const without = t.h.pipeline.state.compile(
      snap.stored.filter((s) => !nics.has(s.id)).map((s) => s.resource),
    );
    const shape = (estate: typeof served) => {
      const r = traceBetween(estate, "nic-client", "10.0.3.4:443");
      return { verdict: r.verdict, decidedBy: r.decidedBy, stages: r.stages, seen: r.sourceIpSeenByService };
    };
    const withNic = shape(served);
    expect(withNic.verdict).toBe("Allow");
    expect(
      withNic.stages.some((s) => s.stage === "path" && s.summary.includes("private endpoint pe-a")),
    ).toBe(true);
    expect(withNic).toEqual(shape(without));
  });

  it("survives an export and an import; an endpoint imported without one gets one", async () => {
    const exported = (await t.h.pipeline.state.snapshot()).stored.map((s) => s.resource);
    const peA = exported.find((r) => r.name === "pe-a")!;
    const handWritten = {
      ...peA,
      id: netId("privateEndpoints", "pe-hand"),
      name: "pe-hand",
      properties: { ...(peA.properties as object), networkInterfaces: [], customDnsConfigs: [] },
    };
    const h2 = await startServer();
    try {
      await preloadEstate(h2.pipeline, [...exported, handWritten], ["export.json"]);
      type Read = {
        properties: {
          networkInterfaces?: { id: string }[];
          customDnsConfigs?: { ipAddresses: string[] }[];
          ipConfigurations?: { properties: { privateIPAddress?: string } }[];
          privateEndpoint?: { id: string };
        };
      };
      const get = async (id: string): Promise<Read> => (await http(h2, "GET", id)).body as Read;
      const a = await get(peA.id);
      const nicId = a.properties.networkInterfaces![0]!.id;
      expect(nicId).toBe((peA.properties as Read["properties"]).networkInterfaces![0]!.id);
      const nic = await get(nicId);
      expect(nic.properties.ipConfigurations?.[0]?.properties.privateIPAddress).toBe("10.0.3.4");
      const hand = await get(handWritten.id);
      const handNic = await get(hand.properties.networkInterfaces![0]!.id);
      expect(handNic.properties.privateEndpoint).toEqual({ id: handWritten.id });
      expect(handNic.properties.ipConfigurations?.[0]?.properties.privateIPAddress).toBe(
        hand.properties.customDnsConfigs?.[0]?.ipAddresses[0],
      );
    } finally {
      await h2.close();
    }
  });
});
