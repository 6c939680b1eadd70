// Indexes over an estate that every stage of a trace needs: which subnet and VNet a NIC sits in, its private
// IP (assigned as Azure would when the estate leaves it dynamic), VMs' primary NICs, private endpoint IPs.
// Built once per estate and cached; the estate is immutable.
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import { idKey, parentId } from "../model/resourceId.js";
import {
  NetworkTypes as N,
  type NetworkInterfaceProperties,
  type PrivateEndpointProperties,
  type SubnetProperties,
  type VirtualMachineProperties,
  type VirtualNetworkProperties,
} from "../model/resources/network.js";
import { addressAt, formatIp, type IpAddress, parseIp, parsePrefix, prefixSize } from "../net/index.js";

export interface NicIpConfig {
  nic: ArmResource<NetworkInterfaceProperties>;
  name: string;
  privateIp: IpAddress;
  subnetId: string;
  primary: boolean;
  publicIpId?: string;
  asgIds: string[];
}

export interface PrivateEndpointIp {
  privateEndpoint: ArmResource<PrivateEndpointProperties>;
  ip: IpAddress;
  /** The resource the endpoint connects to, and the sub-resource (groupId) of this IP. */
  targetId?: string;
  groupId?: string;
  approved: boolean;
}

export interface Topology {
  subnet(id: string): ArmResource<SubnetProperties> | undefined;
  vnetOf(subnetId: string): ArmResource<VirtualNetworkProperties> | undefined;
  ipConfigsOf(nicId: string): readonly NicIpConfig[];
  /** The NIC IP configurations holding an address, across all VNets (address spaces may overlap). */
  ipConfigsByIp(ip: IpAddress): readonly NicIpConfig[];
  primaryNicOf(vmId: string): ArmResource<NetworkInterfaceProperties> | undefined;
  vmOf(nicId: string): ArmResource<VirtualMachineProperties> | undefined;
  privateEndpointByIp(ip: IpAddress): readonly PrivateEndpointIp[];
  privateEndpointsOf(targetId: string): readonly PrivateEndpointIp[];
}

const cache = new WeakMap<Estate, Topology>();

export function topologyOf(estate: Estate): Topology {
  let t = cache.get(estate);
  if (!t) {
    t = buildTopology(estate);
    cache.set(estate, t);
  }
  return t;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * A lookup by resource id, answered first from the exact id string (callers pass the same strings again and
 * again, and a string keeps its hash) and else from `idKey`, whose answer is then remembered for that string.
 */
function byIdString<V>(lookup: (key: string) => V): (id: string) => V {
  const exact = new Map<string, V>();
  return (id) => {
    let v = exact.get(id);
    if (v === undefined && !exact.has(id)) {
      v = lookup(idKey(id));
      exact.set(id, v);
    }
    return v as V;
  };
}

/** Addresses as map keys: IPv4 by its number (no string per lookup), IPv6 by its text. */
class ByIp<V> {
  private readonly v4 = new Map<number, V[]>();
  private readonly v6 = new Map<string, V[]>();
  add(ip: IpAddress, value: V): void {
    if (ip.family === 4) push(this.v4, ip.value, value);
    else push(this.v6, formatIp(ip), value);
  }
  get(ip: IpAddress): readonly V[] {
    return (ip.family === 4 ? this.v4.get(ip.value) : this.v6.get(formatIp(ip))) ?? [];
  }
}

function buildTopology(estate: Estate): Topology {
  const byNic = new Map<string, NicIpConfig[]>();
  const byIp = new ByIp<NicIpConfig>();
  const vmByNic = new Map<string, ArmResource<VirtualMachineProperties>>();
  const primaryNic = new Map<string, ArmResource<NetworkInterfaceProperties>>();
  const peByIp = new ByIp<PrivateEndpointIp>();
  const peByTarget = new Map<string, PrivateEndpointIp[]>();

  // Addresses in use per subnet, so that dynamic configurations get the next free one from .4 up
  // (Azure reserves the first four addresses of every subnet and the last one).
  const used = new Map<string, Set<string>>();
  const pendingDynamic: { nic: ArmResource<NetworkInterfaceProperties>; index: number; subnetId: string }[] =
    [];
  const configs: NicIpConfig[] = [];

  for (const nic of estate.ofType<NetworkInterfaceProperties>(N.networkInterface)) {
    (nic.properties?.ipConfigurations ?? []).forEach((c, i) => {
      const subnetId = c.properties?.subnet?.id;
      if (!subnetId) return;
      const ip = c.properties?.privateIPAddress ? parseIp(c.properties.privateIPAddress) : undefined;
      if (!ip) {
        pendingDynamic.push({ nic, index: i, subnetId });
        return;
      }
      const key = idKey(subnetId);
      if (!used.has(key)) used.set(key, new Set());
      used.get(key)!.add(formatIp(ip));
      configs.push(configOf(nic, i, ip, subnetId));
    });
  }
  for (const pe of estate.ofType<PrivateEndpointProperties>(N.privateEndpoint)) {
    for (const ip of privateEndpointIps(pe)) {
      const key = idKey(pe.properties?.subnet?.id ?? "");
      if (!used.has(key)) used.set(key, new Set());
      used.get(key)!.add(formatIp(ip.ip));
      peByIp.add(ip.ip, ip);
      if (ip.targetId) push(peByTarget, idKey(ip.targetId), ip);
    }
  }
  for (const d of pendingDynamic) {
    const subnet = estate.get<SubnetProperties>(d.subnetId);
    const prefixText = subnet?.properties?.addressPrefix ?? subnet?.properties?.addressPrefixes?.[0];
    const prefix = prefixText ? parsePrefix(prefixText) : undefined;
    if (!prefix) continue;
    const key = idKey(d.subnetId);
    if (!used.has(key)) used.set(key, new Set());
    const taken = used.get(key)!;
    for (let offset = 4; offset < prefixSize(prefix) - 1; offset++) {
      const candidate = addressAt(prefix, offset);
      if (!taken.has(formatIp(candidate))) {
        taken.add(formatIp(candidate));
        configs.push(configOf(d.nic, d.index, candidate, d.subnetId));
        break;
      }
    }
  }
  for (const c of configs) {
    push(byNic, idKey(c.nic.id), c);
    byIp.add(c.privateIp, c);
  }
  for (const vm of estate.ofType<VirtualMachineProperties>(N.virtualMachine)) {
    const nics = vm.properties?.networkProfile?.networkInterfaces ?? [];
    nics.forEach((ref, i) => {
      const nic = estate.get<NetworkInterfaceProperties>(ref.id);
      if (!nic) return;
      vmByNic.set(idKey(nic.id), vm);
      const isPrimary = ref.properties?.primary ?? (nics.length === 1 || i === 0);
      if (isPrimary && !primaryNic.has(idKey(vm.id))) primaryNic.set(idKey(vm.id), nic);
    });
  }

  const none: readonly never[] = [];
  // The subnet → VNet link, worked out once per subnet id string instead of parsing the id per call.
  const vnetOf = new Map<string, ArmResource<VirtualNetworkProperties> | undefined>();
  return {
    subnet: (id) => estate.get<SubnetProperties>(id),
    vnetOf: (subnetId) => {
      let vnet = vnetOf.get(subnetId);
      if (vnet === undefined && !vnetOf.has(subnetId)) {
        vnet = estate.get<VirtualNetworkProperties>(parentId(subnetId));
        vnetOf.set(subnetId, vnet);
      }
      return vnet;
    },
    ipConfigsOf: byIdString((key) => byNic.get(key) ?? none),
    ipConfigsByIp: (ip) => byIp.get(ip),
    primaryNicOf: byIdString((key) => primaryNic.get(key)),
    vmOf: byIdString((key) => vmByNic.get(key)),
    privateEndpointByIp: (ip) => peByIp.get(ip),
    privateEndpointsOf: byIdString((key) => peByTarget.get(key) ?? none),
  };
}

function configOf(
  nic: ArmResource<NetworkInterfaceProperties>,
  index: number,
  privateIp: IpAddress,
  subnetId: string,
): NicIpConfig {
  const all = nic.properties?.ipConfigurations ?? [];
  const c = all[index]!;
  return {
    nic,
    name: c.name,
    privateIp,
    subnetId,
    primary: c.properties?.primary ?? index === 0,
    publicIpId: c.properties?.publicIPAddress?.id,
    asgIds: (c.properties?.applicationSecurityGroups ?? []).map((a) => a.id),
  };
}

function privateEndpointIps(pe: ArmResource<PrivateEndpointProperties>): PrivateEndpointIp[] {
  const p = pe.properties ?? {};
  const connections = [
    ...(p.privateLinkServiceConnections ?? []),
    ...(p.manualPrivateLinkServiceConnections ?? []),
  ];
  const conn = connections[0];
  const targetId = conn?.properties?.privateLinkServiceId;
  // Automatically approved connections carry no state in many templates; a manual one needs approval.
  const status = conn?.properties?.privateLinkServiceConnectionState?.status;
  const approved =
    status === undefined ? (p.privateLinkServiceConnections?.length ?? 0) > 0 : status === "Approved";
  const out: PrivateEndpointIp[] = [];
  const seen = new Set<string>();
  const add = (text: string | undefined, groupId: string | undefined): void => {
    const ip = text ? parseIp(text) : undefined;
    if (!ip || seen.has(formatIp(ip))) return;
    seen.add(formatIp(ip));
    out.push({ privateEndpoint: pe, ip, targetId, groupId, approved });
  };
  for (const c of p.ipConfigurations ?? []) add(c.properties?.privateIPAddress, c.properties?.groupId);
  for (const c of p.customDnsConfigs ?? [])
    for (const a of c.ipAddresses ?? []) add(a, conn?.properties?.groupIds?.[0]);
  return out;
}
