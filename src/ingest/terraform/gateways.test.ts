import { describe, expect, it } from "vitest";
import { rid } from "../../../test/fixtures/arm.js";
import { ingest, plan, ref, top, subnetIdOf } from "../../../test/fixtures/terraform/plan.js";

const VNG = "Microsoft.Network/virtualNetworkGateways";
const LNG = "Microsoft.Network/localNetworkGateways";
const subnet = subnetIdOf("GatewaySubnet");

describe("VPN gateways", () => {
  it("map a gateway, a local network gateway and the connection between them", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_public_ip.gw",
          values: top("pip-gw", { allocation_method: "Static", sku: "Standard" }),
          unknown: { id: true, ip_address: true },
        },
        {
          address: "azurerm_virtual_network_gateway.gw",
          values: top("vng-a", {
            type: "Vpn",
            vpn_type: "RouteBased",
            sku: "VpnGw1",
            bgp_enabled: true,
            bgp_settings: [{ asn: 65515 }],
            ip_configuration: [{ name: "cfg", subnet_id: subnet }],
          }),
          unknown: { id: true, ip_configuration: [{ public_ip_address_id: true }] },
          expressions: { ip_configuration: [{ public_ip_address_id: ref("azurerm_public_ip.gw.id") }] },
        },
        {
          address: "azurerm_local_network_gateway.onprem",
          values: top("lng-onprem", {
            gateway_address: "198.51.100.1",
            address_space: ["192.168.0.0/16"],
            bgp_settings: [],
          }),
          unknown: { id: true },
        },
        {
          address: "azurerm_virtual_network_gateway_connection.s2s",
          values: top("cn-onprem", { type: "IPsec", enable_bgp: false }),
          unknown: { id: true, virtual_network_gateway_id: true, local_network_gateway_id: true },
          expressions: {
            virtual_network_gateway_id: ref("azurerm_virtual_network_gateway.gw.id"),
            local_network_gateway_id: ref("azurerm_local_network_gateway.onprem.id"),
          },
        },
      ]),
    );
    expect(r.find(VNG)!.properties).toEqual({
      gatewayType: "Vpn",
      vpnType: "RouteBased",
      enableBgp: true,
      sku: { name: "VpnGw1", tier: "VpnGw1" },
      bgpSettings: { asn: 65515 },
      ipConfigurations: [
        {
          name: "cfg",
          properties: {
            subnet: { id: subnet },
            publicIPAddress: { id: rid("rg-test", "Microsoft.Network/publicIPAddresses", "pip-gw") },
          },
        },
      ],
    });
    expect(r.find(LNG)!.properties).toEqual({
      localNetworkAddressSpace: { addressPrefixes: ["192.168.0.0/16"] },
      gatewayIpAddress: "198.51.100.1",
    });
    expect(r.find("Microsoft.Network/connections")!.properties).toEqual({
      connectionType: "IPsec",
      virtualNetworkGateway1: { id: rid("rg-test", VNG, "vng-a") },
      localNetworkGateway2: { id: rid("rg-test", LNG, "lng-onprem") },
      enableBgp: false,
    });
  });
});
