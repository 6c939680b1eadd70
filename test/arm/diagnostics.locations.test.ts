// Microsoft.Network's location-scoped reads through the real @azure/arm-network client over HTTPS:
// available endpoint services and service aliases (paged lists) and the service tag list.
import { NetworkManagementClient } from "@azure/arm-network";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credential, type Harness, startServer, SUBSCRIPTION } from "./harness.js";

const SUB = `/subscriptions/${SUBSCRIPTION}`;
let h: Harness;
let network: NetworkManagementClient;
beforeAll(async () => {
  h = await startServer({ pageSize: 4 });
  network = new NetworkManagementClient(credential, SUBSCRIPTION, h.clientOptions);
});
afterAll(async () => h.close());

describe("location operations", () => {
  it("lists the available endpoint services of a region", async () => {
    const services = [];
    for await (const s of network.availableEndpointServices.list("eastus")) services.push(s);
    expect(services).toContainEqual({
      name: "Microsoft.Storage",
      id: `${SUB}/providers/Microsoft.Network/virtualNetworkEndpointServices/Microsoft.Storage`,
      type: "Microsoft.Network/virtualNetworkEndpointServices",
    });
    expect(services.map((s) => s.name)).toEqual(
      expect.arrayContaining(["Microsoft.Sql", "Microsoft.KeyVault"]),
    );
  });

  it("refuses an unknown region", async () => {
    const list = async () => {
      for await (const s of network.availableEndpointServices.list("atlantis")) void s;
    };
    await expect(list()).rejects.toMatchObject({ statusCode: 400, code: "NoRegisteredProviderFound" });
  });

  it("lists the service endpoint policy aliases", async () => {
    const aliases = [];
    for await (const a of network.availableServiceAliases.list("eastus")) aliases.push(a);
    expect(aliases).toContainEqual({
      name: "servicesAzure",
      id: `${SUB}/providers/Microsoft.Network/AvailableServiceAliases/servicesAzure`,
      type: "Microsoft.Network/AvailableServiceAliases",
      resourceName: "/services/Azure",
    });
  });

  it("lists the service tags in the REST shape", async () => {
    const tags = await network.serviceTags.list("eastus");
    expect(tags).toMatchObject({ name: "public", type: "Microsoft.Network/serviceTags", cloud: "Public" });
    expect(typeof tags.changeNumber).toBe("string");
    const storage = tags.values!.find((v) => v.name === "Storage.EastUS")!;
    expect(storage.properties).toMatchObject({ region: "eastus", systemService: expect.any(String) });
    expect(storage.properties!.addressPrefixes!.length).toBeGreaterThan(0);
  });
});
