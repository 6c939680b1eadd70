export { subnetRouteEntries, subnetRoutes } from "./subnetRoutes.js";
export { routeTexts } from "./routeTable.js";
export type {
  NextHopType,
  RouteDecision,
  RouteEntry,
  RouteSource,
  RouteTexts,
  SubnetRoutes,
} from "./types.js";
