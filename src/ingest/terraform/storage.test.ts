// azurerm_storage_account with its network_rules block, and azurerm_storage_account_network_rules.
import { describe, expect, it } from "vitest";
import { rid } from "../../../test/fixtures/arm.js";
import {
  ingest,
  plan,
  ref,
  state,
  top,
  type TfSpec,
  plannedSubnet,
  subnetIdOf,
} from "../../../test/fixtures/terraform/plan.js";
import type { StorageAccountProperties } from "../../model/resources/services.js";

const STG = "Microsoft.Storage/storageAccounts";
const snet = subnetIdOf("snet-a");
const account = (
  values: Record<string, unknown> = {},
  unknown: Record<string, unknown> = { id: true, network_rules: true },
): TfSpec => ({
  address: "azurerm_storage_account.a",
  values: top("stga", { account_tier: "Standard", account_replication_type: "RAGRS", ...values }),
  unknown,
});

describe("azurerm_storage_account", () => {
  it("without network_rules is open to all networks, as the provider creates it", () => {
    const r = ingest(plan([account()]));
    expect(r.find<StorageAccountProperties>(STG)).toMatchObject({
      kind: "StorageV2",
      sku: { name: "Standard_RAGRS" },
      properties: {
        publicNetworkAccess: "Enabled",
        networkAcls: { defaultAction: "Allow", bypass: "AzureServices" },
      },
    });
    expect(r.warnings).toEqual([]);
  });

  it("maps network_rules: default action, bypass list, IP rules and subnets resolved by reference", () => {
    const subnet: TfSpec = plannedSubnet("a", "snet-a");
    const rules = {
      default_action: "Deny",
      bypass: ["Logging", "AzureServices"],
      ip_rules: ["203.0.113.0/24"],
      virtual_network_subnet_ids: [null],
      private_link_access: [],
    };
    const spec = account(
      { account_kind: "BlockBlobStorage", public_network_access_enabled: false, network_rules: [rules] },
      { id: true, network_rules: [{ virtual_network_subnet_ids: [true] }] },
    );
    const expressions = { network_rules: [{ virtual_network_subnet_ids: ref("azurerm_subnet.a.id") }] };
    expect(
      ingest(plan([subnet, { ...spec, expressions }])).find<StorageAccountProperties>(STG),
    ).toMatchObject({
      kind: "BlockBlobStorage",
      properties: {
        publicNetworkAccess: "Disabled",
        networkAcls: {
          defaultAction: "Deny",
          bypass: "Logging, AzureServices",
          ipRules: [{ value: "203.0.113.0/24", action: "Allow" }],
          virtualNetworkRules: [{ id: snet, action: "Allow" }],
          resourceAccessRules: [],
        },
      },
    });
    // Without a reference to follow, the subnet stays unknown and is said to.
    const unresolved = ingest(plan([subnet, spec]));
    expect(
      unresolved.find<StorageAccountProperties>(STG)!.properties!.networkAcls!.virtualNetworkRules,
    ).toEqual([]);
    expect(unresolved.lines).toEqual([
      "azurerm_storage_account.a: network_rules[0].virtual_network_subnet_ids: unknown until apply; 1 element resolved to 0 azurerm_subnet of this plan",
    ]);
  });

  it("warns about an IP rule that is unknown until apply", () => {
    const r = ingest(
      plan([
        { address: "azurerm_public_ip.p", values: top("pip"), unknown: { id: true, ip_address: true } },
        {
          ...account(
            {
              network_rules: [
                {
                  default_action: "Deny",
                  bypass: ["AzureServices"],
                  ip_rules: [null],
                  virtual_network_subnet_ids: [],
                },
              ],
            },
            { id: true, network_rules: [{ ip_rules: [true] }] },
          ),
          expressions: {
            network_rules: [
              { default_action: { constant_value: "Deny" }, ip_rules: ref("azurerm_public_ip.p.ip_address") },
            ],
          },
        },
      ]),
    );
    expect(r.find<StorageAccountProperties>(STG)!.properties!.networkAcls!.ipRules).toEqual([]);
    expect(r.lines).toContain(
      "azurerm_storage_account.a: network_rules[0].ip_rules: unknown until apply (azurerm_public_ip.p.ip_address); traffic from that address is judged without the rule",
    );
  });
});

describe("azurerm_storage_account_network_rules", () => {
  it("replaces the account's rules, found by storage_account_id", () => {
    const id = rid("rg-test", STG, "stga");
    const r = ingest(
      state([
        {
          ...account(
            {
              id,
              network_rules: [
                {
                  default_action: "Allow",
                  bypass: ["AzureServices"],
                  ip_rules: [],
                  virtual_network_subnet_ids: [],
                },
              ],
            },
            {},
          ),
        },
        {
          address: "azurerm_storage_account_network_rules.a",
          values: {
            id,
            storage_account_id: id,
            default_action: "Deny",
            bypass: ["None"],
            ip_rules: ["198.51.100.0/24"],
            virtual_network_subnet_ids: [snet],
          },
        },
      ]),
    );
    expect(r.find<StorageAccountProperties>(STG)!.properties!.networkAcls).toEqual({
      defaultAction: "Deny",
      bypass: "None",
      ipRules: [{ value: "198.51.100.0/24", action: "Allow" }],
      virtualNetworkRules: [{ id: snet, action: "Allow" }],
      resourceAccessRules: [],
    });
  });
});
