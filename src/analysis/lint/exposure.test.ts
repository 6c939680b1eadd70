import { describe, expect, it } from "vitest";
import { resource, rid, storageAccount, subnetId, vnet } from "../../../test/fixtures/arm.js";
import { findingsOf } from "../../../test/fixtures/lint.js";

const net = vnet(
  "vnet-app",
  "eastus",
  ["10.1.0.0/16"],
  [
    {
      name: "snet-app",
      prefix: "10.1.1.0/24",
      serviceEndpoints: ["Microsoft.Storage", "Microsoft.KeyVault"],
    },
  ],
);
const SUBNET = subnetId(net, "snet-app");

function namespace(type: "ServiceBus" | "EventHub", tier: string, ruleSet: object) {
  return resource(
    `Microsoft.${type}/namespaces`,
    `ns-${tier.toLowerCase()}`,
    "eastus",
    { networkRuleSets: [{ name: "default", properties: ruleSet }] },
    { sku: { name: tier, tier } },
  );
}

describe("VNL001 network rules without effect (semantics §4.1 R1, §4.3, §4.4, §4.5, §4.7)", () => {
  it("reports a storage account whose rules sit behind defaultAction=Allow", () => {
    const stg = storageAccount("stg1", "eastus", {
      networkAcls: { defaultAction: "Allow", ipRules: [{ value: "203.0.113.7" }] },
    });
    const [f, ...rest] = findingsOf("VNL001", [net, stg]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      resourceId: stg.id,
      severity: "warning",
      rule: "network-rules-without-effect",
    });
    expect(f!.message).toContain("networkAcls.defaultAction is Allow");
    expect(f!.equivalents?.map((e) => e.id)).toContain("CKV_AZURE_35");
  });

  it("is silent once defaultAction=Deny, or with no rules at all (VNL012's case)", () => {
    const deny = storageAccount("stg1", "eastus", {
      networkAcls: { defaultAction: "Deny", ipRules: [{ value: "203.0.113.7" }] },
    });
    const bare = storageAccount("stg2", "eastus", { networkAcls: { defaultAction: "Allow" } });
    expect(findingsOf("VNL001", [net, deny, bare])).toEqual([]);
  });

  it("reports Key Vault, Cognitive Services and Service Bus Premium rules behind Allow", () => {
    const kv = resource("Microsoft.KeyVault/vaults", "kv1", "eastus", {
      networkAcls: { defaultAction: "Allow", virtualNetworkRules: [{ id: SUBNET }] },
    });
    const cog = resource("Microsoft.CognitiveServices/accounts", "cog1", "eastus", {
      networkAcls: { defaultAction: "Allow", ipRules: [{ value: "203.0.113.9" }] },
    });
    const sb = namespace("ServiceBus", "Premium", {
      defaultAction: "Allow",
      ipRules: [{ ipMask: "203.0.113.9", action: "Allow" }],
    });
    expect(findingsOf("VNL001", [net, kv, cog, sb]).map((f) => f.resourceId)).toEqual(
      [cog.id, kv.id, sb.id].sort(),
    );
  });

  it("reports Cosmos DB virtual network rules while isVirtualNetworkFilterEnabled is false", () => {
    const off = resource("Microsoft.DocumentDB/databaseAccounts", "cosmos-off", "eastus", {
      isVirtualNetworkFilterEnabled: false,
      virtualNetworkRules: [{ id: SUBNET }],
    });
    const on = resource("Microsoft.DocumentDB/databaseAccounts", "cosmos-on", "eastus", {
      isVirtualNetworkFilterEnabled: true,
      virtualNetworkRules: [{ id: SUBNET }],
    });
    const [f, ...rest] = findingsOf("VNL001", [net, off, on]);
    expect(rest).toEqual([]);
    expect(f!.resourceId).toBe(off.id);
    expect(f!.message).toContain("isVirtualNetworkFilterEnabled is false");
    expect(f!.message).toContain("accepts every network");
  });
});

describe("VNL011 network rules on a tier without a firewall (semantics §4.5, §4.8)", () => {
  it("reports Service Bus Standard and Event Hubs Basic namespaces with rules, and a Basic registry", () => {
    const rules = { defaultAction: "Deny", ipRules: [{ ipMask: "203.0.113.9", action: "Allow" }] };
    const sb = namespace("ServiceBus", "Standard", rules);
    const eh = namespace("EventHub", "Basic", rules);
    const acr = resource(
      "Microsoft.ContainerRegistry/registries",
      "acr1",
      "eastus",
      { networkRuleSet: { defaultAction: "Deny", ipRules: [{ value: "203.0.113.9" }] } },
      { sku: { name: "Basic" } },
    );
    const found = findingsOf("VNL011", [net, sb, eh, acr]);
    expect(found.map((f) => f.resourceId).sort()).toEqual([acr.id, eh.id, sb.id].sort());
    expect(found.find((f) => f.resourceId === sb.id)!.message).toContain("only in the Premium tier");
  });

  it("is silent for Premium Service Bus, Standard Event Hubs and rule-less namespaces", () => {
    const rules = { defaultAction: "Deny", ipRules: [{ ipMask: "203.0.113.9", action: "Allow" }] };
    const sb = namespace("ServiceBus", "Premium", rules);
    const eh = namespace("EventHub", "Standard", rules);
    const bare = resource(
      "Microsoft.ServiceBus/namespaces",
      "ns-bare",
      "eastus",
      {},
      { sku: { name: "Basic" } },
    );
    expect(findingsOf("VNL011", [net, sb, eh, bare])).toEqual([]);
  });
});

describe("VNL012 open to the whole internet (semantics §0 step 5, §4)", () => {
  it("reports a storage account with no firewall, with the other tools' ids", () => {
    const stg = storageAccount("stg-open", "eastus", {});
    const [f] = findingsOf("VNL012", [net, stg]);
    expect(f).toMatchObject({ resourceId: stg.id, rule: "open-to-internet" });
    expect(f!.equivalents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tool: "Azure Policy", id: "34c877ad-507e-4c82-993e-3452a6e0ad3c" }),
        expect.objectContaining({ tool: "PSRule for Azure", id: "Azure.Storage.Firewall" }),
      ]),
    );
  });

  it("is silent for a firewalled account, a private one, and a web app", () => {
    const deny = storageAccount("stg-deny", "eastus", { networkAcls: { defaultAction: "Deny" } });
    const priv = storageAccount("stg-private", "eastus", { publicNetworkAccess: "Disabled" });
    const web = resource("Microsoft.Web/sites", "app1", "eastus", {});
    expect(findingsOf("VNL012", [net, deny, priv, web])).toEqual([]);
  });

  it("reports a SQL server whose firewall rule spans every address, not one with a narrow rule", () => {
    const server = (name: string, start: string, end: string) =>
      resource("Microsoft.Sql/servers", name, "eastus", {
        firewallRules: [{ name: "rule1", properties: { startIpAddress: start, endIpAddress: end } }],
      });
    const open = server("sql-open", "0.0.0.0", "255.255.255.255");
    const narrow = server("sql-narrow", "203.0.113.0", "203.0.113.255");
    const found = findingsOf("VNL012", [net, open, narrow]);
    expect(found.map((f) => f.resourceId)).toEqual([open.id]);
    expect(found[0]!.equivalents?.map((e) => e.id)).toEqual(["CKV_AZURE_11"]);
  });

  it("reports a namespace with defaultAction=Deny and no rules (not enforced) [S17]", () => {
    const sb = namespace("ServiceBus", "Premium", { defaultAction: "Deny" });
    const [f] = findingsOf("VNL012", [net, sb]);
    expect(f!.resourceId).toBe(sb.id);
    expect(f!.fix).toContain("Add at least one IP or virtual network rule");
  });

  it("does not repeat what VNL001 already reports", () => {
    const stg = storageAccount("stg1", "eastus", {
      networkAcls: { defaultAction: "Allow", virtualNetworkRules: [{ id: SUBNET }] },
    });
    expect(findingsOf("VNL012", [net, stg])).toEqual([]);
    expect(findingsOf("VNL001", [net, stg])).toHaveLength(1);
  });

  it("names the exposure's rule", () => {
    const kv = resource("Microsoft.KeyVault/vaults", "kv-open", "eastus", {}, {}, "rg-sec");
    const [f] = findingsOf("VNL012", [net, kv]);
    expect(f!.resourceId).toBe(rid("rg-sec", "Microsoft.KeyVault/vaults", "kv-open"));
    expect(f!.message).toContain("networkAcls.defaultAction=Allow");
  });
});
