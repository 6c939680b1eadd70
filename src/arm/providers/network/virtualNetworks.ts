// Microsoft.Network/virtualNetworks: address space, inline subnets and peerings.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { SubnetProperties, VirtualNetworkProperties } from "../../../model/resources/network.js";
import { containsPrefix, overlaps, parsePrefixDetailed, type Prefix } from "../../../net/index.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { checkName, keepGuid, normaliseLocation, propsOf, succeeded } from "../common.js";
import { dnsLinksTo } from "./backReferences.js";
import { refuseInUse } from "./references.js";
import { droppedSubnetsInUse, subnets } from "./subnets.js";
import { presentPeerings } from "./virtualNetworkPeerings.js";

/** A prefix as ARM checks it: CIDR syntax first, then no host bits. */
export function armPrefix(text: unknown, resourceId: string): Prefix {
  const parsed = typeof text === "string" ? parsePrefixDetailed(text) : undefined;
  if (!parsed) {
    throw new VnetlabError(
      "InvalidAddressPrefixFormat",
      `Address prefix ${String(text)} of resource ${resourceId} is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24.`,
      { target: resourceId },
    );
  }
  if (parsed.hadHostBits) {
    throw new VnetlabError(
      "InvalidCIDRNotation",
      `The address prefix ${String(text)} in resource ${resourceId} has an invalid CIDR notation. For the given prefix length, the address prefix should be ${formatNetwork(parsed.prefix)}.`,
      { target: resourceId },
    );
  }
  return parsed.prefix;
}

function formatNetwork(p: Prefix): string {
  if (p.family === 4) {
    const v = p.network;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}/${p.length}`;
  }
  return `${p.network.toString(16)}/${p.length}`;
}

export const virtualNetworks: ResourceTypeDef = {
  type: "Microsoft.Network/virtualNetworks",
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r, 64);
    normaliseLocation(r, ctx);
    const p = propsOf(r) as VirtualNetworkProperties & Record<string, unknown>;
    p.addressSpace ??= { addressPrefixes: [] };
    p.subnets ??= [];
    // A PUT that leaves peerings out keeps them: peerings are managed as their own child resources, and
    // deployment tools (Terraform, Bicep) write a VNet without them [INF].
    p.virtualNetworkPeerings ??= [
      ...((ctx.existing?.properties as VirtualNetworkProperties | undefined)?.virtualNetworkPeerings ?? []),
    ];
    p.enableDdosProtection ??= false;
    keepGuid(r, ctx);
    return succeeded(r);
  },
  validate(r, ctx) {
    const p = propsOf(r) as VirtualNetworkProperties;
    const space = (p.addressSpace?.addressPrefixes ?? []).map((x) => armPrefix(x, r.id));
    for (let i = 0; i < space.length; i++) {
      for (let j = i + 1; j < space.length; j++) {
        if (overlaps(space[i]!, space[j]!)) {
          throw new VnetlabError(
            "VnetAddressSpacesOverlap",
            `Specified address space ${p.addressSpace!.addressPrefixes![j]} overlaps with ${p.addressSpace!.addressPrefixes![i]} of virtual network ${r.name}.`,
            { target: r.id },
          );
        }
      }
    }
    const seen: { name: string; prefix: Prefix }[] = [];
    for (const s of (p.subnets ?? []) as ArmResource<SubnetProperties>[]) {
      const texts =
        s.properties?.addressPrefixes ??
        (s.properties?.addressPrefix !== undefined ? [s.properties.addressPrefix] : []);
      for (const t of texts) {
        const prefix = armPrefix(t, s.id);
        if (!space.some((a) => containsPrefix(a, prefix))) {
          throw new VnetlabError(
            "NetcfgSubnetRangeOutsideVnet",
            `Subnet '${s.name}' is not valid because its IP address range is outside the IP address range of virtual network '${r.name}'.`,
            { target: s.id },
          );
        }
        const clash = seen.find((x) => overlaps(x.prefix, prefix));
        if (clash) {
          throw new VnetlabError(
            "NetcfgSubnetRangesOverlap",
            `Subnet '${s.name}' is not valid because its IP address range overlaps with that of an existing subnet '${clash.name}' in virtual network '${r.name}'.`,
            { target: s.id },
          );
        }
        seen.push({ name: s.name, prefix });
      }
    }
    const dropped = droppedSubnetsInUse(ctx.existing, r, ctx.before());
    if (dropped.length > 0) {
      throw new VnetlabError(
        "InUseSubnetCannotBeDeleted",
        `Subnet ${dropped[0]!.id.split("/").pop()} is in use by other resources and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`,
        { target: dropped[0]!.id },
      );
    }
  },
  checkDelete(r, estate) {
    const inUse = droppedSubnetsInUse(r, { ...r, properties: { ...propsOf(r), subnets: [] } }, estate);
    if (inUse.length > 0) {
      // Azure refuses to delete a VNet whose subnets hold NICs or private endpoints with the subnet's own error.
      throw new VnetlabError(
        "InUseSubnetCannotBeDeleted",
        `Subnet ${inUse[0]!.id.split("/").pop()} is in use by other resources and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`,
        { target: inUse[0]!.id },
      );
    }
    // [INF] code and message: private DNS zone links name the VNet; vnetlab refuses rather than leave them dangling.
    refuseInUse(
      "InUseVirtualNetworkCannotBeDeleted",
      dnsLinksTo(estate, r.id),
      (ids) =>
        `Virtual network ${r.id} cannot be deleted because it is in use by the following private DNS zone links: ${ids}.`,
      r.id,
    );
  },
  present(r, estate) {
    const p = propsOf(r) as VirtualNetworkProperties;
    p.subnets = (p.subnets ?? []).map((s) => subnets.present!(s, estate) as ArmResource<SubnetProperties>);
    presentPeerings(r, estate);
    return r;
  },
};
