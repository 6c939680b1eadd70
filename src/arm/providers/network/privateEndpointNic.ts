// The network interface Azure creates with every private endpoint (semantics §6): named `{endpoint}.nic.{guid}`,
// or `customNetworkInterfaceName`, in the endpoint's resource group; one IP configuration
// `privateEndpointIpConfig.{guid}` in the endpoint's subnet holding its address; `privateEndpoint` pointing back.
// The endpoint lists it in `networkInterfaces`; it lives and dies with the endpoint and users cannot change it
// ("a read-only network interface is also created for the lifecycle of the resource", private-endpoint-overview).
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { Estate } from "../../../model/estate.js";
import { sameId } from "../../../model/resourceId.js";
import {
  NetworkTypes as N,
  type NetworkInterfaceProperties,
  type PrivateEndpointProperties,
} from "../../../model/resources/network.js";
import { resourceGroupIdOf } from "../../resourceParts.js";
import type { WriteContext } from "../../resourceType.js";
import { checkName } from "../common.js";

const IP_CONFIGURATION_TYPE = "Microsoft.Network/networkInterfaces/ipConfigurations";

/** The private endpoint a network interface belongs to, if it is one's and the endpoint exists. */
export function owningPrivateEndpoint(
  estate: Estate,
  nic: ArmResource<NetworkInterfaceProperties>,
): ArmResource<PrivateEndpointProperties> | undefined {
  const peId = nic.properties?.privateEndpoint?.id;
  const pe = peId ? estate.get<PrivateEndpointProperties>(peId) : undefined;
  return pe && (pe.properties?.networkInterfaces ?? []).some((n) => sameId(n.id, nic.id)) ? pe : undefined;
}

function isInterfaceOf(estate: Estate, nicId: string, peId: string): boolean {
  return sameId(estate.get<NetworkInterfaceProperties>(nicId)?.properties?.privateEndpoint?.id, peId);
}

/**
 * The id of an endpoint's interface: the one it has; on import, the one it came with (an export lists both);
 * else `customNetworkInterfaceName` or `{endpoint}.nic.{guid}` in the endpoint's resource group.
 */
export function companionNicId(pe: ArmResource, ctx: WriteContext): string {
  const prior = (ctx.existing?.properties as PrivateEndpointProperties | undefined)?.networkInterfaces?.[0]
    ?.id;
  if (prior) return prior;
  const estate = ctx.before();
  const p = (pe.properties ?? {}) as PrivateEndpointProperties;
  const given = p.networkInterfaces?.[0]?.id;
  if (given && isInterfaceOf(estate, given, pe.id)) return given;
  const base = `${resourceGroupIdOf(pe.id) ?? ""}/providers/${N.networkInterface}`;
  const custom = p.customNetworkInterfaceName;
  if (typeof custom !== "string" || custom === "") return `${base}/${pe.name}.nic.${ctx.newGuid()}`;
  const id = `${base}/${custom}`;
  checkName({ id, name: custom, type: N.networkInterface });
  if (estate.get(id) && !isInterfaceOf(estate, id, pe.id)) {
    // [OBS] message (bicep-types-az#2649); the code is [INF], ARM's code for a bad request body.
    throw new VnetlabError(
      "InvalidRequestFormat",
      `Private endpoint ${pe.id} contains custom NIC name ${custom} which already exists.`,
      { target: `${pe.id}/properties/customNetworkInterfaceName` },
    );
  }
  return id;
}

/** The endpoint's interface as this write leaves it; names, GUID and tags it already had are kept. */
export function companionNic(pe: ArmResource, ctx: WriteContext): ArmResource {
  const p = (pe.properties ?? {}) as PrivateEndpointProperties;
  const id = p.networkInterfaces![0]!.id;
  const prior = ctx.before().get<NetworkInterfaceProperties & { resourceGuid?: string }>(id);
  const priorConfig = isInterfaceOf(ctx.before(), id, pe.id)
    ? prior?.properties?.ipConfigurations?.[0]
    : undefined;
  const configName = priorConfig?.name ?? `privateEndpointIpConfig.${ctx.newGuid()}`;
  const address = p.customDnsConfigs?.[0]?.ipAddresses?.[0];
  const requested = (p.ipConfigurations ?? []).some(
    (c) => typeof c.properties?.privateIPAddress === "string",
  );
  const conn = [
    ...(p.privateLinkServiceConnections ?? []),
    ...(p.manualPrivateLinkServiceConnections ?? []),
  ][0];
  const groupId = conn?.properties?.groupIds?.[0];
  const fqdns = (p.customDnsConfigs ?? []).flatMap((c) => (c.fqdn ? [c.fqdn] : []));
  const tags = prior?.tags ?? pe.tags; // the interface takes the endpoint's tags when it is created [OBS]
  return {
    id,
    name: id.split("/").pop()!,
    type: N.networkInterface,
    location: pe.location,
    ...(tags ? { tags } : {}),
    properties: {
      provisioningState: "Succeeded",
      resourceGuid: priorConfig ? (prior?.properties?.resourceGuid ?? ctx.newGuid()) : ctx.newGuid(),
      ipConfigurations: [
        {
          id: `${id}/ipConfigurations/${configName}`,
          name: configName,
          type: IP_CONFIGURATION_TYPE,
          properties: {
            provisioningState: "Succeeded",
            ...(address !== undefined ? { privateIPAddress: address } : {}),
            // [INF] Static when the endpoint asked for its address (ipConfigurations), else Dynamic.
            privateIPAllocationMethod: requested ? "Static" : "Dynamic",
            subnet: { id: p.subnet!.id },
            primary: true,
            privateIPAddressVersion: "IPv4",
            // [INF] A first-party target's member name is its group id (blob/blob, sqlServer/sqlServer).
            ...(groupId
              ? { privateLinkConnectionProperties: { groupId, requiredMemberName: groupId, fqdns } }
              : {}),
          },
        },
      ],
      dnsSettings: { dnsServers: [], appliedDnsServers: [] },
      enableAcceleratedNetworking: false,
      enableIPForwarding: false,
      disableTcpStateTracking: false,
      nicType: "Standard",
      privateEndpoint: { id: pe.id },
    },
  };
}

/** The address an imported endpoint's interface already holds (an export carries it on the interface). */
export function companionAddress(
  pe: ArmResource,
  nicId: string | undefined,
  estate: Estate,
): string | undefined {
  if (!nicId || !isInterfaceOf(estate, nicId, pe.id)) return undefined;
  return estate.get<NetworkInterfaceProperties>(nicId)?.properties?.ipConfigurations?.[0]?.properties
    ?.privateIPAddress;
}
