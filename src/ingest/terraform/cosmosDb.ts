// azurerm_cosmosdb_account: virtual_network_rule blocks, ip_range_filter, is_virtual_network_filter_enabled.
import { type CosmosDbAccountProperties, ServiceTypes as S } from "../../model/resources/services.js";
import { access, Tf } from "./common.js";
import type { Mappings } from "./context.js";

export const cosmosDbMappings: Mappings = {
  azurerm_cosmosdb_account: {
    id: (r) => r.armId(S.cosmosDbAccount, "name"),
    map(r) {
      // ip_range_filter: a comma-separated string up to 3.x, a set of strings from 4.0.
      const ranges = r
        .knownStrings("ip_range_filter", "traffic from that address is judged without the rule")
        .flatMap((s) => s.split(","))
        .map((s) => s.trim())
        .filter((s) => s !== "");
      const virtualNetworkRules = r.blocks("virtual_network_rule").flatMap((b) => {
        const id = b.ref("id", Tf.subnet);
        // ignore_missing_vnet_service_endpoint defaults to false (cosmosdb_account_resource.go).
        return id
          ? [{ id, ignoreMissingVNetServiceEndpoint: b.bool("ignore_missing_vnet_service_endpoint", false) }]
          : [];
      });
      r.ingest.emit(
        r.arm<CosmosDbAccountProperties & { databaseAccountOfferType?: string }>(
          S.cosmosDbAccount,
          {
            databaseAccountOfferType: r.str("offer_type"),
            // public_network_access_enabled defaults to true, is_virtual_network_filter_enabled to false
            // (cosmosdb_account_resource.go).
            publicNetworkAccess: access(r.bool("public_network_access_enabled", true)),
            isVirtualNetworkFilterEnabled: r.bool("is_virtual_network_filter_enabled", false),
            virtualNetworkRules,
            ipRules: ranges.map((ipAddressOrRange) => ({ ipAddressOrRange })),
          },
          // kind defaults to GlobalDocumentDB (registry docs: cosmosdb_account).
          { kind: r.str("kind") ?? "GlobalDocumentDB" },
        ),
      );
    },
  },
};
