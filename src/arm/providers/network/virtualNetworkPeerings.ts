// Microsoft.Network/virtualNetworks/virtualNetworkPeerings: inline in the VNet. The remote VNet must exist and
// its address space must not overlap the local one; the state is Connected once both sides peer each other.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { Estate } from "../../../model/estate.js";
import {
  NetworkTypes as N,
  type VirtualNetworkPeeringProperties,
  type VirtualNetworkProperties,
} from "../../../model/resources/network.js";
import { parentId, sameId } from "../../../model/resourceId.js";
import { overlaps, parsePrefix } from "../../../net/index.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { checkName, keepGuid, propsOf, succeeded } from "../common.js";
import { resolve } from "./references.js";

/** Connected when the remote VNet peers back, Disconnected when it is gone, else Initiated. */
function peeringState(
  estate: Estate,
  localId: string,
  remoteId: string | undefined,
): "Connected" | "Initiated" | "Disconnected" {
  const remote = estate.get<VirtualNetworkProperties>(remoteId);
  if (!remote) return "Disconnected";
  const back = (remote.properties?.virtualNetworkPeerings ?? []).some((x) =>
    sameId(x.properties?.remoteVirtualNetwork?.id, localId),
  );
  return back ? "Connected" : "Initiated";
}

export const virtualNetworkPeerings: ResourceTypeDef = {
  type: N.virtualNetworkPeering,
  inline: { property: "virtualNetworkPeerings" },
  location: "none",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    const p = propsOf(r) as VirtualNetworkPeeringProperties & Record<string, unknown>;
    p.allowVirtualNetworkAccess ??= true;
    p.allowForwardedTraffic ??= false;
    p.allowGatewayTransit ??= false;
    p.useRemoteGateways ??= false;
    // The remote address space is what routes use, and what keeps a peering meaningful after the remote VNet is
    // deleted (validateEstate accepts a missing remote only with it).
    const remote = ctx.before().get<VirtualNetworkProperties>(p.remoteVirtualNetwork?.id);
    if (remote) {
      p.remoteAddressSpace = {
        addressPrefixes: [...(remote.properties?.addressSpace?.addressPrefixes ?? [])],
      };
      p.remoteVirtualNetworkAddressSpace = p.remoteAddressSpace;
    }
    p.peeringSyncLevel = "FullyInSync";
    p.doNotVerifyRemoteGateways ??= false;
    keepGuid(r, ctx);
    return succeeded(r);
  },
  validate(r, ctx) {
    const p = propsOf(r) as VirtualNetworkPeeringProperties;
    const local = ctx.parent;
    const remote = resolve<VirtualNetworkProperties>(
      ctx.before(),
      p.remoteVirtualNetwork,
      N.virtualNetwork,
      r.id,
    );
    if (!remote) {
      // [INF] the remote VNet is required (REST spec); ARM's code for a malformed body.
      throw new VnetlabError(
        "InvalidRequestFormat",
        `Virtual network peering ${r.id} must reference a remote virtual network.`,
        { target: r.id },
      );
    }
    if (local && sameId(remote.id, local.id)) {
      // [INF] code: a VNet cannot peer with itself.
      throw new VnetlabError(
        "InvalidRequestFormat",
        `Virtual network peering ${r.id} cannot reference its own virtual network.`,
        { target: r.id },
      );
    }
    const mine = (
      (local?.properties as VirtualNetworkProperties | undefined)?.addressSpace?.addressPrefixes ?? []
    ).map((t) => ({ t, p: parsePrefix(t) }));
    const theirs = (remote.properties?.addressSpace?.addressPrefixes ?? []).map((t) => ({
      t,
      p: parsePrefix(t),
    }));
    const clash = mine.flatMap((a) =>
      theirs.filter((b) => a.p && b.p && overlaps(a.p, b.p)).map((b) => [a.t, b.t]),
    );
    if (clash.length > 0) {
      // [OBS] "Cannot create or update peering X. Virtual networks A and B cannot be peered because their address
      // spaces overlap. Overlapping address prefixes: 172.16.0.0/16, 172.16.0.0/16" (public lab notes).
      throw new VnetlabError(
        "VnetAddressSpacesOverlap",
        `Cannot create or update peering ${r.id}. Virtual networks ${parentId(r.id) ?? ""} and ${remote.id} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${clash.flat().join(", ")}`,
        { target: r.id },
      );
    }
  },
  present(r, estate) {
    const p = propsOf(r) as VirtualNetworkPeeringProperties;
    p.peeringState = peeringState(estate, parentId(r.id) ?? "", p.remoteVirtualNetwork?.id);
    return r;
  },
};

/** A VNet's peerings with their live state, for the VNet's own response. */
export function presentPeerings(vnet: ArmResource, estate: Estate): void {
  for (const peering of (propsOf(vnet).virtualNetworkPeerings ??
    []) as ArmResource<VirtualNetworkPeeringProperties>[]) {
    const p = (peering.properties ??= {});
    p.peeringState = peeringState(estate, vnet.id, p.remoteVirtualNetwork?.id);
  }
}
