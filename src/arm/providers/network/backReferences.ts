// Read-only back-references ARM computes: which NIC IP configurations, gateways and private endpoints use a
// subnet; which subnets use an NSG, a route table, a NAT gateway or a service endpoint policy; who holds a public
// IP, a NIC, an application security group or a gateway.
import type { SubResource } from "../../../model/arm.js";
import type { Estate } from "../../../model/estate.js";
import { sameId } from "../../../model/resourceId.js";
import {
  type ConnectionProperties,
  type NatGatewayProperties,
  NetworkTypes as N,
  type NetworkInterfaceProperties,
  type PrivateDnsVirtualNetworkLinkProperties,
  type PrivateEndpointProperties,
  type SecurityRuleProperties,
  type SubnetProperties,
  type VirtualMachineProperties,
  type VirtualNetworkGatewayProperties,
} from "../../../model/resources/network.js";

const ipConfigId = (ownerId: string, c: { id?: string; name?: string }): string =>
  c.id ?? `${ownerId}/ipConfigurations/${c.name ?? ""}`;

export function subnetBackReferences(
  estate: Estate,
  subnetId: string,
): { ipConfigurations: SubResource[]; privateEndpoints: SubResource[] } {
  const ipConfigurations: SubResource[] = [];
  for (const nic of estate.ofType<NetworkInterfaceProperties>(N.networkInterface)) {
    for (const c of nic.properties?.ipConfigurations ?? []) {
      if (sameId(c.properties?.subnet?.id, subnetId)) ipConfigurations.push({ id: ipConfigId(nic.id, c) });
    }
  }
  // Azure lists a gateway's IP configurations among the GatewaySubnet's ipConfigurations too.
  for (const gw of estate.ofType<VirtualNetworkGatewayProperties>(N.virtualNetworkGateway)) {
    for (const c of gw.properties?.ipConfigurations ?? []) {
      if (sameId(c.properties?.subnet?.id, subnetId)) ipConfigurations.push({ id: ipConfigId(gw.id, c) });
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

/** NICs whose own networkSecurityGroup is `nsgId`. */
export function nicsWithNsg(estate: Estate, nsgId: string): SubResource[] {
  return estate
    .ofType<NetworkInterfaceProperties>(N.networkInterface)
    .filter((n) => sameId(n.properties?.networkSecurityGroup?.id, nsgId))
    .map((n) => ({ id: n.id }));
}

/** What holds a public IP: NIC and gateway IP configurations, NAT gateways. `except` is the writer itself. */
export function publicIpUsers(estate: Estate, pipId: string, except?: string): SubResource[] {
  const users: SubResource[] = [];
  for (const nic of estate.ofType<NetworkInterfaceProperties>(N.networkInterface)) {
    if (sameId(nic.id, except)) continue;
    for (const c of nic.properties?.ipConfigurations ?? []) {
      if (sameId(c.properties?.publicIPAddress?.id, pipId)) users.push({ id: ipConfigId(nic.id, c) });
    }
  }
  for (const gw of estate.ofType<VirtualNetworkGatewayProperties>(N.virtualNetworkGateway)) {
    if (sameId(gw.id, except)) continue;
    for (const c of gw.properties?.ipConfigurations ?? []) {
      if (sameId(c.properties?.publicIPAddress?.id, pipId)) users.push({ id: ipConfigId(gw.id, c) });
    }
  }
  for (const nat of estate.ofType<NatGatewayProperties>(N.natGateway)) {
    if (sameId(nat.id, except)) continue;
    if ((nat.properties?.publicIpAddresses ?? []).some((p) => sameId(p.id, pipId)))
      users.push({ id: nat.id });
  }
  return users;
}

/** The VMs whose network profile lists a NIC. `except` is the VM being written. */
export function vmsWithNic(estate: Estate, nicId: string, except?: string): SubResource[] {
  return estate
    .ofType<VirtualMachineProperties>(N.virtualMachine)
    .filter(
      (vm) =>
        !sameId(vm.id, except) &&
        (vm.properties?.networkProfile?.networkInterfaces ?? []).some((n) => sameId(n.id, nicId)),
    )
    .map((vm) => ({ id: vm.id }));
}

/** NIC IP configurations and security rules that name an application security group. */
export function asgUsers(estate: Estate, asgId: string): SubResource[] {
  const users: SubResource[] = [];
  for (const nic of estate.ofType<NetworkInterfaceProperties>(N.networkInterface)) {
    for (const c of nic.properties?.ipConfigurations ?? []) {
      if ((c.properties?.applicationSecurityGroups ?? []).some((a) => sameId(a.id, asgId)))
        users.push({ id: ipConfigId(nic.id, c) });
    }
  }
  for (const rule of estate.ofType<SecurityRuleProperties>(N.securityRule)) {
    const p = rule.properties;
    const all = [
      ...(p?.sourceApplicationSecurityGroups ?? []),
      ...(p?.destinationApplicationSecurityGroups ?? []),
    ];
    if (all.some((a) => sameId(a.id, asgId))) users.push({ id: rule.id });
  }
  return users;
}

/** Connections that use a virtual network gateway or a local network gateway. */
export function connectionsUsing(estate: Estate, gatewayId: string): SubResource[] {
  return estate
    .ofType<ConnectionProperties & { virtualNetworkGateway2?: SubResource }>(N.connection)
    .filter((c) => {
      const p = c.properties;
      return [p?.virtualNetworkGateway1, p?.virtualNetworkGateway2, p?.localNetworkGateway2].some((r) =>
        sameId(r?.id, gatewayId),
      );
    })
    .map((c) => ({ id: c.id }));
}

/** Private DNS zone links to a VNet. */
export function dnsLinksTo(estate: Estate, vnetId: string): SubResource[] {
  return estate
    .ofType<PrivateDnsVirtualNetworkLinkProperties>(N.privateDnsVirtualNetworkLink)
    .filter((l) => sameId(l.properties?.virtualNetwork?.id, vnetId))
    .map((l) => ({ id: l.id }));
}
