import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credential, type Harness, startServer, SUBSCRIPTION } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startServer();
});
afterAll(async () => h.close());

describe("the real SDKs against vnetlab serve", () => {
  it("create a resource group and a VNet with a service endpoint, and read the subnet back", async () => {
    const resources = new ResourceManagementClient(credential, SUBSCRIPTION, h.clientOptions);
    await resources.resourceGroups.createOrUpdate("rg-net", { location: "East US" });
    const network = new NetworkManagementClient(credential, SUBSCRIPTION, h.clientOptions);
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait("rg-net", "vnet1", {
      location: "eastus",
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      subnets: [
        {
          name: "snet-app",
          addressPrefix: "10.0.1.0/24",
          serviceEndpoints: [{ service: "Microsoft.Storage" }],
        },
      ],
    });
    expect(vnet.provisioningState).toBe("Succeeded");
    const subnet = await network.subnets.get("rg-net", "vnet1", "snet-app");
    expect(subnet.serviceEndpoints).toEqual([
      { service: "Microsoft.Storage", locations: ["eastus", "westus"], provisioningState: "Succeeded" },
    ]);
  });
});
