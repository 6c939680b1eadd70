// Microsoft.Storage/storageAccounts through the real @azure/arm-storage client: server-filled properties,
// networkAcls validation (§4.1 R2-R5, R8), PATCH that updates properties, listKeys and regenerateKey.
// arm-storage 20 sends no `properties` when only networkRuleSet is set (notes/dependencies.md), so every
// create or update that sets a rule set also sets minimumTlsVersion.
import { StorageManagementClient } from "@azure/arm-storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credential, type Harness, startServer, SUBSCRIPTION } from "./harness.js";
import { armRequest } from "./http.js";
import {
  createNetwork,
  FOREIGN_SUBNET,
  MISSING_SUBNET,
  MISSING_VNET,
  NO_SE,
  path,
  refused,
  RG,
  RG_ID,
  SE_ALL,
} from "./paasFixture.js";

let h: Harness;
let client: StorageManagementClient;
const poll = { updateIntervalInMs: 1 };

beforeAll(async () => {
  h = await startServer();
  await createNetwork(h);
  client = new StorageManagementClient(credential, SUBSCRIPTION, h.clientOptions);
});
afterAll(async () => h.close());

const vnetRule = (id: string): { virtualNetworkResourceId: string; action: "Allow" } => ({
  virtualNetworkResourceId: id,
  action: "Allow",
});

function create(name: string, networkRuleSet?: object): Promise<unknown> {
  return client.storageAccounts.create(
    RG,
    name,
    {
      location: "eastus",
      sku: { name: "Standard_RAGRS" },
      kind: "StorageV2",
      minimumTlsVersion: "TLS1_2",
      ...(networkRuleSet ? { networkRuleSet: networkRuleSet as never } : {}),
    },
    poll,
  );
}

describe("storage accounts", () => {
  it("fill in what Azure fills in: endpoints, locations, networkAcls defaults, provisioningState", async () => {
    await create("stgdefaults");
    const a = await client.storageAccounts.getProperties(RG, "stgdefaults");
    expect(a.provisioningState).toBe("Succeeded");
    expect(a.primaryEndpoints?.blob).toBe("https://stgdefaults.blob.core.windows.net/");
    expect(a.primaryEndpoints?.dfs).toBe("https://stgdefaults.dfs.core.windows.net/");
    expect(a.secondaryEndpoints?.blob).toBe("https://stgdefaults-secondary.blob.core.windows.net/");
    expect([a.primaryLocation, a.secondaryLocation, a.statusOfPrimary]).toEqual([
      "eastus",
      "westus",
      "available",
    ]);
    expect(a.creationTime).toBeInstanceOf(Date);
    expect(a.networkRuleSet).toEqual({
      bypass: "AzureServices",
      virtualNetworkRules: [],
      ipRules: [],
      defaultAction: "Allow",
    });
  });

  it("require secure transfer by default from API version 2019-04-01, not before, and keep it on update", async () => {
    expect((await client.storageAccounts.getProperties(RG, "stgdefaults")).enableHttpsTrafficOnly).toBe(true);
    const body = { location: "eastus", sku: { name: "Standard_LRS" }, kind: "StorageV2", properties: {} };
    const old = `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stgoldapi`;
    const created = await armRequest(h, "PUT", `${old}?api-version=2018-11-01`, body);
    expect(created.status, JSON.stringify(created.body)).toBeLessThan(300);
    const read = await armRequest(h, "GET", `${old}?api-version=2023-05-01`);
    expect((read.body as { properties: { supportsHttpsTrafficOnly: boolean } }).properties).toMatchObject({
      supportsHttpsTrafficOnly: false,
    });
    // An update that does not mention it keeps what the account has.
    await armRequest(h, "PUT", `${old}?api-version=2023-05-01`, body);
    const again = await armRequest(h, "GET", `${old}?api-version=2023-05-01`);
    expect((again.body as { properties: { supportsHttpsTrafficOnly: boolean } }).properties).toMatchObject({
      supportsHttpsTrafficOnly: false,
    });
  });

  it("accept VNet rules for subnets with the endpoint, and report them Succeeded", async () => {
    await create("stgrules", {
      defaultAction: "Deny",
      virtualNetworkRules: [vnetRule(SE_ALL)],
      ipRules: [{ iPAddressOrRange: "20.30.40.50", action: "Allow" }],
    });
    const a = await client.storageAccounts.getProperties(RG, "stgrules");
    expect(a.networkRuleSet?.defaultAction).toBe("Deny");
    expect(a.networkRuleSet?.virtualNetworkRules).toEqual([
      { virtualNetworkResourceId: SE_ALL, action: "Allow", state: "Succeeded" },
    ]);
    expect(a.networkRuleSet?.ipRules).toEqual([{ iPAddressOrRange: "20.30.40.50", action: "Allow" }]);
  });

  it("refuse a VNet rule for a subnet without the endpoint with Azure's NetworkAclsValidationFailure (§4.1 R4)", async () => {
    const e = await refused(h, () =>
      create("stgnose", { defaultAction: "Deny", virtualNetworkRules: [vnetRule(NO_SE)] }),
    );
    expect([e.statusCode, e.code]).toEqual([400, "NetworkAclsValidationFailure"]);
    expect(e.message).toBe(
      `Validation of network acls failure: SubnetsHaveNoServiceEndpointsConfigured:Subnets no-se of virtual network ${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet1 do not have ServiceEndpoints for Microsoft.Storage resources configured. Add Microsoft.Storage to subnet's ServiceEndpoints collection before trying to ACL Microsoft.Storage resources to these subnets..`,
    );
    await expect(client.storageAccounts.getProperties(RG, "stgnose")).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it("refuse rules naming a VNet or subnet that does not exist, and accept one it cannot see (another subscription)", async () => {
    const noVnet = await refused(h, () =>
      create("stgnovnet", { defaultAction: "Deny", virtualNetworkRules: [vnetRule(MISSING_VNET)] }),
    );
    expect([noVnet.code, noVnet.message]).toEqual([
      "NetworkAclsValidationFailure",
      expect.stringContaining(
        "ParentResourceNotFound:Failed to perform 'action' on resource(s) of type 'virtualNetworks/taggedTrafficConsumers'",
      ),
    ]);
    const noSubnet = await refused(h, () =>
      create("stgnosub", { defaultAction: "Deny", virtualNetworkRules: [vnetRule(MISSING_SUBNET)] }),
    );
    expect(noSubnet.code).toBe("NetworkAclsValidationFailure");
    await create("stgforeign", { defaultAction: "Deny", virtualNetworkRules: [vnetRule(FOREIGN_SUBNET)] });
    const a = await client.storageAccounts.getProperties(RG, "stgforeign");
    expect(a.networkRuleSet?.virtualNetworkRules?.[0]?.state).toBe("Succeeded");
  });

  it("refuse a subnet whose regional Microsoft.Storage endpoint does not reach the account's region (§4.1 R5)", async () => {
    const e = await refused(h, () =>
      client.storageAccounts.create(
        RG,
        "stgfaraway",
        {
          location: "westeurope",
          sku: { name: "Standard_LRS" },
          kind: "StorageV2",
          minimumTlsVersion: "TLS1_2",
          networkRuleSet: { defaultAction: "Deny", virtualNetworkRules: [vnetRule(SE_ALL)] },
        },
        poll,
      ),
    );
    expect(e.code).toBe("NetworkAclsValidationFailure");
  });

  it("refuse private, /31 and /32 IP rules and more than 400 of them (§4.1 R2, R3)", async () => {
    for (const value of ["10.1.2.0/24", "192.168.1.1", "20.30.40.50/31", "20.30.40.50/32", "not-an-ip"]) {
      const e = await refused(h, () =>
        create("stgip", { defaultAction: "Deny", ipRules: [{ iPAddressOrRange: value, action: "Allow" }] }),
      );
      expect([e.statusCode, e.code, e.message]).toEqual([
        400,
        "InvalidValuesForRequestParameters",
        "Values for request parameters are invalid: networkAcls.ipRule[*].value. For more information, see - https://aka.ms/storagenetworkruleset",
      ]);
    }
    const many = Array.from({ length: 401 }, (_, i) => ({
      iPAddressOrRange: `20.0.${i >> 8}.${i & 255}`,
      action: "Allow",
    }));
    const e = await refused(h, () => create("stgmany", { defaultAction: "Deny", ipRules: many }));
    expect(e.message).toContain("networkAcls.ipRules[]");
  });

  it("refuse a bad account name", async () => {
    const e = await refused(h, () => create("Bad_Name"));
    expect([e.statusCode, e.code]).toEqual([400, "AccountNameInvalid"]);
  });

  it("update properties with PATCH, validating like a create, and change nothing when refused", async () => {
    await create("stgpatch");
    const updated = await client.storageAccounts.update(RG, "stgpatch", {
      minimumTlsVersion: "TLS1_2",
      networkRuleSet: { defaultAction: "Deny", virtualNetworkRules: [vnetRule(SE_ALL)] },
      tags: { team: "net" },
    });
    expect(updated.networkRuleSet?.virtualNetworkRules?.[0]?.state).toBe("Succeeded");
    expect(updated.tags).toEqual({ team: "net" });
    expect(updated.primaryEndpoints?.blob).toBe("https://stgpatch.blob.core.windows.net/");
    const e = await refused(h, () =>
      client.storageAccounts.update(RG, "stgpatch", {
        minimumTlsVersion: "TLS1_2",
        networkRuleSet: { defaultAction: "Deny", virtualNetworkRules: [vnetRule(SE_ALL), vnetRule(NO_SE)] },
      }),
    );
    expect(e.code).toBe("NetworkAclsValidationFailure");
    const tagsOnly = await client.storageAccounts.update(RG, "stgpatch", { tags: { team: "apps" } });
    expect(tagsOnly.networkRuleSet?.defaultAction).toBe("Deny");
    expect(tagsOnly.networkRuleSet?.virtualNetworkRules).toHaveLength(1);
  });

  it("list stable 64-byte keys, and regenerate one of them", async () => {
    await create("stgkeys");
    const first = (await client.storageAccounts.listKeys(RG, "stgkeys")).keys!;
    expect(first.map((k) => [k.keyName, k.permissions])).toEqual([
      ["key1", "FULL"],
      ["key2", "FULL"],
    ]);
    for (const k of first) expect(Buffer.from(k.value!, "base64")).toHaveLength(64);
    expect((await client.storageAccounts.listKeys(RG, "stgkeys")).keys).toEqual(first);
    const regenerated = (await client.storageAccounts.regenerateKey(RG, "stgkeys", { keyName: "key1" }))
      .keys!;
    expect(regenerated[0]!.value).not.toBe(first[0]!.value);
    expect(regenerated[1]!.value).toBe(first[1]!.value);
    expect((await client.storageAccounts.listKeys(RG, "stgkeys")).keys).toEqual(regenerated);
  });

  it("report a rule whose VNet was deleted as NetworkSourceDeleted, and keep the account updatable (§4.1 R8)", async () => {
    const vnet = `${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet-tmp`;
    const put = await armRequest(h, "PUT", `${vnet}?api-version=2024-05-01`, {
      location: "eastus",
      properties: {
        addressSpace: { addressPrefixes: ["10.9.0.0/16"] },
        subnets: [
          {
            name: "s",
            properties: {
              addressPrefix: "10.9.0.0/24",
              serviceEndpoints: [{ service: "Microsoft.Storage" }],
            },
          },
        ],
      },
    });
    expect(put.status).toBeLessThan(300);
    await create("stggone", { defaultAction: "Deny", virtualNetworkRules: [vnetRule(`${vnet}/subnets/s`)] });
    expect((await armRequest(h, "DELETE", `${vnet}?api-version=2024-05-01`)).status).toBeLessThan(300);
    // A rule already in force is not looked up again: updating something else still works.
    const a = await armRequest(h, "PATCH", path("Microsoft.Storage/storageAccounts/stggone", "2025-01-01"), {
      tags: { still: "updatable" },
    });
    expect(a.status).toBe(200);
    expect(
      (a.body as { properties: { networkAcls: { virtualNetworkRules: { state: string }[] } } }).properties
        .networkAcls.virtualNetworkRules[0]!.state,
    ).toBe("NetworkSourceDeleted");
  });
});
