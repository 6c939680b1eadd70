// Microsoft.Resources/deployments over ARM's REST API (@azure/arm-resources 7 has no deployments client, and
// @azure/arm-resourcesdeployments needs Node 22): a template with a VNet,
// a subnet with the Storage endpoint and a storage account whose VNet rule names it, deployed, validated and
// what-if'd; a template that fails midway stops there (incremental mode), and a bad template changes nothing.
import { ResourceManagementClient } from "@azure/arm-resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armRequest } from "./http.js";
import { credential, type Harness, startServer, SUBSCRIPTION } from "./harness.js";

const RG = "rg-deploy";
const API = "2025-04-01";
const deploymentPath = (name: string, action = ""): string =>
  `${rg}/providers/Microsoft.Resources/deployments/${name}${action ? `/${action}` : ""}?api-version=${API}`;
const pathOf = (url: string): string => {
  const u = new URL(url);
  return u.pathname + u.search;
};
const rg = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}`;

const template = (storageRule: boolean, prefix = "10.20.1.0/24") => ({
  $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  contentVersion: "1.0.0.0",
  parameters: { vnetName: { type: "string", defaultValue: "vnet-app" } },
  variables: {
    subnetId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), 'snet-app')]",
  },
  resources: [
    {
      type: "Microsoft.Network/virtualNetworks",
      apiVersion: "2024-05-01",
      name: "[parameters('vnetName')]",
      location: "[resourceGroup().location]",
      properties: {
        addressSpace: { addressPrefixes: ["10.20.0.0/16"] },
        subnets: [
          {
            name: "snet-app",
            properties: { addressPrefix: prefix, serviceEndpoints: [{ service: "Microsoft.Storage" }] },
          },
        ],
      },
    },
    {
      type: "Microsoft.Storage/storageAccounts",
      apiVersion: "2023-05-01",
      name: "[concat('stg', uniqueString(resourceGroup().id))]",
      location: "[resourceGroup().location]",
      sku: { name: "Standard_LRS" },
      kind: "StorageV2",
      dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks', parameters('vnetName'))]"],
      properties: {
        networkAcls: {
          defaultAction: "Deny",
          virtualNetworkRules: storageRule ? [{ id: "[variables('subnetId')]", action: "Allow" }] : [],
        },
      },
    },
  ],
  outputs: { subnetId: { type: "string", value: "[variables('subnetId')]" } },
});

let h: Harness;
let client: ResourceManagementClient;

beforeAll(async () => {
  h = await startServer();
  client = new ResourceManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  await client.resourceGroups.createOrUpdate(RG, { location: "westeurope" });
});
afterAll(async () => h?.close());

describe("Microsoft.Resources/deployments", () => {
  it("deploys a template in dependency order, with outputs and output resources", async () => {
    const put = await armRequest(h, "PUT", deploymentPath("network"), {
      properties: { mode: "Incremental", template: template(true) },
    });
    expect(put.status).toBe(201);
    // The SDKs poll Azure-AsyncOperation, then read the deployment.
    const status = await armRequest(h, "GET", pathOf(put.headers["azure-asyncoperation"] as string));
    expect(status.body).toEqual({ status: "Succeeded" });
    const d = (await armRequest(h, "GET", deploymentPath("network"))).body as {
      properties: { provisioningState: string; outputs: unknown; outputResources: { id: string }[] };
    };
    expect(d.properties.provisioningState).toBe("Succeeded");
    expect(d.properties.outputs).toMatchObject({
      subnetId: { type: "String", value: expect.stringContaining("/subnets/snet-app") },
    });
    expect(d.properties.outputResources.map((r) => r.id.split("/").slice(-2).join("/"))).toEqual([
      "virtualNetworks/vnet-app",
      expect.stringMatching(/^storageAccounts\/stg[a-z0-9]{13}$/),
    ]);
    const subnet = await armRequest(
      h,
      "GET",
      `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/snet-app?api-version=2024-05-01`,
    );
    expect(subnet.status).toBe(200);
  });

  it("what-if answers ARM's changes and the reachability they cause", async () => {
    const raw = await armRequest(h, "POST", deploymentPath("network", "whatIf"), {
      properties: { mode: "Incremental", template: template(false) },
    });
    expect(raw.status).toBe(202);
    const result = (await armRequest(h, "GET", pathOf(raw.headers.location as string))).body as {
      status: string;
      properties: {
        changes: { resourceId: string; changeType: string; delta?: { path: string }[] }[];
        vnetlabReachability: { source: { label: string }; after: { verdict: string } }[];
      };
    };
    expect(result.status).toBe("Succeeded");
    const changes = result.properties.changes;
    expect(changes.find((c) => c.resourceId.includes("virtualNetworks"))?.changeType).toBe("NoChange");
    const stg = changes.find((c) => c.resourceId.includes("storageAccounts"))!;
    expect(stg.changeType).toBe("Modify");
    expect(stg.delta?.map((p) => p.path)).toContain("properties.networkAcls.virtualNetworkRules");
    // Dropping the VNet rule cuts the subnet off its account: vnetlab says so beside ARM's delta.
    expect(
      result.properties.vnetlabReachability.some(
        (c) => c.source.label === "snet-app" && c.after.verdict === "Deny",
      ),
    ).toBe(true);
  });

  it("validate checks every resource against the would-be estate and writes nothing", async () => {
    const ok = await armRequest(h, "POST", deploymentPath("check", "validate"), {
      properties: { mode: "Incremental", template: template(true) },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ properties: { provisioningState: "Succeeded" } });
    const bad = await armRequest(h, "POST", deploymentPath("check", "validate"), {
      properties: { mode: "Incremental", template: template(true, "10.99.0.0/24") },
    });
    expect(bad.status).toBe(400);
    expect((await armRequest(h, "GET", deploymentPath("check"))).status).toBe(404);
  });

  it("a bad template fails with its path and deploys nothing", async () => {
    const broken = {
      ...template(true),
      resources: [{ ...template(true).resources[0], name: "[nosuchfunction()]" }],
    };
    const r = await armRequest(
      h,
      "PUT",
      `${rg}/providers/Microsoft.Resources/deployments/broken?api-version=2025-04-01`,
      {
        properties: { mode: "Incremental", template: broken },
      },
    );
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      error: {
        code: "InvalidTemplate",
        message: expect.stringMatching(/resources\[0\]\.name.*nosuchfunction/i),
      },
    });
  });

  it("a resource that fails stops the deployment; the ones before it stay", async () => {
    const failing = template(true, "10.99.0.0/24"); // outside the address space: the VNet is refused
    const r = await armRequest(
      h,
      "PUT",
      `${rg}/providers/Microsoft.Resources/deployments/failing?api-version=2025-04-01`,
      {
        properties: {
          mode: "Incremental",
          template: { ...failing, parameters: { vnetName: { type: "string", defaultValue: "vnet-bad" } } },
        },
      },
    );
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      properties: {
        provisioningState: "Failed",
        error: {
          code: "DeploymentFailed",
          details: [expect.objectContaining({ target: expect.stringContaining("vnet-bad") })],
        },
      },
    });
    const vnet = await armRequest(
      h,
      "GET",
      `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-bad?api-version=2024-05-01`,
    );
    expect(vnet.status).toBe(404);
  });
});
