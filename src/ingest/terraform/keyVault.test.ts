import { describe, expect, it } from "vitest";
import { rid } from "../../../test/fixtures/arm.js";
import { ingest, plan, ref, top, plannedSubnet, subnetIdOf } from "../../../test/fixtures/terraform/plan.js";
import type { KeyVaultProperties } from "../../model/resources/services.js";

const KV = "Microsoft.KeyVault/vaults";

describe("azurerm_key_vault", () => {
  it("maps network_acls with subnets resolved by reference", () => {
    const r = ingest(
      plan([
        plannedSubnet("a", "snet-a", "rg-net"),
        {
          address: "azurerm_key_vault.a",
          values: top("kv-a", {
            tenant_id: "22222222-2222-2222-2222-222222222222",
            sku_name: "premium",
            public_network_access_enabled: true,
            network_acls: [
              {
                bypass: "None",
                default_action: "Deny",
                ip_rules: ["203.0.113.7"],
                virtual_network_subnet_ids: [null],
              },
            ],
          }),
          unknown: { id: true, vault_uri: true, network_acls: [{ virtual_network_subnet_ids: [true] }] },
          expressions: { network_acls: [{ virtual_network_subnet_ids: ref("azurerm_subnet.a.id") }] },
        },
      ]),
    );
    expect(r.find<KeyVaultProperties>(KV)).toEqual({
      id: rid("rg-test", KV, "kv-a"),
      name: "kv-a",
      type: KV,
      location: "uksouth",
      properties: {
        tenantId: "22222222-2222-2222-2222-222222222222",
        publicNetworkAccess: "Enabled",
        sku: { family: "A", name: "premium" },
        networkAcls: {
          bypass: "None",
          defaultAction: "Deny",
          ipRules: [{ value: "203.0.113.7" }],
          virtualNetworkRules: [{ id: subnetIdOf("snet-a", "vnet-a", "rg-net") }],
        },
      },
    });
  });

  it("without network_acls leaves the vault open, as Azure does", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_key_vault.a",
          values: top("kv-a", { public_network_access_enabled: false }),
          unknown: { id: true, network_acls: true },
        },
      ]),
    );
    expect(r.find<KeyVaultProperties>(KV)!.properties).toEqual({ publicNetworkAccess: "Disabled" });
  });
});
