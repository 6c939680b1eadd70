// Microsoft.Network/virtualNetworks/subnets: returned inline in the VNet and addressable on their own.
import type { ArmResource, SubResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import { sameId } from "../../../model/resourceId.js";
import type { ServiceEndpointFormat, SubnetProperties } from "../../../model/resources/network.js";
import { defaultEndpointLocations, endpointService } from "../../../model/serviceCatalog.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { checkName, propsOf, succeeded } from "../common.js";
import { subnetBackReferences } from "./backReferences.js";
import { checkSubnetReferences } from "./subnetReferences.js";

export const subnets: ResourceTypeDef = {
  type: "Microsoft.Network/virtualNetworks/subnets",
  inline: { property: "subnets" },
  location: "none",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    const p = propsOf(r) as SubnetProperties & Record<string, unknown>;
    if (p.addressPrefix === undefined && !p.addressPrefixes?.length) {
      throw new VnetlabError(
        "InvalidRequestFormat",
        `Subnet ${r.name} must have addressPrefix or addressPrefixes.`,
        { target: r.id },
      );
    }
    const vnetRegion = ctx.parent?.location ?? "";
    p.serviceEndpoints = (p.serviceEndpoints ?? []).map((se: ServiceEndpointFormat) => {
      const known = endpointService(se.service ?? "");
      if (!known) {
        // [INF] ARM's code for an unknown endpoint service name, per the REST specs' error conventions.
        throw new VnetlabError(
          "InvalidServiceNameOnServiceEndpoint",
          `Subnet ${r.name} has an invalid service name '${se.service}' on a service endpoint. Valid names are the ones virtualNetworkAvailableEndpointServices lists for ${vnetRegion}.`,
          { target: r.id },
        );
      }
      // [S25a] ARM fills `locations` when the request omits it.
      const locations = se.locations?.length
        ? se.locations
        : defaultEndpointLocations(known.name, vnetRegion, ctx.regions);
      return { service: known.name, locations, provisioningState: "Succeeded" };
    });
    p.privateEndpointNetworkPolicies ??= "Disabled";
    p.privateLinkServiceNetworkPolicies ??= "Enabled";
    for (const key of ["ipConfigurations", "privateEndpoints"]) delete p[key]; // read-only, computed on read
    return succeeded(r);
  },
  validate(r, ctx) {
    const services = (propsOf(r).serviceEndpoints as ServiceEndpointFormat[]).map((s) =>
      s.service.toLowerCase(),
    );
    // [S11][S8] §1.2 R1
    if (services.includes("microsoft.storage") && services.includes("microsoft.storage.global")) {
      throw new VnetlabError(
        "SubnetHasBothRegionalAndGlobalStorageServiceEndpointsTogether",
        `Subnet ${r.id} has ServiceEndpoint entries for both 'Microsoft.Storage' and 'Microsoft.Storage.Global' together. Please use either one of them at a time.`,
        { target: r.id },
      );
    }
    checkSubnetReferences(r as ArmResource<SubnetProperties>, ctx.parent?.location ?? "", ctx.before());
  },
  checkDelete(r, estate) {
    const users = subnetBackReferences(estate, r.id);
    const inUse = [...users.ipConfigurations, ...users.privateEndpoints];
    if (inUse.length > 0) {
      throw new VnetlabError(
        "InUseSubnetCannotBeDeleted",
        `Subnet ${r.name} is in use by ${inUse[0]!.id} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`,
        { target: r.id },
      );
    }
  },
  present(r, estate) {
    const users = subnetBackReferences(estate, r.id);
    const p = propsOf(r);
    if (users.ipConfigurations.length) p.ipConfigurations = users.ipConfigurations;
    if (users.privateEndpoints.length) p.privateEndpoints = users.privateEndpoints;
    return r;
  },
};

/** The subnets of a VNet that a new version drops, each still in use, for ARM's refusal of the VNet PUT. */
export function droppedSubnetsInUse(
  before: ArmResource | undefined,
  after: ArmResource,
  estate: Parameters<typeof subnetBackReferences>[0],
): SubResource[] {
  const kept = ((propsOf(after).subnets ?? []) as ArmResource[]).map((s) => s.id);
  const old = ((before?.properties as { subnets?: ArmResource[] } | undefined)?.subnets ?? []).filter(
    (s) => !kept.some((k) => sameId(k, s.id)),
  );
  return old.filter((s) => {
    const u = subnetBackReferences(estate, s.id);
    return u.ipConfigurations.length + u.privateEndpoints.length > 0;
  });
}
