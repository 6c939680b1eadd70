import { describe, expect, it } from "vitest";
import { nsg, resource, storageAccount } from "../../../test/fixtures/arm.js";
import { findingsOf } from "../../../test/fixtures/lint.js";

/** `n` distinct public addresses. */
const addresses = (n: number): string[] => Array.from({ length: n }, (_, i) => `198.18.${i >> 8}.${i & 255}`);

const storageWithIpRules = (name: string, n: number) =>
  storageAccount(name, "eastus", {
    networkAcls: {
      defaultAction: "Deny",
      ipRules: addresses(n).map((value) => ({ value, action: "Allow" })),
    },
  });

describe("VNL010 rule counts near Azure's limits (semantics §9)", () => {
  it("warns from 90 % of a storage account's 400 IP rules and errs past the limit", () => {
    const near = storageWithIpRules("stgnear", 360);
    const over = storageWithIpRules("stgover", 401);
    const found = findingsOf("VNL010", [near, over]);
    expect(found.map((f) => [f.resourceId, f.severity])).toEqual([
      [over.id, "error"],
      [near.id, "warning"],
    ]);
    expect(found[1]!.message).toBe("storage account stgnear has 360 IP rules: 90 % of Azure's limit of 400.");
    expect(found[0]!.message).toContain("over Azure's limit of 400");
  });

  it("is silent below 90 %", () => {
    expect(findingsOf("VNL010", [storageWithIpRules("stg1", 359)])).toEqual([]);
  });

  it("knows Key Vault's 200 virtual network rules and the Service Bus combined 128", () => {
    const subnets = Array.from(
      { length: 180 },
      (_, i) =>
        `/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v${i}/subnets/s`,
    );
    const kv = resource("Microsoft.KeyVault/vaults", "kv1", "eastus", {
      networkAcls: { defaultAction: "Deny", virtualNetworkRules: subnets.map((id) => ({ id })) },
    });
    const sb = resource(
      "Microsoft.ServiceBus/namespaces",
      "sb1",
      "eastus",
      {
        networkRuleSets: [
          {
            name: "default",
            properties: {
              defaultAction: "Deny",
              virtualNetworkRules: subnets.slice(0, 60).map((id) => ({ subnet: { id } })),
              ipRules: addresses(60).map((ipMask) => ({ ipMask, action: "Allow" })),
            },
          },
        ],
      },
      { sku: { name: "Premium", tier: "Premium" } },
    );
    const found = findingsOf("VNL010", [kv, sb]);
    expect(found.map((f) => f.message)).toEqual([
      "key vault kv1 has 180 virtual network rules: 90 % of Azure's limit of 200.",
      "Service Bus namespace sb1 has 120 virtual network and IP rules: 94 % of Azure's limit of 128.",
    ]);
  });

  it("counts NSG rules against the 1,000 per NSG", () => {
    const rules = Array.from({ length: 950 }, (_, i) => ({
      name: `r${i}`,
      priority: 100 + i,
      access: "Allow",
      destination: "Storage",
    }));
    const [f] = findingsOf("VNL010", [nsg("nsg-big", "eastus", rules)]);
    expect(f!.message).toBe("NSG nsg-big has 950 security rules: 95 % of Azure's limit of 1000.");
  });
});
