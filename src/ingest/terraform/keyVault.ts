// azurerm_key_vault with its `network_acls` block.
import type { KeyVaultProperties } from "../../model/resources/services.js";
import { ServiceTypes as S } from "../../model/resources/services.js";
import { access, Tf } from "./common.js";
import type { Mappings } from "./context.js";

export const keyVaultMappings: Mappings = {
  azurerm_key_vault: {
    id: (r) => r.armId(S.keyVault, "name"),
    map(r) {
      const acls = r.block("network_acls");
      const properties: KeyVaultProperties & { sku?: { family: string; name: string } } = {
        tenantId: r.str("tenant_id"),
        // public_network_access_enabled defaults to true (key_vault_resource.go).
        publicNetworkAccess: access(r.bool("public_network_access_enabled", true)),
        ...(r.str("sku_name") ? { sku: { family: "A", name: r.str("sku_name")! } } : {}),
        // Without network_acls Azure leaves the vault open to all networks (no networkAcls).
        networkAcls: acls && {
          bypass: acls.str("bypass") === "None" ? "None" : "AzureServices",
          defaultAction: acls.known("default_action", "it is taken as Allow") === "Deny" ? "Deny" : "Allow",
          ipRules: acls
            .knownStrings("ip_rules", "traffic from that address is judged without the rule")
            .map((value) => ({ value })),
          virtualNetworkRules: acls.refs("virtual_network_subnet_ids", Tf.subnet).map((id) => ({ id })),
        },
      };
      r.ingest.emit(r.arm(S.keyVault, properties));
    },
  },
};
