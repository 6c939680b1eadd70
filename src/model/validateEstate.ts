// Checks an estate the way ARM would refuse it: references to resources that do not exist, and addresses
// that are not addresses. Firewall rules may name subnets outside the estate (other subscriptions or
// tenants), so those references are not checked here; the engine treats them as rules that never match.
import { parseIp, parsePrefixDetailed } from "../net/index.js";
import type { ArmResource, SubResource } from "./arm.js";
import { VnetlabError } from "./errors.js";
import type { Estate } from "./estate.js";
import type {
  ConnectionProperties,
  NatGatewayProperties,
  NetworkInterfaceProperties,
  PrivateDnsVirtualNetworkLinkProperties,
  PrivateEndpointProperties,
  RouteProperties,
  SecurityRuleProperties,
  SubnetProperties,
  VirtualMachineProperties,
  VirtualNetworkPeeringProperties,
  VirtualNetworkProperties,
} from "./resources/network.js";
import { NetworkTypes as N } from "./resources/network.js";

type FileOf = (id: string) => string | undefined;

/**
 * Names that NSG rules accept besides addresses and the tags of the downloadable file [S4][S6]: the platform
 * tags are not in ServiceTags_Public but ARM accepts them.
 */
const NSG_KEYWORDS = new Set([
  "*",
  "any",
  "internet",
  "virtualnetwork",
  "azureloadbalancer",
  "azureplatformdns",
  "azureplatformimds",
  "azureplatformlkm",
]);

/**
 * Checks every resource, or with `only` just those (an estate derived from a checked one by a few changes
 * needs only the changed resources checked).
 */
export function validateEstate(estate: Estate, fileOf: FileOf, only?: ReadonlySet<ArmResource>): void {
  const of = <P extends object>(type: string): readonly ArmResource<P>[] => {
    if (!only) return estate.ofType<P>(type);
    const t = type.toLowerCase();
    return [...only].filter((r) => r.type.toLowerCase() === t) as ArmResource<P>[];
  };
  const fail = (
    r: ArmResource,
    message: string,
    code:
      | "InvalidEstate"
      | "InvalidResourceReference"
      | "InvalidAddressPrefixFormat"
      | "SubnetHasBothRegionalAndGlobalStorageServiceEndpointsTogether" = "InvalidEstate",
  ): never => {
    throw new VnetlabError(code, message, { file: fileOf(r.id), resourceId: r.id });
  };
  const ref = (r: ArmResource, what: string, sub: SubResource | undefined, type: string): void => {
    if (!sub) return;
    if (typeof sub.id !== "string") fail(r, `${what} has no id`);
    const target = estate.get(sub.id);
    if (!target || target.type.toLowerCase() !== type.toLowerCase()) {
      fail(r, `${what} references ${sub.id}, which was not found`, "InvalidResourceReference");
    }
  };
  const cidr = (r: ArmResource, what: string, text: unknown, allowHostBits = false): void => {
    const parsed = typeof text === "string" ? parsePrefixDetailed(text) : undefined;
    if (!parsed || (!allowHostBits && parsed.hadHostBits)) {
      fail(r, `${what} '${String(text)}' is not a valid CIDR prefix`, "InvalidAddressPrefixFormat");
    }
  };
  const ipOrTag = (r: ArmResource, what: string, text: string | undefined): void => {
    if (text === undefined || NSG_KEYWORDS.has(text.toLowerCase())) return;
    if (estate.serviceTags.get(text)) return;
    cidr(r, what, text, true);
  };

  for (const vnet of of<VirtualNetworkProperties>(N.virtualNetwork)) {
    for (const p of vnet.properties?.addressSpace?.addressPrefixes ?? []) cidr(vnet, "address space", p);
    for (const peering of (vnet.properties?.virtualNetworkPeerings ??
      []) as ArmResource<VirtualNetworkPeeringProperties>[]) {
      const remote = peering.properties?.remoteVirtualNetwork;
      if (
        remote &&
        !estate.get(remote.id) &&
        !peering.properties?.remoteAddressSpace?.addressPrefixes?.length
      ) {
        fail(
          peering,
          `remoteVirtualNetwork ${remote.id} was not found and no remoteAddressSpace is given`,
          "InvalidResourceReference",
        );
      }
    }
  }
  for (const s of of<SubnetProperties>(N.subnet)) {
    const p = s.properties ?? {};
    const prefixes = p.addressPrefixes ?? (p.addressPrefix !== undefined ? [p.addressPrefix] : []);
    if (prefixes.length === 0) fail(s, "the subnet has no addressPrefix");
    for (const x of prefixes) cidr(s, "addressPrefix", x);
    const services = new Set((p.serviceEndpoints ?? []).map((e) => e.service?.toLowerCase()));
    if (services.has("microsoft.storage") && services.has("microsoft.storage.global")) {
      // [S11][S8] §1.2 R1: regional and global storage endpoints cannot coexist on one subnet
      fail(
        s,
        `Subnet ${s.id} has ServiceEndpoint entries for both 'Microsoft.Storage' and 'Microsoft.Storage.Global' together. Please use either one of them at a time.`,
        "SubnetHasBothRegionalAndGlobalStorageServiceEndpointsTogether",
      );
    }
    ref(s, "networkSecurityGroup", p.networkSecurityGroup, N.networkSecurityGroup);
    ref(s, "routeTable", p.routeTable, N.routeTable);
    ref(s, "natGateway", p.natGateway, N.natGateway);
    for (const sep of p.serviceEndpointPolicies ?? [])
      ref(s, "serviceEndpointPolicies", sep, N.serviceEndpointPolicy);
  }
  for (const nic of of<NetworkInterfaceProperties>(N.networkInterface)) {
    ref(nic, "networkSecurityGroup", nic.properties?.networkSecurityGroup, N.networkSecurityGroup);
    for (const c of nic.properties?.ipConfigurations ?? []) {
      const cp = c.properties ?? {};
      const what = `ipConfigurations/${c.name}`;
      if (!cp.subnet) fail(nic, `${what} has no subnet`);
      ref(nic, `${what}.subnet`, cp.subnet, N.subnet);
      ref(nic, `${what}.publicIPAddress`, cp.publicIPAddress, N.publicIPAddress);
      for (const a of cp.applicationSecurityGroups ?? [])
        ref(nic, `${what}.applicationSecurityGroups`, a, N.applicationSecurityGroup);
      if (cp.privateIPAddress !== undefined && !parseIp(cp.privateIPAddress)) {
        fail(
          nic,
          `${what}.privateIPAddress '${cp.privateIPAddress}' is not an IP address`,
          "InvalidAddressPrefixFormat",
        );
      }
    }
  }
  for (const vm of of<VirtualMachineProperties>(N.virtualMachine)) {
    for (const n of vm.properties?.networkProfile?.networkInterfaces ?? [])
      ref(vm, "networkProfile.networkInterfaces", n, N.networkInterface);
  }
  for (const rule of of<SecurityRuleProperties>(N.securityRule)) {
    const p = rule.properties;
    if (!p) fail(rule, "the security rule has no properties");
    for (const side of ["source", "destination"] as const) {
      ipOrTag(rule, `${side}AddressPrefix`, p?.[`${side}AddressPrefix`]);
      for (const x of p?.[`${side}AddressPrefixes`] ?? []) ipOrTag(rule, `${side}AddressPrefixes`, x);
      for (const a of p?.[`${side}ApplicationSecurityGroups`] ?? [])
        ref(rule, `${side}ApplicationSecurityGroups`, a, N.applicationSecurityGroup);
    }
  }
  for (const route of of<RouteProperties>(N.route)) {
    const p = route.properties;
    if (!p?.addressPrefix) fail(route, "the route has no addressPrefix");
    if (!estate.serviceTags.get(p!.addressPrefix)) cidr(route, "addressPrefix", p!.addressPrefix);
    if (p!.nextHopType === "VirtualAppliance" && !(p!.nextHopIpAddress && parseIp(p!.nextHopIpAddress))) {
      fail(route, "a VirtualAppliance route needs a valid nextHopIpAddress");
    }
  }
  for (const nat of of<NatGatewayProperties>(N.natGateway)) {
    for (const pip of nat.properties?.publicIpAddresses ?? [])
      ref(nat, "publicIpAddresses", pip, N.publicIPAddress);
  }
  for (const pe of of<PrivateEndpointProperties>(N.privateEndpoint)) {
    if (!pe.properties?.subnet) fail(pe, "the private endpoint has no subnet");
    ref(pe, "subnet", pe.properties?.subnet, N.subnet);
  }
  for (const link of of<PrivateDnsVirtualNetworkLinkProperties>(N.privateDnsVirtualNetworkLink)) {
    ref(link, "virtualNetwork", link.properties?.virtualNetwork, N.virtualNetwork);
  }
  for (const conn of of<ConnectionProperties>(N.connection)) {
    ref(conn, "virtualNetworkGateway1", conn.properties?.virtualNetworkGateway1, N.virtualNetworkGateway);
    ref(conn, "localNetworkGateway2", conn.properties?.localNetworkGateway2, N.localNetworkGateway);
  }
}
