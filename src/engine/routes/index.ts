export { subnetRoutes } from "./subnetRoutes.js";
export type { NextHopType, RouteDecision, RouteEntry, RouteSource, SubnetRoutes } from "./types.js";
