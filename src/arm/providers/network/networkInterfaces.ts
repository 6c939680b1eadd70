// Microsoft.Network/networkInterfaces: inline ipConfigurations with ids, private addresses allocated as Azure
// allocates them (Dynamic: next free from .4; Static: inside the subnet, not reserved, not taken), the
// `virtualMachine` back-reference, and references to the subnet, public IPs, NSG and ASGs checked in-region.
// A private endpoint's interface is written by the endpoint (privateEndpointNic.ts); users cannot change it.
import type { ArmResource, SubResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import {
  type NetworkInterfaceIPConfigurationProperties,
  type NetworkInterfaceProperties,
  NetworkTypes as N,
  type SubnetProperties,
} from "../../../model/resources/network.js";
import { sameId } from "../../../model/resourceId.js";
import type { ResourceTypeDef, WriteContext } from "../../resourceType.js";
import { checkName, keepGuid, normaliseLocation, propsOf, succeeded } from "../common.js";
import { publicIpUsers, vmsWithNic } from "./backReferences.js";
import { allocate, claimStatic, subnetPrefix, takenAddresses } from "./ipAllocation.js";
import { owningPrivateEndpoint } from "./privateEndpointNic.js";
import { listOf, oneOf, resolve } from "./references.js";

/** §3.5 [S24]: ASGs per NIC IP configuration. */
export const MAX_ASGS_PER_IP_CONFIGURATION = 20;

type IpConfiguration = ArmResource<NetworkInterfaceIPConfigurationProperties & Record<string, unknown>>;

function priorAddress(ctx: WriteContext, name: string, subnetId: string | undefined): string | undefined {
  const prior = listOf<IpConfiguration>(
    propsOf(ctx.existing ?? { id: "", name: "", type: "" }).ipConfigurations,
  ).find((c) => c.name?.toLowerCase() === name.toLowerCase());
  return prior && sameId(prior.properties?.subnet?.id, subnetId)
    ? prior.properties?.privateIPAddress
    : undefined;
}

/** Allocates or checks every IP configuration's private address, against the estate before the write. */
function assignAddresses(r: ArmResource, configs: IpConfiguration[], ctx: WriteContext): void {
  const estate = ctx.before();
  const takenBySubnet = new Map<string, Set<number>>();
  const region = r.location;
  // Static addresses first, so that a dynamic one never takes an address asked for in the same request.
  const ordered = [...configs].sort(
    (a, b) =>
      Number(b.properties?.privateIPAllocationMethod === "Static") -
      Number(a.properties?.privateIPAllocationMethod === "Static"),
  );
  for (const c of ordered) {
    const p = c.properties!;
    if (p.privateIPAddressVersion === "IPv6") continue; // [INF] IPv6 configurations are kept as given
    const subnet = resolve<SubnetProperties>(estate, p.subnet, N.subnet, r.id, region);
    if (!subnet) {
      // [INF] an IPv4 IP configuration needs a subnet; ARM's code for a malformed body.
      throw new VnetlabError("InvalidRequestFormat", `IP configuration ${c.id} must reference a subnet.`, {
        target: c.id,
      });
    }
    const prefix = subnetPrefix(subnet);
    if (!prefix) continue;
    const key = subnet.id.toLowerCase();
    const taken = takenBySubnet.get(key) ?? takenAddresses(estate, subnet.id, r.id);
    takenBySubnet.set(key, taken);
    if (p.privateIPAllocationMethod === "Static") {
      p.privateIPAddress = claimStatic(prefix, String(p.privateIPAddress ?? ""), taken, c.id);
      continue;
    }
    const prior = priorAddress(ctx, c.name, subnet.id);
    p.privateIPAddress =
      prior !== undefined ? tryKeep(prior, prefix, taken, c.id) : allocate(prefix, taken, subnet.id);
  }
}

function tryKeep(
  prior: string,
  prefix: Parameters<typeof allocate>[0],
  taken: Set<number>,
  id: string,
): string {
  try {
    return claimStatic(prefix, prior, taken, id);
  } catch {
    return allocate(prefix, taken, id);
  }
}

function checkIpConfigurationRefs(r: ArmResource, c: IpConfiguration, ctx: WriteContext): void {
  const estate = ctx.before();
  const p = c.properties!;
  const pip = resolve(estate, p.publicIPAddress, N.publicIPAddress, r.id, r.location);
  if (pip) {
    const users = publicIpUsers(estate, pip.id, r.id);
    if (users.length > 0) {
      // [OBS] "Resource X is referencing public IP address Y that is already allocated to resource Z." (AKS, APIM).
      throw new VnetlabError(
        "PublicIPAddressInUse",
        `Resource ${c.id} is referencing public IP address ${pip.id} that is already allocated to resource ${users[0]!.id}.`,
        { target: c.id },
      );
    }
  }
  const asgs = listOf<SubResource>(p.applicationSecurityGroups);
  if (asgs.length > MAX_ASGS_PER_IP_CONFIGURATION) {
    // [INF] code; limit §3.5 [S24].
    throw new VnetlabError(
      "ApplicationSecurityGroupsLimitReached",
      `IP configuration ${c.id} names ${asgs.length} application security groups. At most ${MAX_ASGS_PER_IP_CONFIGURATION} are allowed.`,
      { target: c.id },
    );
  }
  for (const a of asgs) resolve(estate, a, N.applicationSecurityGroup, r.id, r.location);
}

export const networkInterfaceIpConfigurations: ResourceTypeDef = {
  type: "Microsoft.Network/networkInterfaces/ipConfigurations",
  inline: { property: "ipConfigurations" },
  location: "none",
  prepare(r) {
    return r;
  },
};

export const networkInterfaces: ResourceTypeDef = {
  type: N.networkInterface,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    const pe = (ctx.existing?.properties as NetworkInterfaceProperties | undefined)?.privateEndpoint;
    if (pe) {
      // [OBS] code and "It can not be modified by user." (azure-sdk-for-python#18911, terraform-provider-
      // azurerm#29319: a PUT of the interface fails, the tags-only PATCH works); the first sentence is [INF].
      throw new VnetlabError(
        "CannotModifyNicAttachedToPrivateEndpoint",
        `Network interface ${r.id} is attached to private endpoint ${pe.id}. It can not be modified by user.`,
        { target: r.id },
      );
    }
    checkName(r);
    normaliseLocation(r, ctx);
    const p = propsOf(r);
    // An imported endpoint's interface (an export lists both) keeps its address as given; `privateEndpoint` is
    // read-only otherwise.
    const imported = owningPrivateEndpoint(ctx.before(), r) !== undefined;
    if (!imported) delete p.privateEndpoint;
    const configs = listOf<IpConfiguration>(p.ipConfigurations);
    if (configs.length === 0) {
      // [INF] a NIC needs at least one IP configuration; ARM's code for a missing required property.
      throw new VnetlabError(
        "InvalidRequestFormat",
        `Network interface ${r.id} must have at least one IP configuration.`,
        { target: r.id },
      );
    }
    const hasPrimary = configs.some((c) => c.properties?.primary === true);
    configs.forEach((c, i) => {
      checkName(c);
      c.id = `${r.id}/ipConfigurations/${c.name}`;
      c.type = "Microsoft.Network/networkInterfaces/ipConfigurations";
      const cp = (c.properties ??= {});
      cp.privateIPAllocationMethod = cp.privateIPAllocationMethod
        ? oneOf(
            cp.privateIPAllocationMethod,
            ["Static", "Dynamic"] as const,
            `${c.id}/properties/privateIPAllocationMethod`,
          )
        : cp.privateIPAddress
          ? "Static"
          : "Dynamic";
      cp.privateIPAddressVersion = cp.privateIPAddressVersion
        ? oneOf(cp.privateIPAddressVersion, ["IPv4", "IPv6"] as const, `${c.id}`)
        : "IPv4";
      cp.primary = hasPrimary ? cp.primary === true : i === 0;
      cp.provisioningState = "Succeeded";
    });
    if (!imported) assignAddresses(r, configs, ctx);
    p.enableIPForwarding ??= false;
    p.enableAcceleratedNetworking ??= false;
    p.disableTcpStateTracking ??= false;
    p.nicType ??= "Standard";
    p.dnsSettings ??= { dnsServers: [], appliedDnsServers: [] };
    delete p.virtualMachine; // read-only, computed on read
    keepGuid(r, ctx);
    return succeeded(r);
  },
  validate(r, ctx) {
    const p = propsOf(r);
    resolve(
      ctx.before(),
      p.networkSecurityGroup as SubResource | undefined,
      N.networkSecurityGroup,
      r.id,
      r.location,
    );
    for (const c of listOf<IpConfiguration>(p.ipConfigurations)) checkIpConfigurationRefs(r, c, ctx);
  },
  checkDelete(r, estate) {
    const vm = vmsWithNic(estate, r.id)[0];
    if (vm) {
      // [OBS] "Network Interface X is used by existing VM Y." (cloudfoundry bosh-azure-cpi docs quoting ARM).
      throw new VnetlabError("NicInUse", `Network Interface ${r.id} is used by existing VM ${vm.id}.`, {
        target: r.id,
      });
    }
    const pe = owningPrivateEndpoint(estate, r);
    if (pe) {
      // Only deleting the endpoint deletes its interface (§6). [INF] code: NRP's NicInUse, whose observed text
      // names the holder as "existing resource" (terraform-provider-azurerm#8105); Azure's answer for a private
      // endpoint's interface was not found in public sources.
      throw new VnetlabError(
        "NicInUse",
        `Network Interface ${r.id} is used by existing resource ${pe.id}. In order to delete the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.`,
        { target: r.id },
      );
    }
  },
  present(r, estate) {
    const vm = vmsWithNic(estate, r.id)[0];
    if (vm) propsOf(r).virtualMachine = vm;
    return r;
  },
};
