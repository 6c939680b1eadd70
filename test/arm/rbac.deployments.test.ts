// A template deployment under --auth: the deployment's own request needs deployments/write, and every resource
// it writes needs the caller's permission as its own PUT would — a Storage Account Contributor can deploy a
// storage account, not a virtual network, and not a VNet rule for a subnet it may not join.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_RG, type NetworkedTest, SNET_APP, startWithNetworks } from "./authFixture.js";

let t: NetworkedTest;
beforeAll(async () => {
  t = await startWithNetworks();
  expect(
    (await t.call("owner", "PUT", `${APP_RG}?api-version=2025-04-01`, { location: "eastus" })).status,
  ).toBeLessThan(300);
});
afterAll(async () => t?.close());

const template = (resources: object[]) => ({
  $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  contentVersion: "1.0.0.0",
  resources,
});
const account = (rules: object[]) => ({
  type: "Microsoft.Storage/storageAccounts",
  apiVersion: "2023-05-01",
  name: "stgdeployauth",
  location: "eastus",
  sku: { name: "Standard_LRS" },
  kind: "StorageV2",
  properties: { networkAcls: { defaultAction: "Deny", virtualNetworkRules: rules } },
});
const deploy = (name: string, resources: object[]) =>
  t.call(
    "storage",
    "PUT",
    `${APP_RG}/providers/Microsoft.Resources/deployments/${name}?api-version=2025-04-01`,
    {
      properties: { mode: "Incremental", template: template(resources) },
    },
  );

describe("deployments under --auth", () => {
  it("a storage contributor deploys a storage account", async () => {
    const r = await deploy("stg", [account([])]);
    expect(r.body).toMatchObject({ properties: { provisioningState: "Succeeded" } });
  });

  it("but not a virtual network, nor a VNet rule for a subnet it may not join", async () => {
    const vnet = await deploy("net", [
      {
        type: "Microsoft.Network/virtualNetworks",
        apiVersion: "2024-05-01",
        name: "vnet-sneaky",
        location: "eastus",
        properties: { addressSpace: { addressPrefixes: ["10.9.0.0/16"] } },
      },
    ]);
    expect(vnet.body).toMatchObject({
      properties: {
        provisioningState: "Failed",
        error: { code: "DeploymentFailed", details: [{ code: "AuthorizationFailed" }] },
      },
    });
    const rule = await deploy("rule", [account([{ id: SNET_APP, action: "Allow" }])]);
    expect(rule.body).toMatchObject({
      properties: {
        provisioningState: "Failed",
        error: { details: [{ code: "LinkedAuthorizationFailed" }] },
      },
    });
  });
});
