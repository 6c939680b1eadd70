// azurerm_storage_account (with its `network_rules` block) and azurerm_storage_account_network_rules.
import {
  ServiceTypes as S,
  type StorageAccountProperties,
  type StorageNetworkAcls,
} from "../../model/resources/services.js";
import type { TfBlock } from "./block.js";
import { access, setProperty, Tf } from "./common.js";
import type { Mappings } from "./context.js";

/** ARM's networkAcls from a `network_rules` block, or from the separate network rules resource. */
function networkAcls(b: TfBlock | undefined): StorageNetworkAcls {
  // No rules: the provider sends DefaultAction Allow ("Default access is enabled when no network rules are
  // set", storage_account_resource.go expandStorageAccountNetworkRules), and Azure's bypass default is
  // AzureServices (Storage REST NetworkRuleSet.bypass default).
  if (!b) return { defaultAction: "Allow", bypass: "AzureServices" };
  // expandStorageAccountBypass joins the set with ", "; an empty (computed) set leaves Azure's default.
  const bypass = b.strings("bypass");
  return {
    defaultAction: b.known("default_action", "it is taken as Allow") === "Deny" ? "Deny" : "Allow",
    bypass: bypass.length > 0 ? bypass.join(", ") : "AzureServices",
    ipRules: b
      .knownStrings("ip_rules", "traffic from that address is judged without the rule")
      .map((value) => ({ value, action: "Allow" as const })),
    virtualNetworkRules: b
      .refs("virtual_network_subnet_ids", Tf.subnet)
      .map((id) => ({ id, action: "Allow" as const })),
    resourceAccessRules: b.blocks("private_link_access").flatMap((p) => {
      const resourceId = p.str("endpoint_resource_id");
      const tenantId = p.str("endpoint_tenant_id") ?? p.ingest.tenantOfDocument();
      return resourceId && tenantId ? [{ tenantId, resourceId }] : [];
    }),
  };
}

export const storageMappings: Mappings = {
  azurerm_storage_account: {
    id: (r) => r.armId(S.storageAccount, "name"),
    map(r) {
      const tier = r.str("account_tier");
      const replication = r.str("account_replication_type");
      const rules = r.block("network_rules");
      if (!rules && r.isUnknown("network_rules") && r.ingest.refs.configured(r.inst, ["network_rules"]))
        r.warnUnknown("network_rules", "the account is taken as open to all networks");
      r.ingest.emit(
        r.arm<StorageAccountProperties>(
          S.storageAccount,
          {
            // public_network_access_enabled defaults to true (storage_account_resource.go).
            publicNetworkAccess: access(r.bool("public_network_access_enabled", true)),
            networkAcls: networkAcls(rules),
            isHnsEnabled: r.optBool("is_hns_enabled"),
          },
          {
            // account_kind defaults to StorageV2 (registry docs: storage_account).
            kind: r.str("account_kind") ?? "StorageV2",
            ...(tier && replication ? { sku: { name: `${tier}_${replication}` } } : {}),
          },
        ),
      );
    },
  },

  azurerm_storage_account_network_rules: {
    map(r) {
      // 3.x+ storage_account_id; 2.x storage_account_name with resource_group_name.
      const account =
        r.ref("storage_account_id", Tf.storage) ?? r.armId(S.storageAccount, "storage_account_name");
      const acls = networkAcls(r);
      r.ingest.patch(r, account, "network rules", (a) => setProperty(a, "networkAcls", acls));
    },
  },
};
