// Microsoft.Network/privateEndpoints: a subnet in the PE's region, connections to a resource with group ids valid
// for its type (§6), the PE's private address allocated in the subnet and reported in `customDnsConfigs` the way
// Azure reports it when no DNS zone group is attached, and the network interface Azure creates with it
// (privateEndpointNic.ts), written and deleted together with the endpoint.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import {
  NetworkTypes as N,
  type PrivateEndpointProperties,
  type PrivateLinkServiceConnection,
  type SubnetProperties,
} from "../../../model/resources/network.js";
import { publicHostsOf } from "../../../model/publicEndpoints.js";
import { paasServiceByType } from "../../../model/serviceCatalog.js";
import type { Estate } from "../../../model/estate.js";
import type { ResourceTypeDef, WriteContext } from "../../resourceType.js";
import { checkName, normaliseLocation, propsOf, succeeded } from "../common.js";
import { allocate, claimStatic, subnetPrefix, takenAddresses } from "./ipAllocation.js";
import { companionAddress, companionNic, companionNicId } from "./privateEndpointNic.js";
import { listOf, resolve } from "./references.js";

type Connection = PrivateLinkServiceConnection & {
  id?: string;
  type?: string;
  properties?: Record<string, unknown>;
};

function checkConnection(pe: ArmResource, c: Connection, estate: Estate, manual: boolean): void {
  const p = (c.properties ??= {}) as Record<string, unknown>;
  c.id = `${pe.id}/${manual ? "manualPrivateLinkServiceConnections" : "privateLinkServiceConnections"}/${c.name ?? ""}`;
  c.type = `${N.privateEndpoint}/privateLinkServiceConnections`;
  const targetId = typeof p.privateLinkServiceId === "string" ? p.privateLinkServiceId : "";
  const target = estate.get(targetId);
  const groupIds = listOf<string>(p.groupIds);
  const info = target ? paasServiceByType(target.type) : undefined;
  if (info && groupIds.length > 1) {
    // [OBS] "Private link service connection X has the following group Ids: blob, file. Only one group Id is
    // permitted when connecting to a first-party resource (Y)." (terraform-provider-azurerm#5820).
    throw new VnetlabError(
      "OnlyOneGroupIdPermitted",
      `Private link service connection ${c.id} has the following group Ids: ${groupIds.join(", ")}. Only one group Id is permitted when connecting to a first-party resource (${targetId}).`,
      { target: c.id },
    );
  }
  if (info) {
    const valid = [...new Set(info.hosts.map((h) => h.subresource))];
    const bad =
      groupIds.find((g) => !valid.some((v) => v.toLowerCase() === g.toLowerCase())) ??
      (groupIds.length === 0 ? "" : undefined);
    if (bad !== undefined) {
      // [INF] code and message; the valid group ids are the private-link sub-resources of the service catalog.
      throw new VnetlabError(
        "InvalidPrivateLinkServiceConnectionGroupId",
        `Private link service connection ${c.id} uses group id '${bad}', which ${target!.type} does not offer. Valid group ids: ${valid.join(", ")}.`,
        { target: c.id },
      );
    }
    p.groupIds = groupIds.map((g) => valid.find((v) => v.toLowerCase() === g.toLowerCase())!);
  }
  // The target's owner approves manual connections; vnetlab's estate is one owner, so an automatic connection to
  // a resource it holds is approved at once, and anything else waits [INF].
  const approved = !manual && target !== undefined;
  p.privateLinkServiceConnectionState = approved
    ? { status: "Approved", description: "Auto-Approved", actionsRequired: "None" }
    : {
        status: "Pending",
        description: typeof p.requestMessage === "string" ? p.requestMessage : "",
        actionsRequired: "None",
      };
  p.provisioningState = "Succeeded";
}

/** The PE's address: a static one from `ipConfigurations`, the one it had, or the next free one. */
function assignAddress(
  pe: ArmResource,
  subnet: ArmResource<SubnetProperties>,
  ctx: WriteContext,
): string | undefined {
  const prefix = subnetPrefix(subnet);
  if (!prefix) return undefined;
  const taken = takenAddresses(ctx.before(), subnet.id, pe.id);
  const p = propsOf(pe) as PrivateEndpointProperties;
  const requested = (p.ipConfigurations ?? [])
    .map((c) => c.properties?.privateIPAddress)
    .find((x) => typeof x === "string");
  if (requested) return claimStatic(prefix, requested, taken, pe.id);
  const prior =
    (ctx.existing?.properties as PrivateEndpointProperties | undefined)?.customDnsConfigs?.[0]
      ?.ipAddresses?.[0] ?? companionAddress(pe, p.networkInterfaces?.[0]?.id, ctx.before());
  if (prior) {
    try {
      return claimStatic(prefix, prior, taken, pe.id);
    } catch {
      // the old address is gone (subnet changed): take a new one
    }
  }
  return allocate(prefix, taken, subnet.id);
}

export const privateEndpoints: ResourceTypeDef = {
  type: N.privateEndpoint,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    normaliseLocation(r, ctx);
    const p = propsOf(r);
    p.privateLinkServiceConnections = listOf(p.privateLinkServiceConnections);
    p.manualPrivateLinkServiceConnections = listOf(p.manualPrivateLinkServiceConnections);
    p.ipConfigurations = listOf(p.ipConfigurations);
    // [INF] customNetworkInterfaceName names the interface when it is created; afterwards the name stays.
    const priorName = (ctx.existing?.properties as PrivateEndpointProperties | undefined)
      ?.customNetworkInterfaceName;
    if (ctx.existing) p.customNetworkInterfaceName = priorName;
    if (p.customNetworkInterfaceName === undefined || p.customNetworkInterfaceName === null)
      delete p.customNetworkInterfaceName;
    p.networkInterfaces = [{ id: companionNicId(r, ctx) }];
    assignConnectionsAndAddress(r, ctx);
    return succeeded(r);
  },
  companions: {
    plan: (pe, ctx) => [companionNic(pe, ctx)],
    ids: (pe) => listOf<{ id: string }>(propsOf(pe).networkInterfaces).map((n) => n.id),
  },
};

function assignConnectionsAndAddress(r: ArmResource, ctx: WriteContext): void {
  const estate = ctx.before();
  const p = propsOf(r) as PrivateEndpointProperties & Record<string, unknown>;
  const subnet = resolve<SubnetProperties>(estate, p.subnet, N.subnet, r.id, r.location);
  if (!subnet) {
    // [INF] the subnet is required (REST spec); ARM's code for a malformed body.
    throw new VnetlabError("InvalidRequestFormat", `Private endpoint ${r.id} must reference a subnet.`, {
      target: r.id,
    });
  }
  const auto = listOf<Connection>(p.privateLinkServiceConnections);
  const manual = listOf<Connection>(p.manualPrivateLinkServiceConnections);
  for (const c of auto) checkConnection(r, c, estate, false);
  for (const c of manual) checkConnection(r, c, estate, true);
  const address = assignAddress(r, subnet, ctx);
  const conn = [...auto, ...manual][0];
  const target = conn ? estate.get(String(conn.properties?.privateLinkServiceId ?? "")) : undefined;
  const group = conn?.properties?.groupIds?.[0]?.toLowerCase();
  const hosts = target ? publicHostsOf(target).filter((h) => h.subresource.toLowerCase() === group) : [];
  // With no DNS zone group, Azure lists each FQDN of the connected group with the PE's address [S22c]; a
  // target outside the estate has no known FQDN, so the address is listed alone [INF].
  p.customDnsConfigs =
    address === undefined
      ? []
      : hosts.length
        ? hosts.map((h) => ({ fqdn: h.host, ipAddresses: [address] }))
        : [{ ipAddresses: [address] }];
}
