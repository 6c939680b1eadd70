// Private IP addresses inside a subnet, allocated as Azure does: the first four addresses and the last one of
// every subnet are reserved (network, default gateway, two for Azure DNS, broadcast), so dynamic allocation
// hands out the next free address from .4 upwards [S24: "Azure reserves 5 IP addresses within each subnet"].
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { Estate } from "../../../model/estate.js";
import { sameId } from "../../../model/resourceId.js";
import {
  type NetworkInterfaceProperties,
  NetworkTypes as N,
  type PrivateEndpointProperties,
  type SubnetProperties,
  type VirtualNetworkGatewayProperties,
} from "../../../model/resources/network.js";
import {
  formatIp,
  formatPrefix,
  type Prefix,
  parseIpv4,
  parsePrefix,
  prefixSize,
} from "../../../net/index.js";

/** The IPv4 range addresses are allocated from: the subnet's first IPv4 prefix. */
export function subnetPrefix(subnet: ArmResource<SubnetProperties>): (Prefix & { family: 4 }) | undefined {
  const p = subnet.properties ?? {};
  const texts = p.addressPrefixes?.length
    ? p.addressPrefixes
    : p.addressPrefix !== undefined
      ? [p.addressPrefix]
      : [];
  for (const t of texts) {
    const prefix = parsePrefix(t);
    if (prefix?.family === 4) return prefix as Prefix & { family: 4 };
  }
  return undefined;
}

/**
 * Every IPv4 address in use in a subnet, except those held by `owner` (the resource being rewritten). A private
 * endpoint and its network interface hold one address between them: either one, rewritten, frees it.
 */
export function takenAddresses(estate: Estate, subnetId: string, owner: string): Set<number> {
  const taken = new Set<number>();
  const add = (text: string | undefined): void => {
    const v = text === undefined ? undefined : parseIpv4(text);
    if (v !== undefined) taken.add(v);
  };
  for (const nic of estate.ofType<NetworkInterfaceProperties>(N.networkInterface)) {
    if (sameId(nic.id, owner) || sameId(nic.properties?.privateEndpoint?.id, owner)) continue;
    for (const c of nic.properties?.ipConfigurations ?? []) {
      if (sameId(c.properties?.subnet?.id, subnetId)) add(c.properties?.privateIPAddress);
    }
  }
  for (const pe of estate.ofType<PrivateEndpointProperties>(N.privateEndpoint)) {
    if (sameId(pe.id, owner) || !sameId(pe.properties?.subnet?.id, subnetId)) continue;
    if ((pe.properties?.networkInterfaces ?? []).some((n) => sameId(n.id, owner))) continue;
    for (const c of pe.properties?.ipConfigurations ?? []) add(c.properties?.privateIPAddress);
    for (const c of pe.properties?.customDnsConfigs ?? []) for (const a of c.ipAddresses ?? []) add(a);
  }
  for (const gw of estate.ofType<
    VirtualNetworkGatewayProperties & { ipConfigurations?: { properties?: { privateIPAddress?: string } }[] }
  >(N.virtualNetworkGateway)) {
    if (sameId(gw.id, owner)) continue;
    for (const c of gw.properties?.ipConfigurations ?? []) {
      if (sameId(c.properties?.subnet?.id, subnetId)) add(c.properties?.privateIPAddress);
    }
  }
  return taken;
}

function reserved(prefix: Prefix & { family: 4 }, value: number): boolean {
  const offset = value - prefix.network;
  return offset < 4 || offset === prefixSize(prefix) - 1;
}

/** The next free address from .4, or SubnetIsFull. Adds the answer to `taken`. */
export function allocate(prefix: Prefix & { family: 4 }, taken: Set<number>, subnetId: string): string {
  const size = prefixSize(prefix);
  for (let offset = 4; offset < size - 1; offset++) {
    const v = (prefix.network + offset) >>> 0;
    if (!taken.has(v)) {
      taken.add(v);
      return formatIp({ family: 4, value: v });
    }
  }
  // [OBS] code SubnetIsFull (AKS's catalog of NRP errors, Azure/aks-engine armerror); message [INF].
  throw new VnetlabError(
    "SubnetIsFull",
    `Subnet ${subnetId.split("/").pop()} with address prefix ${formatPrefix(prefix)} does not have enough capacity for 1 IP addresses.`,
    { target: subnetId },
  );
}

/** Checks a static address (inside the subnet, not reserved, not taken) and adds it to `taken`. */
export function claimStatic(
  prefix: Prefix & { family: 4 },
  text: string,
  taken: Set<number>,
  ipConfigurationId: string,
): string {
  const v = parseIpv4(text);
  if (v === undefined || (v - prefix.network) >>> 0 >= prefixSize(prefix)) {
    // [OBS] "Private static IP address 10.0.0.123 does not belong to the range of subnet prefix 10.2.0.0/24."
    throw new VnetlabError(
      "PrivateIPAddressNotInSubnet",
      `Private static IP address ${text} does not belong to the range of subnet prefix ${formatPrefix(prefix)}.`,
      { target: ipConfigurationId },
    );
  }
  if (reserved(prefix, v)) {
    // [OBS] code PrivateIPAddressInReservedRange (Azure Service Operator's list of fatal NRP errors); message [INF].
    throw new VnetlabError(
      "PrivateIPAddressInReservedRange",
      `Private static IP address ${text} falls within reserved IP range of subnet prefix ${formatPrefix(prefix)}.`,
      { target: ipConfigurationId },
    );
  }
  if (taken.has(v)) {
    // [OBS] code PrivateIPAddressInUse; message [INF], modelled on PublicIPAddressInUse's.
    throw new VnetlabError(
      "PrivateIPAddressInUse",
      `IP configuration ${ipConfigurationId} is referencing private IP address ${text} that is already allocated to another resource.`,
      { target: ipConfigurationId },
    );
  }
  taken.add(v);
  return text;
}
