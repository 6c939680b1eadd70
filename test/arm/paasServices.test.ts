// Key Vault through the real @azure/arm-keyvault client; Cosmos DB, Service Bus, Event Hubs, App Service,
// Cognitive Services and Container Registry over plain HTTPS (no SDK in the dev dependencies): server-filled
// properties and each firewall's validation (§4.3-§4.8), every refusal leaving the store as it was.
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credential, type Harness, startServer, SUBSCRIPTION } from "./harness.js";
import { armRequest, type HttpResult } from "./http.js";
import {
  createNetwork,
  FOREIGN_SUBNET,
  FOREIGN_SUBSCRIPTION,
  MISSING_SUBNET,
  NO_SE,
  path,
  refused,
  RG,
  RG_ID,
  SE_ALL,
} from "./paasFixture.js";

let h: Harness;
const TENANT = "00000000-0000-0000-0000-000000000000";

beforeAll(async () => {
  h = await startServer();
  await createNetwork(h);
});
afterAll(async () => h.close());

const put = (relative: string, apiVersion: string, body: object): Promise<HttpResult> =>
  armRequest(h, "PUT", path(relative, apiVersion), body);
const props = (r: HttpResult): Record<string, unknown> =>
  (r.body as { properties: Record<string, unknown> }).properties;

describe("Key Vault", () => {
  let kv: KeyVaultManagementClient;
  const vault = (name: string, networkAcls?: object): Promise<unknown> =>
    kv.vaults.createOrUpdate(
      RG,
      name,
      {
        location: "eastus",
        properties: {
          tenantId: TENANT,
          sku: { family: "A", name: "standard" },
          ...(networkAcls ? { networkAcls } : {}),
        },
      },
      { updateIntervalInMs: 1 },
    );
  beforeAll(() => {
    kv = new KeyVaultManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  });

  it("fill in vaultUri and accept VNet rules for subnets with the endpoint", async () => {
    await vault("kv-ok", {
      defaultAction: "Deny",
      bypass: "AzureServices",
      virtualNetworkRules: [{ id: SE_ALL }],
      ipRules: [{ value: "20.1.2.0/24" }],
    });
    const v = await kv.vaults.get(RG, "kv-ok");
    expect(v.properties.vaultUri).toBe("https://kv-ok.vault.azure.net/");
    expect(v.properties.provisioningState).toBe("Succeeded");
    expect(v.properties.networkAcls?.virtualNetworkRules).toEqual([
      { id: SE_ALL, ignoreMissingVnetServiceEndpoint: false },
    ]);
  });

  it("refuse a subnet without the endpoint with VirtualNetworkNotValid, unless ignoreMissingVnetServiceEndpoint", async () => {
    const e = await refused(h, () =>
      vault("kv-nose", { defaultAction: "Deny", virtualNetworkRules: [{ id: NO_SE }] }),
    );
    expect([e.statusCode, e.code]).toEqual([400, "VirtualNetworkNotValid"]);
    expect(e.message).toBe(
      `Operation on Virtual Network could not be performed. StatusCode: 400 (BadRequest). Error Code: SubnetsHaveNoServiceEndpointsConfigured. Error Message: Subnets no-se of virtual network ${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet1 do not have ServiceEndpoints for Microsoft.KeyVault resources configured. Add Microsoft.KeyVault to subnet's ServiceEndpoints collection before trying to ACL Microsoft.KeyVault resources to these subnets..`,
    );
    await vault("kv-nose", {
      defaultAction: "Deny",
      virtualNetworkRules: [{ id: NO_SE, ignoreMissingVnetServiceEndpoint: true }],
    });
  });

  it("refuse private IP rules (§4.3) and, through PATCH, a subnet without the endpoint", async () => {
    const e = await refused(h, () =>
      vault("kv-private", { defaultAction: "Deny", ipRules: [{ value: "10.0.1.0/24" }] }),
    );
    expect([e.statusCode, e.code, e.message]).toEqual([
      400,
      "BadRequest",
      "Invalid value found at properties.networkAcls.ipRules[0].value: 10.0.1.0/24 belongs to forbidden range 10.0.0.0–10.255.255.255 (private IP addresses)",
    ]);
    const p = await refused(h, () =>
      kv.vaults.update(RG, "kv-ok", {
        properties: { networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: NO_SE }] } },
      }),
    );
    expect(p.code).toBe("VirtualNetworkNotValid");
    const updated = await kv.vaults.update(RG, "kv-ok", { properties: { publicNetworkAccess: "Disabled" } });
    expect(updated.properties.publicNetworkAccess).toBe("Disabled");
    expect(updated.properties.networkAcls?.virtualNetworkRules).toHaveLength(1);
  });
});

describe("Cosmos DB", () => {
  const account = (name: string, virtualNetworkRules: object[]): Promise<HttpResult> =>
    put(`Microsoft.DocumentDB/databaseAccounts/${name}`, "2024-11-15", {
      location: "eastus",
      properties: {
        databaseAccountOfferType: "Standard",
        isVirtualNetworkFilterEnabled: true,
        virtualNetworkRules,
      },
    });

  it("fill in documentEndpoint and accept subnets with the endpoint", async () => {
    const r = await account("cosmos-ok", [{ id: SE_ALL }]);
    expect(r.status).toBe(201);
    expect(props(r).documentEndpoint).toBe("https://cosmos-ok.documents.azure.com:443/");
    expect(props(r).virtualNetworkRules).toEqual([{ id: SE_ALL, ignoreMissingVNetServiceEndpoint: false }]);
  });

  it("refuse a subnet without the endpoint with the Network RP's error inside Conflict, unless told to ignore it", async () => {
    const e = await refused(h, () => account("cosmos-nose", [{ id: NO_SE }]));
    expect([e.statusCode, e.code]).toEqual([409, "Conflict"]);
    expect(e.message).toMatch(
      /^Database account creation failed\. .*ErrorCode: SubnetsHaveNoServiceEndpointsConfigured, .*Microsoft\.AzureCosmosDB/,
    );
    expect(
      (await account("cosmos-nose", [{ id: NO_SE, ignoreMissingVNetServiceEndpoint: true }])).status,
    ).toBe(201);
  });

  it("refuse a subnet of another tenant (§8), which Storage accepts", async () => {
    const sub = {
      id: `/subscriptions/${FOREIGN_SUBSCRIPTION}`,
      name: FOREIGN_SUBSCRIPTION,
      type: "Microsoft.Resources/subscriptions",
      tenantId: "99999999-0000-0000-0000-000000000099",
    };
    await h.store.apply([{ kind: "put", resource: sub, etag: 'W/"tenant"' }]);
    const e = await refused(h, () => account("cosmos-foreign", [{ id: FOREIGN_SUBNET }]));
    expect([e.statusCode, e.code]).toEqual([400, "BadRequest"]);
    const stg = await put("Microsoft.Storage/storageAccounts/stgforeigntenant", "2025-01-01", {
      location: "eastus",
      sku: { name: "Standard_LRS" },
      kind: "StorageV2",
      properties: { networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: FOREIGN_SUBNET }] } },
    });
    expect(stg.status).toBe(201);
  });
});

describe("Service Bus and Event Hubs", () => {
  const namespace = async (rp: string, name: string, sku: string): Promise<void> => {
    const r = await put(`${rp}/namespaces/${name}`, "2024-01-01", {
      location: "eastus",
      sku: { name: sku, tier: sku },
    });
    expect(r.status).toBe(201);
  };
  const ruleSet = (
    rp: string,
    name: string,
    properties: object,
    apiVersion = "2024-01-01",
  ): Promise<HttpResult> =>
    put(`${rp}/namespaces/${name}/networkRuleSets/default`, apiVersion, { properties });

  it("fill in serviceBusEndpoint and refuse VNet rules below Premium (§4.5)", async () => {
    await namespace("Microsoft.ServiceBus", "sb-standard", "Standard");
    const got = await armRequest(h, "GET", path("Microsoft.ServiceBus/namespaces/sb-standard", "2024-01-01"));
    expect(props(got).serviceBusEndpoint).toBe("https://sb-standard.servicebus.windows.net:443/");
    const e = await refused(h, () =>
      ruleSet("Microsoft.ServiceBus", "sb-standard", {
        defaultAction: "Deny",
        virtualNetworkRules: [{ subnet: { id: SE_ALL } }],
      }),
    );
    expect([e.statusCode, e.code]).toEqual([400, "BadRequest"]);
    expect(e.message).toContain("Premium");
    const ip = await ruleSet("Microsoft.ServiceBus", "sb-standard", {
      defaultAction: "Deny",
      ipRules: [{ ipMask: "20.1.1.1" }],
    });
    expect(ip.status).toBe(200);
  });

  it("check endpoints on Premium, default defaultAction by api-version, and cap the rules at 128", async () => {
    await namespace("Microsoft.ServiceBus", "sb-premium", "Premium");
    const e = await refused(h, () =>
      ruleSet("Microsoft.ServiceBus", "sb-premium", { virtualNetworkRules: [{ subnet: { id: NO_SE } }] }),
    );
    expect(e.code).toBe("BadRequest");
    const ok = await ruleSet("Microsoft.ServiceBus", "sb-premium", {
      virtualNetworkRules: [
        { subnet: { id: SE_ALL } },
        { subnet: { id: NO_SE }, ignoreMissingVnetServiceEndpoint: true },
      ],
    });
    expect([ok.status, props(ok).defaultAction]).toEqual([200, "Allow"]);
    const old = await ruleSet(
      "Microsoft.ServiceBus",
      "sb-premium",
      { ipRules: [{ ipMask: "20.1.1.1" }] },
      "2018-01-01-preview",
    );
    expect(props(old).defaultAction).toBe("Deny");
    const many = Array.from({ length: 129 }, (_, i) => ({ ipMask: `20.9.0.${i}` }));
    expect(
      (await refused(h, () => ruleSet("Microsoft.ServiceBus", "sb-premium", { ipRules: many }))).code,
    ).toBe("BadRequest");
  });

  it("serve networkRuleSets/default from the namespace's first moment; a PUT updates it (200)", async () => {
    const NS = "Microsoft.ServiceBus/namespaces/sb-fresh";
    await namespace("Microsoft.ServiceBus", "sb-fresh", "Standard");
    const get = (apiVersion: string): Promise<HttpResult> =>
      armRequest(h, "GET", path(`${NS}/networkRuleSets/default`, apiVersion));
    const fresh = await get("2024-01-01");
    expect([fresh.status, fresh.body]).toEqual([
      200,
      {
        id: `${RG_ID}/providers/${NS}/networkRuleSets/default`,
        name: "default",
        type: "Microsoft.ServiceBus/namespaces/networkRuleSets",
        properties: {
          publicNetworkAccess: "Enabled",
          defaultAction: "Allow",
          virtualNetworkRules: [],
          ipRules: [],
          trustedServiceAccessEnabled: false,
        },
      },
    ]);
    // §4.5 [S17]: api-versions up to 2021-01-01-preview give Deny.
    expect(props(await get("2021-01-01-preview")).defaultAction).toBe("Deny");
    const list = await armRequest(h, "GET", path(`${NS}/networkRuleSets`, "2024-01-01"));
    expect((list.body as { value: { name: string }[] }).value.map((r) => r.name)).toEqual(["default"]);
    const eh = await put("Microsoft.EventHub/namespaces/eh-fresh", "2024-01-01", { location: "eastus" });
    expect(eh.status).toBe(201);
    expect(
      props(
        await armRequest(
          h,
          "GET",
          path("Microsoft.EventHub/namespaces/eh-fresh/networkRuleSets/default", "2024-01-01"),
        ),
      ),
    ).toMatchObject({ defaultAction: "Allow", ipRules: [], virtualNetworkRules: [] });
    const none = await armRequest(
      h,
      "GET",
      path("Microsoft.ServiceBus/namespaces/sb-none/networkRuleSets/default", "2024-01-01"),
    );
    expect(none.status).toBe(404);
    // A refused write leaves the default in place; an accepted one is an update.
    const e = await refused(h, () =>
      ruleSet("Microsoft.ServiceBus", "sb-fresh", { virtualNetworkRules: [{ subnet: { id: SE_ALL } }] }),
    );
    expect([e.statusCode, e.code]).toEqual([400, "BadRequest"]);
    expect((await get("2024-01-01")).body).toEqual(fresh.body);
    const ip = await ruleSet("Microsoft.ServiceBus", "sb-fresh", { ipRules: [{ ipMask: "20.1.1.1" }] });
    expect([ip.status, props(ip).ipRules]).toEqual([200, [{ ipMask: "20.1.1.1", action: "Allow" }]]);
    expect(props(await get("2024-01-01")).ipRules).toEqual([{ ipMask: "20.1.1.1", action: "Allow" }]);
  });

  it("refuse Event Hubs VNet rules in Basic, accept them in Standard", async () => {
    await namespace("Microsoft.EventHub", "eh-basic", "Basic");
    await namespace("Microsoft.EventHub", "eh-standard", "Standard");
    const rules = { defaultAction: "Deny", virtualNetworkRules: [{ subnet: { id: SE_ALL } }] };
    expect((await refused(h, () => ruleSet("Microsoft.EventHub", "eh-basic", rules))).code).toBe(
      "BadRequest",
    );
    expect((await ruleSet("Microsoft.EventHub", "eh-standard", rules)).status).toBe(200);
    const missing = await refused(h, () =>
      ruleSet("Microsoft.EventHub", "eh-standard", {
        virtualNetworkRules: [{ subnet: { id: MISSING_SUBNET } }],
      }),
    );
    expect(missing.code).toBe("BadRequest");
  });
});

describe("App Service, Cognitive Services, Container Registry", () => {
  it("serve sites and config/web, refusing access restrictions for subnets that do not exist", async () => {
    const site = await put("Microsoft.Web/sites/app1", "2023-12-01", { location: "eastus", properties: {} });
    expect(props(site).defaultHostName).toBe("app1.azurewebsites.net");
    const config = (subnet: string): Promise<HttpResult> =>
      put("Microsoft.Web/sites/app1/config/web", "2023-12-01", {
        properties: {
          ipSecurityRestrictions: [
            { name: "app", priority: 100, action: "Allow", vnetSubnetResourceId: subnet },
          ],
        },
      });
    expect((await refused(h, () => config(MISSING_SUBNET))).code).toBe("BadRequest");
    const ok = await config(SE_ALL);
    expect([ok.status, (ok.body as { name: string }).name]).toEqual([201, "web"]);
    const CONFIG = path("Microsoft.Web/sites/app1/config/web", "2023-12-01");
    const before = await armRequest(h, "GET", CONFIG);
    expect((await refused(h, () => config(MISSING_SUBNET))).code).toBe("BadRequest");
    expect((await armRequest(h, "GET", CONFIG)).body).toEqual(before.body);
  });

  it("accept access restrictions for subnets without Microsoft.Web: only clients add the endpoint (§4.6)", async () => {
    await put("Microsoft.Web/sites/app2", "2023-12-01", { location: "eastus", properties: {} });
    const rule = { priority: 100, action: "Allow", vnetSubnetResourceId: NO_SE };
    const r = await put("Microsoft.Web/sites/app2/config/web", "2023-12-01", {
      properties: {
        ipSecurityRestrictions: [{ ...rule, name: "plain" }],
        // The portal's, CLI's and PowerShell's switch is not part of the REST model: the API drops it.
        scmIpSecurityRestrictions: [{ ...rule, name: "flagged", ignoreMissingServiceEndpoint: true }],
      },
    });
    expect(r.status).toBe(201);
    expect(props(r).ipSecurityRestrictions).toEqual([{ ...rule, name: "plain", tag: "Default" }]);
    expect(props(r).scmIpSecurityRestrictions).toEqual([{ ...rule, name: "flagged", tag: "Default" }]);
  });

  it("fill in the Cognitive Services endpoint; refuse /32 ranges and subnets without the endpoint", async () => {
    const account = (networkAcls: object): Promise<HttpResult> =>
      put("Microsoft.CognitiveServices/accounts/cog1", "2024-10-01", {
        location: "eastus",
        kind: "TextAnalytics",
        sku: { name: "S" },
        properties: { customSubDomainName: "cog1-custom", networkAcls },
      });
    expect(
      (await refused(h, () => account({ defaultAction: "Deny", ipRules: [{ value: "20.1.1.1/32" }] }))).code,
    ).toBe("BadRequest");
    expect(
      (await refused(h, () => account({ defaultAction: "Deny", virtualNetworkRules: [{ id: NO_SE }] }))).code,
    ).toBe("BadRequest");
    const ok = await account({ defaultAction: "Deny", virtualNetworkRules: [{ id: SE_ALL }] });
    expect(props(ok).endpoint).toBe("https://cog1-custom.cognitiveservices.azure.com/");
    expect((props(ok).networkAcls as { virtualNetworkRules: object[] }).virtualNetworkRules).toEqual([
      { id: SE_ALL, state: "Succeeded", ignoreMissingVnetServiceEndpoint: false },
    ]);
  });

  it("keep network features to Premium registries (§4.8)", async () => {
    const registry = (name: string, sku: string, properties: object): Promise<HttpResult> =>
      put(`Microsoft.ContainerRegistry/registries/${name}`, "2023-07-01", {
        location: "eastus",
        sku: { name: sku },
        properties,
      });
    const pna = await refused(h, () => registry("acrbasic", "Basic", { publicNetworkAccess: "Disabled" }));
    expect([pna.code, pna.message]).toEqual([
      "DisablingPublicNetworkAccessNotSupported",
      "Disabling public network access is not supported for the SKU Basic. For more information, please visit https://aka.ms/acr/private-link.",
    ]);
    const rules = await refused(h, () =>
      registry("acrbasic", "Basic", { networkRuleSet: { defaultAction: "Deny" } }),
    );
    expect(rules.code).toBe("NetworkRuleSetNotSupported");
    const ok = await registry("acrpremium", "Premium", {
      networkRuleSet: { defaultAction: "Deny", ipRules: [{ value: "20.1.1.1" }] },
    });
    expect([ok.status, props(ok).loginServer]).toEqual([201, "acrpremium.azurecr.io"]);
  });
});
