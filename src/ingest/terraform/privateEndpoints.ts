// azurerm_private_endpoint (connections, static ip_configuration, the DNS zone group's records),
// azurerm_private_dns_zone, azurerm_private_dns_a_record and azurerm_private_dns_zone_virtual_network_link.
import type { ArmResource } from "../../model/arm.js";
import {
  NetworkTypes as N,
  type PrivateDnsARecordProperties,
  type PrivateDnsVirtualNetworkLinkProperties,
  type PrivateEndpointProperties,
  type PrivateLinkServiceConnection,
} from "../../model/resources/network.js";
import type { TfResource } from "./block.js";
import { nonEmpty, Tf } from "./common.js";
import type { Mappings } from "./context.js";

/** The A records a DNS zone group makes: from a state's private_dns_zone_configs, or from a known address. */
function zoneGroupRecords(
  r: TfResource,
  ips: string[],
  target: string | undefined,
): ArmResource<PrivateDnsARecordProperties>[] {
  const fromState = r.blocks("private_dns_zone_configs").flatMap((z) => {
    const zone = z.str("private_dns_zone_id");
    return zone
      ? z.blocks("record_sets").flatMap((s) => {
          const name = s.str("name");
          const aRecords = s.strings("ip_addresses").map((ipv4Address) => ({ ipv4Address }));
          return name && aRecords.length > 0
            ? [
                {
                  id: `${zone}/A/${name}`,
                  name,
                  type: N.privateDnsARecord,
                  properties: { ttl: s.num("ttl") ?? 10, aRecords },
                },
              ]
            : [];
        })
      : [];
  });
  if (fromState.length > 0 || ips.length === 0 || !target) return fromState;
  // Planned: the group registers the target's name in each zone [INF: the record is the resource's name, as for
  // blob, sql, vault, Service Bus; TTL 10 as Azure writes it].
  const name = target.split("/").at(-1)!;
  return r.blocks("private_dns_zone_group").flatMap((g) =>
    g.refs("private_dns_zone_ids", Tf.privateDnsZone).map((zone) => ({
      id: `${zone}/A/${name}`,
      name,
      type: N.privateDnsARecord,
      properties: { ttl: 10, aRecords: ips.map((ipv4Address) => ({ ipv4Address })) },
    })),
  );
}

export const privateEndpointMappings: Mappings = {
  azurerm_private_endpoint: {
    id: (r) => r.armId(N.privateEndpoint, "name"),
    map(r) {
      const connections: PrivateLinkServiceConnection[] = [];
      const manual: PrivateLinkServiceConnection[] = [];
      for (const c of r.blocks("private_service_connection")) {
        const connection = {
          name: c.str("name"),
          properties: {
            privateLinkServiceId:
              c.str("private_connection_resource_alias") ??
              c.ref("private_connection_resource_id", Tf.privateLinkTarget),
            groupIds: nonEmpty(c.strings("subresource_names")),
          },
        };
        (c.bool("is_manual_connection", false) ? manual : connections).push(connection);
      }
      const ipConfigurations = r.blocks("ip_configuration").flatMap((b) => {
        const privateIPAddress = b.str("private_ip_address");
        return privateIPAddress
          ? [
              {
                name: b.str("name"),
                properties: {
                  privateIPAddress,
                  groupId: b.str("subresource_name"),
                  memberName: b.str("member_name"),
                },
              },
            ]
          : [];
      });
      // Azure allocates the address unless ip_configuration fixes it; a state reports it on the connection.
      const customDnsConfigs = r
        .blocks("custom_dns_configs")
        .map((d) => ({ fqdn: d.str("fqdn"), ipAddresses: d.strings("ip_addresses") }))
        .filter((d) => d.ipAddresses.length > 0);
      const allocated = r.block("private_service_connection")?.str("private_ip_address");
      if (ipConfigurations.length === 0 && customDnsConfigs.length === 0 && allocated)
        customDnsConfigs.push({ fqdn: undefined, ipAddresses: [allocated] });
      const ips = [
        ...ipConfigurations.map((c) => c.properties.privateIPAddress),
        ...customDnsConfigs.flatMap((d) => d.ipAddresses),
      ];
      if (ips.length === 0) {
        r.block("private_service_connection")?.warnUnknown(
          "private_ip_address",
          "Azure allocates it from the subnet; traces cannot reach the endpoint by address or name",
        );
      }
      r.ingest.emit(
        r.arm<PrivateEndpointProperties>(N.privateEndpoint, {
          subnet: r.subResource("subnet_id", Tf.subnet),
          privateLinkServiceConnections: nonEmpty(connections),
          manualPrivateLinkServiceConnections: nonEmpty(manual),
          ipConfigurations: nonEmpty(ipConfigurations),
          customDnsConfigs: nonEmpty(customDnsConfigs),
          customNetworkInterfaceName: r.str("custom_network_interface_name"),
        }),
      );
      const target =
        connections[0]?.properties?.privateLinkServiceId ?? manual[0]?.properties?.privateLinkServiceId;
      for (const record of zoneGroupRecords(r, ips, target)) r.ingest.emit(record);
    },
  },

  azurerm_private_dns_zone: {
    id: (r) => r.armId(N.privateDnsZone, "name"),
    map: (r) => r.ingest.emit(r.arm(N.privateDnsZone, {}, { location: "global" })),
  },

  azurerm_private_dns_a_record: {
    id: (r) => r.armId(N.privateDnsARecord, "zone_name", "name"),
    map(r) {
      const records = r.knownStrings("records", "the name resolves without those addresses");
      r.ingest.emit(
        r.arm<PrivateDnsARecordProperties>(N.privateDnsARecord, {
          ttl: r.num("ttl"),
          aRecords: records.map((ipv4Address) => ({ ipv4Address })),
        }),
      );
    },
  },

  azurerm_private_dns_zone_virtual_network_link: {
    id: (r) => r.armId(N.privateDnsVirtualNetworkLink, "private_dns_zone_name", "name"),
    map(r) {
      r.ingest.emit(
        r.arm<PrivateDnsVirtualNetworkLinkProperties>(
          N.privateDnsVirtualNetworkLink,
          {
            virtualNetwork: r.subResource("virtual_network_id", Tf.vnet),
            // registration_enabled defaults to false (private_dns_zone_virtual_network_link_resource.go).
            registrationEnabled: r.bool("registration_enabled", false),
          },
          { location: "global" },
        ),
      );
    },
  },
};
