import { describe, expect, it } from "vitest";
import { rid } from "../../../test/fixtures/arm.js";
import { ingest, plan, ref, state, top, subnetIdOf } from "../../../test/fixtures/terraform/plan.js";
import { compileEstate } from "../../model/compileEstate.js";
import type { SqlServerProperties } from "../../model/resources/services.js";

const SQL = "Microsoft.Sql/servers";
const serverId = rid("rg-test", SQL, "sql-a");
const snet = subnetIdOf("snet-a");

describe("SQL servers and their rules", () => {
  it("map azurerm_mssql_server with its separate rules, the server id resolved by reference", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_mssql_server.a",
          values: top("sql-a", { version: "12.0", public_network_access_enabled: true }),
          unknown: { id: true },
        },
        {
          address: "azurerm_mssql_virtual_network_rule.app",
          values: { name: "allow-app", subnet_id: snet, ignore_missing_vnet_service_endpoint: false },
          unknown: { id: true, server_id: true },
          expressions: { server_id: ref("azurerm_mssql_server.a.id") },
        },
        {
          address: "azurerm_mssql_firewall_rule.office",
          values: { name: "office", start_ip_address: "198.51.100.0", end_ip_address: "198.51.100.255" },
          unknown: { id: true, server_id: true },
          expressions: { server_id: ref("azurerm_mssql_server.a.id") },
        },
      ]),
    );
    expect(r.find<SqlServerProperties>(SQL)).toEqual({
      id: serverId,
      name: "sql-a",
      type: SQL,
      location: "uksouth",
      properties: { publicNetworkAccess: "Enabled", version: "12.0" },
    });
    expect(r.find(`${SQL}/virtualNetworkRules`)).toEqual({
      id: `${serverId}/virtualNetworkRules/allow-app`,
      name: "allow-app",
      type: `${SQL}/virtualNetworkRules`,
      properties: { virtualNetworkSubnetId: snet, ignoreMissingVnetServiceEndpoint: false },
    });
    expect(r.find(`${SQL}/firewallRules`)).toMatchObject({
      id: `${serverId}/firewallRules/office`,
      properties: { startIpAddress: "198.51.100.0", endIpAddress: "198.51.100.255" },
    });
    const estate = compileEstate(r.resources);
    expect(estate.get<SqlServerProperties>(serverId)!.properties!.virtualNetworkRules).toHaveLength(1);
  });

  it("map the older azurerm_sql_server and its rules by server_name", () => {
    const r = ingest(
      state([
        { address: "azurerm_sql_server.a", values: top("sql-a", { id: serverId, version: "12.0" }) },
        {
          address: "azurerm_sql_virtual_network_rule.app",
          values: {
            name: "allow-app",
            resource_group_name: "rg-test",
            server_name: "sql-a",
            subnet_id: snet,
            ignore_missing_vnet_service_endpoint: true,
          },
        },
      ]),
    );
    expect(r.find(SQL)!.properties).toMatchObject({ publicNetworkAccess: "Enabled" });
    expect(r.find(`${SQL}/virtualNetworkRules`)).toMatchObject({
      id: `${serverId}/virtualNetworkRules/allow-app`,
      properties: { ignoreMissingVnetServiceEndpoint: true },
    });
  });

  it("leave out a firewall rule whose address is unknown until apply", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_mssql_server.a",
          values: top("sql-a", { public_network_access_enabled: false }),
          unknown: { id: true },
        },
        { address: "azurerm_public_ip.p", values: top("pip"), unknown: { id: true, ip_address: true } },
        {
          address: "azurerm_mssql_firewall_rule.pip",
          values: { name: "pip" },
          unknown: { id: true, server_id: true, start_ip_address: true, end_ip_address: true },
          expressions: {
            server_id: ref("azurerm_mssql_server.a.id"),
            start_ip_address: ref("azurerm_public_ip.p.ip_address"),
            end_ip_address: ref("azurerm_public_ip.p.ip_address"),
          },
        },
      ]),
    );
    expect(r.find(SQL)!.properties).toMatchObject({ publicNetworkAccess: "Disabled" });
    expect(r.find(`${SQL}/firewallRules`)).toBeUndefined();
    expect(r.lines).toContain(
      "azurerm_mssql_firewall_rule.pip: start_ip_address: unknown until apply (azurerm_public_ip.p.ip_address); the rule is left out",
    );
  });
});
