// The effective-route contract: route entries as Azure lists them, and the decision for one destination.
import type { IpAddress, Prefix } from "../../net/index.js";
import type { EffectiveRoute } from "../trace.js";

/** ARM/CLI next hop names [S3], plus the observed `InterfaceEndpoint` of private endpoint /32 routes. */
export type NextHopType =
  | "VnetLocal"
  | "VNetPeering"
  | "VirtualNetworkServiceEndpoint"
  | "VirtualNetworkGateway"
  | "VirtualAppliance"
  | "Internet"
  | "None"
  | "InterfaceEndpoint";

export type RouteSource = "Default" | "User" | "VirtualNetworkGateway";

/** One prefix of one route. A route with several prefixes (SE, service-tag UDR) yields one entry per prefix. */
export interface RouteEntry {
  prefix: Prefix;
  /** The prefix as text, e.g. `10.0.0.0/16`. */
  addressPrefix: string;
  nextHopType: NextHopType;
  nextHopIpAddress?: IpAddress;
  source: RouteSource;
  /** The UDR's name. */
  name?: string;
  /** The route table a UDR belongs to. */
  routeTableId?: string;
  /** The service tag a service-tag UDR or an SE route expands. */
  serviceTag?: string;
  /**
   * SE routes: the endpoint service (`Microsoft.Storage`); peering routes: the peering id; PE routes: the
   * private endpoint id; gateway routes: the gateway id; UDRs: the route id.
   */
  origin?: string;
}

export interface RouteDecision {
  route: RouteEntry;
  /** One sentence: why this route won, e.g. `longest prefix /16 among 3 candidates`. */
  why: string;
  /** What a trace shows for the decision (see `routeTexts`). */
  texts?: RouteTexts;
}

/** The texts of a trace's route stage and decisions for one route decision. */
export interface RouteTexts {
  /** The next hop address as text. */
  nextHopIp: string | undefined;
  summary: string;
  /** The deciding rule's name: the UDR's, else `<source> <prefix> → <next hop>`. */
  rule: string;
  /** The reason when the route lets the flow through, and when its next hop None drops it. */
  passReason: string;
  blockReason: string;
}

export interface SubnetRoutes {
  readonly subnetId: string;
  /** The route Azure uses for traffic from the subnet to `ip` (§2.4); undefined when no route contains it. */
  select(ip: IpAddress): RouteDecision | undefined;
  /** The effective route table, as `az network nic show-effective-route-table` shows it. */
  effective(): EffectiveRoute[];
  /** Every route entry, active or not, in display order. */
  routes(): readonly RouteEntry[];
  /** Whether an entry is Active or was overridden (Invalid). */
  stateOf(route: RouteEntry): "Active" | "Invalid";
}
