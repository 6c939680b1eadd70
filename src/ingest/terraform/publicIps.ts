// azurerm_public_ip, azurerm_public_ip_prefix, azurerm_nat_gateway and its public IP (and prefix) associations.
import {
  type NatGatewayProperties,
  NetworkTypes as N,
  type PublicIPAddressProperties,
} from "../../model/resources/network.js";
import { nonEmpty, referenceAssociation, subResources, Tf } from "./common.js";
import type { Mappings } from "./context.js";

const NAT_GATEWAY_ID = ["nat_gateway_id", Tf.natGateway] as const;

export const publicIpMappings: Mappings = {
  azurerm_public_ip: {
    id: (r) => r.armId(N.publicIPAddress, "name"),
    map(r) {
      const ipAddress = r.known(
        "ip_address",
        `Azure allocates it; traces use a stand-in address in AzureCloud.${r.location() ?? "<region>"}`,
      );
      const sku = r.str("sku");
      r.ingest.emit(
        r.arm<PublicIPAddressProperties>(
          N.publicIPAddress,
          {
            ipAddress,
            publicIPAllocationMethod: r.str("allocation_method") === "Dynamic" ? "Dynamic" : "Static",
            // ip_version defaults to IPv4 (public_ip_resource.go).
            publicIPAddressVersion: r.str("ip_version") === "IPv6" ? "IPv6" : "IPv4",
          },
          sku ? { sku: { name: sku } } : {},
        ),
      );
    },
  },

  azurerm_public_ip_prefix: {
    id: (r) => r.armId("Microsoft.Network/publicIPPrefixes", "name"),
    map(r) {
      r.ingest.emit(
        r.arm(
          "Microsoft.Network/publicIPPrefixes",
          { prefixLength: r.num("prefix_length"), ipPrefix: r.str("ip_prefix") },
          { sku: { name: r.str("sku") ?? "Standard" } },
        ),
      );
    },
  },

  azurerm_nat_gateway: {
    id: (r) => r.armId(N.natGateway, "name"),
    map(r) {
      r.ingest.emit(
        r.arm<NatGatewayProperties>(
          N.natGateway,
          {
            // 2.x carried the addresses inline; later versions use the association resources.
            publicIpAddresses: nonEmpty(subResources(r.refs("public_ip_address_ids", Tf.publicIp))),
            publicIpPrefixes: nonEmpty(subResources(r.refs("public_ip_prefix_ids", Tf.publicIpPrefix))),
          },
          // sku_name defaults to Standard (nat_gateway_resource.go).
          { sku: { name: r.str("sku_name") ?? "Standard" } },
        ),
      );
    },
  },

  azurerm_nat_gateway_public_ip_association: referenceAssociation(
    NAT_GATEWAY_ID,
    ["public_ip_address_id", Tf.publicIp],
    "publicIpAddresses",
    "public IP association",
    true,
  ),
  azurerm_nat_gateway_public_ip_prefix_association: referenceAssociation(
    NAT_GATEWAY_ID,
    ["public_ip_prefix_id", Tf.publicIpPrefix],
    "publicIpPrefixes",
    "public IP prefix association",
    true,
  ),
};
