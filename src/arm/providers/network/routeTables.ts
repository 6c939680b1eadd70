// Microsoft.Network/routeTables with inline routes (§2.3): next hop types a UDR may use, VirtualAppliance's
// next hop address, service-tag prefixes, 400 routes and 25 service-tag routes per table; `subnets` back-reference.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import { NetworkTypes as N, type RouteProperties } from "../../../model/resources/network.js";
import { parseIp } from "../../../net/index.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { checkName, keepGuid, normaliseLocation, propsOf, succeeded } from "../common.js";
import { subnetsReferencing } from "./backReferences.js";
import { checkCount, listOf, oneOf, refuseInUse } from "./references.js";
import { armPrefix } from "./virtualNetworks.js";

/** §2.3 [S24][S3]. */
export const MAX_ROUTES_PER_TABLE = 400;
export const MAX_SERVICE_TAG_ROUTES_PER_TABLE = 25;
export const MAX_ROUTE_TABLES_PER_REGION = 200;

/**
 * The REST enum RouteNextHopType has exactly these [S25]; `VNetPeering` and `VirtualNetworkServiceEndpoint` are
 * system-route types a UDR cannot use [S3], so ARM refuses them like any value outside the enum.
 */
const NEXT_HOPS = ["VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None"] as const;

const isServiceTagRoute = (r: ArmResource<RouteProperties>): boolean =>
  r.properties?.addressPrefix !== undefined && !/^[0-9a-f:.]+\/\d+$/i.test(r.properties.addressPrefix);

export const routes: ResourceTypeDef = {
  type: N.route,
  inline: { property: "routes" },
  location: "none",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    const p = propsOf(r) as unknown as RouteProperties;
    p.nextHopType = oneOf(p.nextHopType, NEXT_HOPS, `${r.id}/properties/nextHopType`);
    const tag = typeof p.addressPrefix === "string" ? ctx.serviceTags.get(p.addressPrefix) : undefined;
    if (tag) p.addressPrefix = tag.name;
    else armPrefix(p.addressPrefix, r.id);
    if (p.nextHopType === "VirtualAppliance") {
      const ip = typeof p.nextHopIpAddress === "string" ? parseIp(p.nextHopIpAddress) : undefined;
      if (!ip) {
        // [INF] code; the message is the one quoted in Azure/terraform-azurerm-hubnetworking#48's title.
        throw new VnetlabError(
          "InvalidNextHopIpAddress",
          p.nextHopIpAddress
            ? `NextHopIpAddress ${String(p.nextHopIpAddress)} in route ${r.id} is not a valid IP address.`
            : `NextHopIpAddress cannot be Null or Empty in route ${r.id} when NextHopType is VirtualAppliance.`,
          { target: r.id },
        );
      }
    } else if (p.nextHopIpAddress) {
      // [INF] ARM accepts a next hop address only for VirtualAppliance (XenitAB/terraform-modules#303).
      throw new VnetlabError(
        "InvalidNextHopIpAddress",
        `NextHopIpAddress is only allowed in route ${r.id} when NextHopType is VirtualAppliance; NextHopType is ${p.nextHopType}.`,
        { target: r.id },
      );
    }
    return succeeded(r);
  },
};

export const routeTables: ResourceTypeDef = {
  type: N.routeTable,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    normaliseLocation(r, ctx);
    const p = propsOf(r);
    p.routes = listOf(p.routes);
    p.disableBgpRoutePropagation ??= false;
    delete p.subnets; // read-only, computed on read
    keepGuid(r, ctx);
    return succeeded(r);
  },
  validate(r, ctx) {
    // [INF] code (see checkCount); limit §2.3 [S24].
    checkCount(r, ctx, {
      code: "RouteTableCountLimitReached",
      max: MAX_ROUTE_TABLES_PER_REGION,
      noun: "route tables",
      perRegion: true,
    });
    const list = listOf<ArmResource<RouteProperties>>(propsOf(r).routes);
    if (list.length > MAX_ROUTES_PER_TABLE) {
      // [INF] code; limit §2.3 [S24].
      throw new VnetlabError(
        "RouteTableRouteLimitReached",
        `Route table ${r.id} has ${list.length} routes. A route table can have at most ${MAX_ROUTES_PER_TABLE} routes.`,
        { target: r.id },
      );
    }
    const tagRoutes = list.filter(isServiceTagRoute).length;
    if (tagRoutes > MAX_SERVICE_TAG_ROUTES_PER_TABLE) {
      // [INF] code; limit §2.3 [S3].
      throw new VnetlabError(
        "RouteTableServiceTagRouteLimitReached",
        `Route table ${r.id} has ${tagRoutes} routes with a service tag as address prefix. At most ${MAX_SERVICE_TAG_ROUTES_PER_TABLE} are allowed.`,
        { target: r.id },
      );
    }
  },
  checkDelete(r, estate) {
    // [OBS] "Route table X is in use and cannot be deleted." (a Terraform fix note quoting ARM); code seen in
    // AKS's NRP error catalog and MS Learn's InUseRouteTableCannotBeDeleted troubleshooting page.
    refuseInUse(
      "InUseRouteTableCannotBeDeleted",
      subnetsReferencing(estate, "routeTable", r.id),
      () => `Route table ${r.name} is in use and cannot be deleted.`,
      r.id,
    );
  },
  present(r, estate) {
    const subnets = subnetsReferencing(estate, "routeTable", r.id);
    if (subnets.length) propsOf(r).subnets = subnets;
    return r;
  },
};
