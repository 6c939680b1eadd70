// The public address a VM's internet-bound traffic leaves with. Order [Azure NAT gateway docs]: a NAT
// gateway on the subnet supersedes an instance-level public IP, which supersedes default outbound access;
// a subnet with defaultOutboundAccess=false has no implicit egress at all.
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import { fnv1a32, pickAddress } from "../model/publicEndpoints.js";
import type {
  NatGatewayProperties,
  PublicIPAddressProperties,
  SubnetProperties,
} from "../model/resources/network.js";
import type { ServiceTag } from "../model/serviceTags.js";
import { type IpAddress, parseIp } from "../net/index.js";
import type { NicIpConfig } from "./topology.js";

/** A stable address inside a tag for something Azure allocates without telling (a dynamic IP). */
function addressInTag(seed: string, tag: ServiceTag | undefined): IpAddress | undefined {
  return tag ? pickAddress(tag.prefixes, fnv1a32(seed.toLowerCase())) : undefined;
}

export type Egress =
  | { kind: "natGateway" | "instancePublicIp" | "defaultOutboundAccess"; ip: IpAddress; resourceId: string }
  | { kind: "none"; reason: string };

/** A public IP's address: its own when allocated, else a stable one inside AzureCloud.<region>. */
function publicIpAddress(estate: Estate, pip: ArmResource<PublicIPAddressProperties>): IpAddress | undefined {
  const given = pip.properties?.ipAddress ? parseIp(pip.properties.ipAddress) : undefined;
  return (
    given ??
    addressInTag(
      pip.id,
      estate.serviceTags.regional("AzureCloud", pip.location ?? "") ??
        estate.serviceTags.global("AzureCloud"),
    )
  );
}

export function egressOf(estate: Estate, config: NicIpConfig, subnet: ArmResource<SubnetProperties>): Egress {
  const natId = subnet.properties?.natGateway?.id;
  const nat = estate.get<NatGatewayProperties>(natId);
  if (nat) {
    for (const ref of nat.properties?.publicIpAddresses ?? []) {
      const pip = estate.get<PublicIPAddressProperties>(ref.id);
      const ip = pip && publicIpAddress(estate, pip);
      if (ip) return { kind: "natGateway", ip, resourceId: nat.id };
    }
  }
  const pip = estate.get<PublicIPAddressProperties>(config.publicIpId);
  if (pip) {
    const ip = publicIpAddress(estate, pip);
    if (ip) return { kind: "instancePublicIp", ip, resourceId: pip.id };
  }
  if (subnet.properties?.defaultOutboundAccess === false) {
    return {
      kind: "none",
      reason: `subnet ${subnet.name} is private (defaultOutboundAccess=false) and has no NAT gateway or public IP`,
    };
  }
  const region = config.nic.location ?? "";
  const ip = addressInTag(
    `${config.nic.id}/defaultOutboundAccess`,
    estate.serviceTags.regional("AzureCloud", region) ?? estate.serviceTags.global("AzureCloud"),
  );
  if (!ip)
    return { kind: "none", reason: `no AzureCloud.${region} prefixes are known for default outbound access` };
  return { kind: "defaultOutboundAccess", ip, resourceId: config.nic.id };
}
