// Read-only back-references ARM computes: which NIC IP configurations and private endpoints use a subnet,
// which subnets use an NSG, a route table or a service endpoint policy.
import type { SubResource } from "../../../model/arm.js";
import type { Estate } from "../../../model/estate.js";
import { sameId } from "../../../model/resourceId.js";
import {
  NetworkTypes as N,
  type NetworkInterfaceProperties,
  type PrivateEndpointProperties,
  type SubnetProperties,
} from "../../../model/resources/network.js";

export function subnetBackReferences(
  estate: Estate,
  subnetId: string,
): { ipConfigurations: SubResource[]; privateEndpoints: SubResource[] } {
  const ipConfigurations: SubResource[] = [];
  for (const nic of estate.ofType<NetworkInterfaceProperties>(N.networkInterface)) {
    for (const c of nic.properties?.ipConfigurations ?? []) {
      if (sameId(c.properties?.subnet?.id, subnetId))
        ipConfigurations.push({ id: c.id ?? `${nic.id}/ipConfigurations/${c.name}` });
    }
  }
  const privateEndpoints = estate
    .ofType<PrivateEndpointProperties>(N.privateEndpoint)
    .filter((pe) => sameId(pe.properties?.subnet?.id, subnetId))
    .map((pe) => ({ id: pe.id }));
  return { ipConfigurations, privateEndpoints };
}

/** Subnets whose `property` (networkSecurityGroup, routeTable, natGateway) points at `id`. */
export function subnetsReferencing(
  estate: Estate,
  property: "networkSecurityGroup" | "routeTable" | "natGateway",
  id: string,
): SubResource[] {
  return estate
    .ofType<SubnetProperties>(N.subnet)
    .filter((s) => sameId(s.properties?.[property]?.id, id))
    .map((s) => ({ id: s.id }));
}

/** Subnets that attach a service endpoint policy. */
export function subnetsWithPolicy(estate: Estate, policyId: string): SubResource[] {
  return estate
    .ofType<SubnetProperties>(N.subnet)
    .filter((s) => (s.properties?.serviceEndpointPolicies ?? []).some((p) => sameId(p.id, policyId)))
    .map((s) => ({ id: s.id }));
}
