// The generator's private link: in one VNet in forty, blob private endpoints for a few same-region storage
// accounts, with their A records in a privatelink.blob.core.windows.net zone linked to that VNet only.
import type { ArmResource } from "../../src/model/arm.js";
import type {
  PrivateDnsZoneProperties,
  PrivateEndpointProperties,
} from "../../src/model/resources/network.js";
import { ip4, pad, PE_SUBNET, ridNetwork } from "./addresses.js";
import type { EstatePlan } from "./plan.js";

export function planPrivateEndpoints(plan: EstatePlan): void {
  const r = plan.rng;
  for (const v of plan.vnets) {
    if (v.i % 40 !== 5) continue;
    const sub = v.sub;
    const rg = `rg-dns-${v.name}`;
    const zoneId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;
    const peSubnet = v.subnets[PE_SUBNET]!;
    const chosen = r.sample(plan.storageByRegion.get(v.region) ?? [], r.range(4, 8));
    v.privateBlob = new Set(chosen);
    plan.privateAccounts.push(...chosen);
    const records: NonNullable<PrivateDnsZoneProperties["A"]> = [];
    chosen.forEach((j, k) => {
      const st = plan.storage[j]!;
      const ip = ip4(peSubnet.base + 200 + k);
      const peName = `pe-${st.name}-blob-${pad(v.i, 4)}`;
      const pe: ArmResource<PrivateEndpointProperties> = {
        id: ridNetwork(sub, v.rg, "privateEndpoints", peName),
        name: peName,
        type: "Microsoft.Network/privateEndpoints",
        location: v.region,
        properties: {
          subnet: { id: peSubnet.id },
          privateLinkServiceConnections: [
            {
              name: peName,
              properties: {
                privateLinkServiceId: st.id,
                groupIds: ["blob"],
                privateLinkServiceConnectionState: { status: r.chance(0.9) ? "Approved" : "Pending" },
              },
            },
          ],
          ipConfigurations: [
            {
              name: "ipconfig-blob",
              properties: { groupId: "blob", memberName: "blob", privateIPAddress: ip },
            },
          ],
          customDnsConfigs: [{ fqdn: `${st.name}.blob.core.windows.net`, ipAddresses: [ip] }],
        },
      };
      plan.resources.push(pe);
      records.push({
        id: `${zoneId}/A/${st.name}`,
        name: st.name,
        type: "Microsoft.Network/privateDnsZones/A",
        properties: { ttl: 10, aRecords: [{ ipv4Address: ip }] },
      });
    });
    const zone: ArmResource<PrivateDnsZoneProperties> = {
      id: zoneId,
      name: "privatelink.blob.core.windows.net",
      type: "Microsoft.Network/privateDnsZones",
      location: "global",
      properties: {
        A: records,
        virtualNetworkLinks: [
          {
            id: `${zoneId}/virtualNetworkLinks/link-${v.name}`,
            name: `link-${v.name}`,
            type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
            location: "global",
            properties: { virtualNetwork: { id: v.id }, registrationEnabled: false },
          },
        ],
      },
    };
    plan.resources.push(zone);
  }
}
