// What a diagnostic runs against: a VM (Azure's target for Network Watcher) or a NIC (vnetlab also takes
// one), resolved to one NIC IP configuration in a subnet through the engine's public parseSource.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { Estate } from "../../../model/estate.js";
import { sameId } from "../../../model/resourceId.js";
import {
  NetworkTypes as N,
  type NetworkInterfaceProperties,
  type VirtualMachineProperties,
} from "../../../model/resources/network.js";
import { formatIp, type IpAddress } from "../../../net/index.js";
import { type FlowSource, parseSource } from "../../../engine/index.js";

export type NicSource = Extract<FlowSource, { kind: "nic" }>;

export interface Target {
  /** The VM or NIC the request named. */
  resource: ArmResource;
  /** The NIC IP configuration the diagnostic runs from. */
  source: NicSource;
}

function isType(r: ArmResource, type: string): boolean {
  return r.type.toLowerCase() === type.toLowerCase();
}

/** The resource an id names, or Microsoft.Network's refusal of a dangling reference. */
export function referenced(estate: Estate, id: string, by: ArmResource, path: string): ArmResource {
  const r = estate.get(id);
  if (!r) {
    throw new VnetlabError(
      "InvalidResourceReference",
      `Resource ${id} referenced by resource ${by.id} was not found. Please make sure that the referenced resource exists.`,
      { target: path },
    );
  }
  return r;
}

/** The NIC ids of a VM, primary first as listed. */
export function nicIdsOf(estate: Estate, vm: ArmResource): string[] {
  const listed =
    (vm.properties as VirtualMachineProperties | undefined)?.networkProfile?.networkInterfaces ?? [];
  const ids = listed.map((n) => n.id);
  for (const nic of estate.ofType<NetworkInterfaceProperties>(N.networkInterface)) {
    if (sameId(nic.properties?.virtualMachine?.id, vm.id) && !ids.some((i) => sameId(i, nic.id)))
      ids.push(nic.id);
  }
  return ids;
}

/** The NIC IP configuration `text` (a NIC or VM id, or an address) resolves to: the primary one of a NIC. */
export function nicSource(estate: Estate, text: string, owner?: ArmResource): NicSource {
  let src: FlowSource;
  try {
    src = parseSource(estate, text);
  } catch (e) {
    if (e instanceof VnetlabError && e.code === "UnknownSource") {
      throw new VnetlabError(
        "NetworkInterfaceNotInSubnet",
        `${owner ? `${owner.type.split("/").pop()} ${owner.name}` : text} has no network interface IP configuration in a subnet.`,
        owner ? { target: owner.id } : {},
      );
    }
    throw e;
  }
  if (src.kind !== "nic") throw new VnetlabError("UnsupportedTargetResourceType", `${text} is not a NIC.`);
  return src;
}

export interface TargetOptions {
  /** `targetNicResourceId`: the VM's NIC to use. */
  nicId?: string;
  /** An address the target must hold (IP flow verify's local IP, next hop's source IP). */
  ip?: IpAddress;
  /** The request property that carries `ip`, for error targets. */
  ipPath?: string;
}

/**
 * A VM or NIC target. The NIC is, in order: `targetNicResourceId`; the target's NIC holding `ip`; the VM's
 * primary NIC. Azure requires targetNicResourceId only for multi-NIC VMs with IP forwarding [S25]; vnetlab
 * needs it never, since the address already says which NIC is meant.
 */
export function resolveTarget(estate: Estate, id: string, by: ArmResource, opts: TargetOptions = {}): Target {
  const resource = referenced(estate, id, by, "targetResourceId");
  const vm = isType(resource, N.virtualMachine);
  if (!vm && !isType(resource, N.networkInterface)) {
    throw new VnetlabError(
      "UnsupportedTargetResourceType",
      `Target resource ${resource.id} is a ${resource.type}; the operation takes a virtual machine (${N.virtualMachine}) or a network interface (${N.networkInterface}).`,
      { target: "targetResourceId" },
    );
  }
  const nics = vm ? nicIdsOf(estate, resource) : [resource.id];
  let nicId = nics[0];
  if (opts.nicId) {
    if (!nics.some((n) => sameId(n, opts.nicId))) {
      throw new VnetlabError(
        "InvalidRequestFormat",
        `Network interface ${opts.nicId} is not attached to ${resource.id}.`,
        { target: "targetNicResourceId" },
      );
    }
    nicId = opts.nicId;
  }
  if (!nicId) return { resource, source: nicSource(estate, resource.id, resource) };
  let source = nicSource(estate, nicId, resource);
  if (opts.ip && formatIp(opts.ip) !== formatIp(source.privateIp)) {
    let holder: NicSource | undefined;
    try {
      holder = nicSource(estate, formatIp(opts.ip), resource);
    } catch {
      holder = undefined;
    }
    const allowed = opts.nicId ? [opts.nicId] : nics;
    if (!holder || !allowed.some((n) => sameId(n, holder.nicId))) {
      throw new VnetlabError(
        "InvalidRequestFormat",
        `${formatIp(opts.ip)} is not a private IP address of ${resource.id}.`,
        opts.ipPath ? { target: opts.ipPath } : {},
      );
    }
    source = holder;
  }
  return { resource, source };
}

function regionKey(estate: Estate, location: string | undefined): string {
  const l = location ?? "";
  return estate.regions.normalize(l) ?? l.replace(/\s+/g, "").toLowerCase();
}

/** §10 [S27]: a Network Watcher only diagnoses resources in its own region. */
export function checkWatcherRegion(estate: Estate, watcher: ArmResource, target: ArmResource): void {
  if (regionKey(estate, watcher.location) === regionKey(estate, target.location)) return;
  throw new VnetlabError(
    "NetworkWatcherTargetInDifferentRegion",
    `Network watcher ${watcher.name} is in region '${watcher.location}' but resource ${target.id} is in region '${target.location}'. Network Watcher is a regional service: use the network watcher of the resource's region.`,
    { target: "targetResourceId" },
  );
}

/** `{nicId}/ipConfigurations/{name}`: how Network Watcher names a NIC IP configuration in hops. */
export function ipConfigurationId(src: NicSource): string {
  return `${src.nicId}/ipConfigurations/${src.ipConfigName}`;
}
