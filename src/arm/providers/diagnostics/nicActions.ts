// POST .../networkInterfaces/{nic}/effectiveRouteTable and .../effectiveNetworkSecurityGroups (§10): long-running
// in Azure (202, the result at the Location URL), computed here by the engine from the current estate.
//
// [INF] Azure refuses both for a NIC that is not attached to a running VM (semantics §10). vnetlab has no power
// state and often holds NICs without their VMs (templates, exports, private endpoint NICs), and answering is
// the point of an offline verifier: it answers for any NIC whose primary IP configuration is in a subnet, and
// refuses (NetworkInterfaceNotInSubnet) only a NIC that has none.
import type { ArmResource } from "../../../model/arm.js";
import type { Estate } from "../../../model/estate.js";
import type { RouteTableProperties, SubnetProperties } from "../../../model/resources/network.js";
import { effectiveSecurityRules, subnetRoutes } from "../../../engine/index.js";
import type { ActionHandler } from "../../resourceType.js";
import { resolveTarget } from "./targets.js";

/** One entry of `effectiveRouteTable`, in the REST shape (EffectiveRoute) [S25]. */
export interface EffectiveRouteView {
  name?: string;
  disableBgpRoutePropagation: boolean;
  source: string;
  state: "Active" | "Invalid";
  addressPrefix: string[];
  nextHopIpAddress: string[];
  nextHopType: string;
}

/** The effective routes of the subnet of a NIC's primary IP configuration (every NIC there shares them [S3]). */
export function effectiveRouteTable(estate: Estate, nic: ArmResource): { value: EffectiveRouteView[] } {
  const { source } = resolveTarget(estate, nic.id, nic);
  const subnet = estate.get<SubnetProperties>(source.subnetId);
  const table = estate.get<RouteTableProperties>(subnet?.properties?.routeTable?.id);
  const disableBgpRoutePropagation = table?.properties?.disableBgpRoutePropagation ?? false;
  const value = subnetRoutes(estate, source.subnetId)
    .effective()
    .map((r): EffectiveRouteView => ({
      // The engine's `origin` (which tag, peering or UDR a route came from) is not part of Azure's shape.
      ...(r.name !== undefined ? { name: r.name } : {}),
      disableBgpRoutePropagation,
      source: r.source,
      state: r.state,
      addressPrefix: r.addressPrefix,
      nextHopIpAddress: r.nextHopIpAddress,
      nextHopType: r.nextHopType,
    }));
  return { value };
}

const routeTable: ActionHandler = (nic, _body, ctx) => ({
  status: 202,
  asyncResult: true,
  body: effectiveRouteTable(ctx.estate, ctx.estate.get(nic.id) ?? nic),
});

const networkSecurityGroups: ActionHandler = (nic, _body, ctx) => {
  const resource = ctx.estate.get(nic.id) ?? nic;
  resolveTarget(ctx.estate, resource.id, resource); // refuses a NIC with no IP configuration in a subnet
  return { status: 202, asyncResult: true, body: effectiveSecurityRules(ctx.estate, resource.id) };
};

/** Actions of Microsoft.Network/networkInterfaces, keyed by lower-cased action name. */
export const networkInterfaceActions: Record<string, ActionHandler> = {
  effectiveroutetable: routeTable,
  effectivenetworksecuritygroups: networkSecurityGroups,
};
