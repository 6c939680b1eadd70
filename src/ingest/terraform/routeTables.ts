// azurerm_route_table (inline `route` blocks) and azurerm_route.
import {
  NetworkTypes as N,
  type RouteNextHopType,
  type RouteProperties,
  type RouteTableProperties,
} from "../../model/resources/network.js";
import type { TfBlock } from "./block.js";
import { children } from "./common.js";
import type { Mappings } from "./context.js";

const NEXT_HOPS: readonly RouteNextHopType[] = [
  "VirtualNetworkGateway",
  "VnetLocal",
  "Internet",
  "VirtualAppliance",
  "None",
];

/** A route's properties, or undefined when its prefix or appliance address is not known until apply. */
function routeProperties(b: TfBlock): RouteProperties | undefined {
  const consequence = "the route's effect cannot be known, so the route is left out";
  const addressPrefix = b.known("address_prefix", consequence);
  const nextHopType = NEXT_HOPS.find((h) => h === b.str("next_hop_type"));
  if (!addressPrefix || !nextHopType) return undefined;
  const nextHopIpAddress =
    nextHopType === "VirtualAppliance" ? b.known("next_hop_in_ip_address", consequence) : undefined;
  if (nextHopType === "VirtualAppliance" && !nextHopIpAddress) return undefined;
  return { addressPrefix, nextHopType, nextHopIpAddress };
}

export const routeTableMappings: Mappings = {
  azurerm_route_table: {
    id: (r) => r.armId(N.routeTable, "name"),
    map(r) {
      const routes = children(r.blocks("route"), routeProperties);
      // 4.x bgp_route_propagation_enabled (default true); 3.x disable_bgp_route_propagation (default false).
      const propagation = r.optBool("bgp_route_propagation_enabled");
      r.ingest.emit(
        r.arm<RouteTableProperties>(N.routeTable, {
          routes,
          disableBgpRoutePropagation:
            propagation !== undefined ? !propagation : r.bool("disable_bgp_route_propagation", false),
        }),
      );
    },
  },

  azurerm_route: {
    id: (r) => r.armId(N.route, "route_table_name", "name"),
    map(r) {
      const properties = routeProperties(r);
      if (properties) r.ingest.emit(r.arm(N.route, properties));
    },
  },
};
