// What a subnet points at — its NSG, route table, NAT gateway and service endpoint policies — checked the way NRP
// checks them on a VNet or subnet write: each must exist in the VNet's region, and a policy needs the storage
// service endpoint on the subnet (§5 S6).
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { Estate } from "../../../model/estate.js";
import {
  NetworkTypes as N,
  type ServiceEndpointPolicyProperties,
  type SubnetProperties,
} from "../../../model/resources/network.js";
import { listOf, resolve } from "./references.js";

/** §5 S8 [S2]. */
export const MAX_POLICIES_PER_SUBNET = 100;

/** Microsoft.Storage or Microsoft.Storage.Global among a subnet's service endpoints. */
export function subnetHasStorageEndpoint(subnet: ArmResource): boolean {
  const services = (subnet.properties as SubnetProperties | undefined)?.serviceEndpoints ?? [];
  return services.some((s) => /^microsoft\.storage(\.global)?$/i.test(s.service ?? ""));
}

export function storageEndpointMissing(subnetId: string, policyId: string): VnetlabError {
  // [INF] Neither the code nor the message is public (semantics.md §12); the rule itself is §5 S6 [S2]. A policy
  // with no definitions attaches without the endpoint: terraform-provider-azurerm's acceptance test
  // TestAccSubnet_serviceEndpointPolicy attaches an empty policy to a Microsoft.Sql-only subnet.
  return new VnetlabError(
    "SubnetMissingStorageServiceEndpointForServiceEndpointPolicy",
    `Subnet ${subnetId} cannot use service endpoint policy ${policyId} because the subnet has no service endpoint for Microsoft.Storage or Microsoft.Storage.Global. Add the storage service endpoint to the subnet before attaching the policy.`,
    { target: subnetId },
  );
}

/** Checks a subnet's references against the estate before the write; `region` is its VNet's. */
export function checkSubnetReferences(
  subnet: ArmResource<SubnetProperties>,
  region: string,
  estate: Estate,
): void {
  const p = subnet.properties ?? {};
  resolve(estate, p.networkSecurityGroup, N.networkSecurityGroup, subnet.id, region);
  resolve(estate, p.routeTable, N.routeTable, subnet.id, region);
  resolve(estate, p.natGateway, N.natGateway, subnet.id, region);
  const policies = listOf<{ id: string }>(p.serviceEndpointPolicies);
  if (policies.length > MAX_POLICIES_PER_SUBNET) {
    // [INF] code; limit §5 S8 [S2].
    throw new VnetlabError(
      "ServiceEndpointPoliciesPerSubnetLimitReached",
      `Subnet ${subnet.id} has ${policies.length} service endpoint policies. A subnet can have at most ${MAX_POLICIES_PER_SUBNET}.`,
      { target: subnet.id },
    );
  }
  for (const ref of policies) {
    // §5 S6 [S2]: the policy must be in the VNet's region; NRP reports that as a reference it cannot find [INF].
    const policy = resolve<ServiceEndpointPolicyProperties>(
      estate,
      ref,
      N.serviceEndpointPolicy,
      subnet.id,
      region,
    );
    if (
      policy &&
      (policy.properties?.serviceEndpointPolicyDefinitions?.length ?? 0) > 0 &&
      !subnetHasStorageEndpoint(subnet)
    ) {
      throw storageEndpointMissing(subnet.id, policy.id);
    }
  }
}
