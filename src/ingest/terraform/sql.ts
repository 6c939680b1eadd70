// azurerm_mssql_server / azurerm_sql_server with azurerm_mssql_firewall_rule / azurerm_sql_firewall_rule and
// azurerm_mssql_virtual_network_rule / azurerm_sql_virtual_network_rule (separate ARM child resources).
import {
  ServiceTypes as S,
  type SqlFirewallRuleProperties,
  type SqlServerProperties,
  type SqlVirtualNetworkRuleProperties,
} from "../../model/resources/services.js";
import type { TfResource } from "./block.js";
import { access, Tf } from "./common.js";
import type { Mappings, TypeMapping } from "./context.js";

const server: TypeMapping = {
  id: (r) => r.armId(S.sqlServer, "name"),
  map(r) {
    r.ingest.emit(
      r.arm<SqlServerProperties & { version?: string; minimalTlsVersion?: string }>(S.sqlServer, {
        // public_network_access_enabled defaults to true (mssql_server_resource.go); the 2.x/3.x
        // azurerm_sql_server has no such attribute and is always public.
        publicNetworkAccess: access(r.bool("public_network_access_enabled", true)),
        version: r.str("version"),
        minimalTlsVersion: r.str("minimum_tls_version"),
      }),
    );
  },
};

function firewallRule(r: TfResource): void {
  const consequence = "the rule is left out";
  const startIpAddress = r.known("start_ip_address", consequence);
  const endIpAddress = r.known("end_ip_address", consequence);
  if (!startIpAddress || !endIpAddress) return;
  r.ingest.emit(r.arm<SqlFirewallRuleProperties>(S.sqlFirewallRule, { startIpAddress, endIpAddress }));
}

function virtualNetworkRule(r: TfResource): void {
  const virtualNetworkSubnetId = r.ref("subnet_id", Tf.subnet);
  if (!virtualNetworkSubnetId) return;
  r.ingest.emit(
    r.arm<SqlVirtualNetworkRuleProperties>(S.sqlVirtualNetworkRule, {
      virtualNetworkSubnetId,
      // ignore_missing_vnet_service_endpoint defaults to false (mssql_virtual_network_rule_resource.go).
      ignoreMissingVnetServiceEndpoint: r.bool("ignore_missing_vnet_service_endpoint", false),
    }),
  );
}

export const sqlMappings: Mappings = {
  azurerm_mssql_server: server,
  azurerm_sql_server: server,
  azurerm_mssql_firewall_rule: {
    id: (r) => r.childId("server_id", Tf.sqlServer, "firewallRules"),
    map: firewallRule,
  },
  azurerm_sql_firewall_rule: {
    id: (r) => r.armId(S.sqlFirewallRule, "server_name", "name"),
    map: firewallRule,
  },
  azurerm_mssql_virtual_network_rule: {
    id: (r) => r.childId("server_id", Tf.sqlServer, "virtualNetworkRules"),
    map: virtualNetworkRule,
  },
  azurerm_sql_virtual_network_rule: {
    id: (r) => r.armId(S.sqlVirtualNetworkRule, "server_name", "name"),
    map: virtualNetworkRule,
  },
};
