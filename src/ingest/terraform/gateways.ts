// azurerm_virtual_network_gateway, azurerm_local_network_gateway and azurerm_virtual_network_gateway_connection.
import {
  type ConnectionProperties,
  type LocalNetworkGatewayProperties,
  NetworkTypes as N,
  type VirtualNetworkGatewayProperties,
} from "../../model/resources/network.js";
import type { TfBlock } from "./block.js";
import { Tf } from "./common.js";
import type { Mappings } from "./context.js";

/** 4.x `bgp_enabled`, 3.x `enable_bgp`; both default to false. */
function bgp(r: TfBlock): boolean {
  return r.optBool("bgp_enabled") ?? r.bool("enable_bgp", false);
}

export const gatewayMappings: Mappings = {
  azurerm_virtual_network_gateway: {
    id: (r) => r.armId(N.virtualNetworkGateway, "name"),
    map(r) {
      const type = r.str("type");
      const sku = r.str("sku");
      const asn = r.block("bgp_settings")?.num("asn");
      r.ingest.emit(
        r.arm<
          VirtualNetworkGatewayProperties & { sku?: object; bgpSettings?: object; activeActive?: boolean }
        >(N.virtualNetworkGateway, {
          gatewayType: type === "ExpressRoute" ? "ExpressRoute" : "Vpn",
          // vpn_type defaults to RouteBased (virtual_network_gateway_resource.go).
          vpnType: r.str("vpn_type") === "PolicyBased" ? "PolicyBased" : "RouteBased",
          enableBgp: bgp(r),
          activeActive: r.optBool("active_active"),
          ...(sku ? { sku: { name: sku, tier: sku } } : {}),
          ...(asn !== undefined ? { bgpSettings: { asn } } : {}),
          ipConfigurations: r.blocks("ip_configuration").map((b) => ({
            name: b.str("name") ?? "vnetGatewayConfig",
            properties: {
              subnet: b.subResource("subnet_id", Tf.subnet),
              publicIPAddress: b.subResource("public_ip_address_id", Tf.publicIp),
            },
          })),
        }),
      );
    },
  },

  azurerm_local_network_gateway: {
    id: (r) => r.armId(N.localNetworkGateway, "name"),
    map(r) {
      const settings = r.block("bgp_settings");
      r.ingest.emit(
        r.arm<LocalNetworkGatewayProperties>(N.localNetworkGateway, {
          localNetworkAddressSpace: {
            addressPrefixes: r.knownStrings("address_space", "routes to those ranges are left out"),
          },
          gatewayIpAddress: r.str("gateway_address"),
          fqdn: r.str("gateway_fqdn"),
          bgpSettings: settings && {
            asn: settings.num("asn"),
            bgpPeeringAddress: settings.str("bgp_peering_address"),
          },
        }),
      );
    },
  },

  azurerm_virtual_network_gateway_connection: {
    id: (r) => r.armId(N.connection, "name"),
    map(r) {
      const type = r.str("type");
      r.ingest.emit(
        r.arm<ConnectionProperties & { virtualNetworkGateway2?: { id: string } }>(N.connection, {
          connectionType: type === "Vnet2Vnet" || type === "ExpressRoute" ? type : "IPsec",
          virtualNetworkGateway1: r.subResource("virtual_network_gateway_id", Tf.vnetGateway),
          localNetworkGateway2: r.subResource("local_network_gateway_id", Tf.localGateway),
          virtualNetworkGateway2: r.subResource("peer_virtual_network_gateway_id", Tf.vnetGateway),
          enableBgp: bgp(r),
        }),
      );
    },
  },
};
