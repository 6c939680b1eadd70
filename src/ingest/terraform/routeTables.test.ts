import { describe, expect, it } from "vitest";
import { rid } from "../../../test/fixtures/arm.js";
import { ingest, plan, ref, top } from "../../../test/fixtures/terraform/plan.js";
import type { RouteTableProperties } from "../../model/resources/network.js";

const RT = "Microsoft.Network/routeTables";

describe("route tables", () => {
  it("map inline routes and 4.x bgp_route_propagation_enabled", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_route_table.a",
          values: top("rt-a", {
            bgp_route_propagation_enabled: false,
            route: [
              {
                name: "default",
                address_prefix: "0.0.0.0/0",
                next_hop_type: "VirtualAppliance",
                next_hop_in_ip_address: "10.0.0.4",
              },
              {
                name: "storage",
                address_prefix: "Storage",
                next_hop_type: "Internet",
                next_hop_in_ip_address: "",
              },
            ],
          }),
          unknown: { id: true, subnets: true },
        },
      ]),
    );
    expect(r.find<RouteTableProperties>(RT)!.properties).toEqual({
      routes: [
        {
          name: "default",
          properties: {
            addressPrefix: "0.0.0.0/0",
            nextHopType: "VirtualAppliance",
            nextHopIpAddress: "10.0.0.4",
          },
        },
        { name: "storage", properties: { addressPrefix: "Storage", nextHopType: "Internet" } },
      ],
      disableBgpRoutePropagation: true,
    });
  });

  it("read 3.x disable_bgp_route_propagation", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_route_table.a",
          values: top("rt-a", { disable_bgp_route_propagation: true }),
          unknown: { id: true },
        },
      ]),
    );
    expect(r.find<RouteTableProperties>(RT)!.properties!.disableBgpRoutePropagation).toBe(true);
  });

  it("map a separate route, and leave out one whose appliance address is unknown until apply", () => {
    const r = ingest(
      plan([
        { address: "azurerm_firewall.fw", values: top("fw"), unknown: { id: true, ip_configuration: true } },
        {
          address: "azurerm_route.known",
          values: {
            name: "to-onprem",
            resource_group_name: "rg-test",
            route_table_name: "rt-a",
            address_prefix: "192.168.0.0/16",
            next_hop_type: "VirtualNetworkGateway",
          },
          unknown: { id: true },
        },
        {
          address: "azurerm_route.via_fw",
          values: {
            name: "via-fw",
            resource_group_name: "rg-test",
            route_table_name: "rt-a",
            address_prefix: "0.0.0.0/0",
            next_hop_type: "VirtualAppliance",
          },
          unknown: { id: true, next_hop_in_ip_address: true },
          expressions: {
            next_hop_in_ip_address: ref("azurerm_firewall.fw.ip_configuration[0].private_ip_address"),
          },
        },
      ]),
    );
    expect(r.find(`${RT}/routes`)).toEqual({
      id: `${rid("rg-test", RT, "rt-a")}/routes/to-onprem`,
      name: "to-onprem",
      type: `${RT}/routes`,
      properties: { addressPrefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" },
    });
    expect(r.resources.filter((x) => x.type === `${RT}/routes`)).toHaveLength(1);
    expect(r.lines).toContain(
      "azurerm_route.via_fw: next_hop_in_ip_address: unknown until apply (azurerm_firewall.fw.ip_configuration[0].private_ip_address); the route's effect cannot be known, so the route is left out",
    );
    expect(r.lines.at(-1)).toBe("not modelled, left out: azurerm_firewall");
  });
});
