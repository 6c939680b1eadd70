// The path from a subnet to a service, through the engine's effective routes and NSG evaluation: forced
// tunnelling that captures service traffic for want of an endpoint (VNL008), and NSGs that drop the traffic
// an endpoint carries (VNL009).
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { fnv1a32, pickAddress, publicAddressOf } from "../../model/publicEndpoints.js";
import { idKey, parentId } from "../../model/resourceId.js";
import { endpointRouteTags } from "../../model/serviceCatalog.js";
import type { ServiceTag } from "../../model/serviceTags.js";
import type { SubnetProperties } from "../../model/resources/network.js";
import { formatIp, type IpAddress } from "../../net/index.js";
import { evaluateNsgs } from "../../engine/nsg/index.js";
import { EPHEMERAL_PORT } from "../../engine/nsgStage.js";
import { subnetRoutes, type RouteEntry } from "../../engine/routes/index.js";
import { topologyOf } from "../../engine/topology.js";
import { paasResourcesOf, type PaasResource, resourcesListing } from "./networkRules.js";
import {
  endpointCouldReach,
  endpointNames,
  type LiveEndpoint,
  liveEndpoints,
  nicConfigsIn,
  sourceAddressIn,
  subnetLabel,
  subnetsOf,
} from "./subnets.js";
import { perEstate } from "./perEstate.js";
import type { Draft, EstateRule } from "./types.js";

const TUNNEL_HOPS = new Set(["VirtualAppliance", "VirtualNetworkGateway"]);

const addresses = perEstate(() => new Map<ArmResource, IpAddress | null>());

/**
 * The address a resource's public endpoint has (once per estate); undefined when public access is off or an
 * approved private endpoint serves it.
 */
function publicTarget(estate: Estate, p: PaasResource): IpAddress | undefined {
  const byResource = addresses(estate);
  let ip = byResource.get(p.resource);
  if (ip === undefined) {
    const hidden =
      p.rules.publicNetworkAccessDisabled ||
      topologyOf(estate)
        .privateEndpointsOf(p.resource.id)
        .some((pe) => pe.approved);
    ip = (hidden ? undefined : publicAddressOf(p.resource, estate.serviceTags, estate.regions)) ?? null;
    byResource.set(p.resource, ip);
  }
  return ip ?? undefined;
}

function describeRoute(r: RouteEntry): string {
  const name = r.name ? ` ${r.name}` : "";
  const via = r.nextHopIpAddress ? ` ${formatIp(r.nextHopIpAddress)}` : "";
  const source =
    r.source === "User" ? "user route" : r.source === "VirtualNetworkGateway" ? "BGP route" : "route";
  return `${source}${name} ${r.addressPrefix} → ${r.nextHopType}${via}`;
}

export const forcedTunnelRule: EstateRule = {
  id: "VNL008",
  name: "forced-tunnel-without-endpoint",
  severity: "warning",
  title:
    "Forced tunnelling that sends PaaS traffic through an appliance or gateway for want of a service endpoint",
  help: "Without a service endpoint, a subnet reaches a service's public addresses through its broadest routes, so a 0.0.0.0/0 user or BGP route to a virtual appliance or VPN gateway captures that traffic: the service sees the appliance's or on-premises egress address, and virtual network rules for the subnet never match. An endpoint's routes are more specific and win over the default route.",
  // semantics §2.4 consequences [S3][S1]; §7 NVA pattern [S1]
  source: "semantics §2.4 (consequences) [S3][S1]; §7 [S1]",
  check(estate: Estate): Draft[] {
    const out: Draft[] = [];
    const resources = paasResourcesOf(estate);
    for (const subnet of subnetsOf(estate)) {
      const routes = subnetRoutes(estate, subnet.id);
      if (!routes.routes().some((r) => TUNNEL_HOPS.has(r.nextHopType) && routes.stateOf(r) === "Active"))
        continue;
      const listing = new Set(resourcesListing(estate, subnet.id));
      // A subnet with VMs may reach any resource; one without reaches (by intent) those that list it.
      const candidates = nicConfigsIn(estate, subnet.id).length > 0 ? resources : [...listing];
      const endpoints = liveEndpoints(estate, subnet);
      const vnetRegion = estate.get(parentId(subnet.id))?.location ?? "";
      // Grouped by the endpoint the subnet lacks: one finding per subnet and service.
      const groups = new Map<
        string,
        { missing: string; names: string[]; route: RouteEntry; listed: boolean }
      >();
      for (const p of candidates) {
        const listed = listing.has(p);
        // A subnet with the endpoint whose locations miss the resource's region is VNL005's case; an endpoint
        // could not carry traffic to a region its defaults do not reach (Microsoft.Sql: the VNet's own).
        if (endpoints.some((e) => e.info.kinds.includes(p.rules.kind))) continue;
        if (!endpointCouldReach(estate, p.rules.kind, vnetRegion, p.rules.region)) continue;
        const ip = publicTarget(estate, p);
        const route = ip && routes.select(ip)?.route;
        if (!route || !TUNNEL_HOPS.has(route.nextHopType)) continue;
        const missing = `${endpointNames(p.rules.kind)} service endpoint`;
        const g = groups.get(missing) ?? { missing, names: [], route, listed: false };
        g.names.push(p.resource.name);
        g.listed ||= listed;
        groups.set(missing, g);
      }
      for (const g of groups.values()) {
        const shown =
          g.names.slice(0, 5).join(", ") + (g.names.length > 5 ? `, … (+${g.names.length - 5})` : "");
        out.push({
          resourceId: subnet.id,
          message: `${subnetLabel(subnet.id)} sends its traffic to ${shown} through the ${describeRoute(g.route)}: the subnet has no ${g.missing}${g.listed ? ", so the virtual network rules that name it never match" : ""}.`,
          explanation:
            "Without an endpoint for the service, its public addresses follow the subnet's other routes, here to an appliance or gateway; the service then sees that hop's egress address, not the subnet. An endpoint's routes are more specific than a 0.0.0.0/0 route and keep the traffic on the backbone with the subnet's identity.",
          fix: `Enable the ${g.missing} on ${subnetLabel(subnet.id)}${g.listed ? "" : " and add virtual network rules for it"}; if the traffic is meant to be inspected, admit the appliance's egress address in the services' IP rules instead.`,
          related: g.route.routeTableId ? [g.route.routeTableId] : [],
        });
      }
    }
    return out;
  },
};

const tagAddresses = new WeakMap<ServiceTag, IpAddress | null>();

/** One address of a service tag, the same on every run (picked once per tag). */
function addressIn(tag: ServiceTag): IpAddress | undefined {
  let ip = tagAddresses.get(tag);
  if (ip === undefined) {
    ip = pickAddress(tag.prefixes, fnv1a32(tag.name)) ?? null;
    tagAddresses.set(tag, ip);
  }
  return ip ?? undefined;
}

/**
 * Where the endpoint's traffic goes: the resources whose virtual network rules name the subnet, and one address
 * of each service tag its route covers; those the endpoint's route actually carries.
 */
function endpointTargets(
  estate: Estate,
  subnet: ArmResource<SubnetProperties>,
  endpoint: LiveEndpoint,
): { ip: IpAddress; name: string }[] {
  const routes = subnetRoutes(estate, subnet.id);
  const listing = resourcesListing(estate, subnet.id).flatMap((p) => {
    if (!endpoint.info.kinds.includes(p.rules.kind)) return [];
    const ip = publicTarget(estate, p);
    return ip ? [{ ip, name: p.resource.name }] : [];
  });
  const tags = endpointRouteTags(endpoint.info.name, endpoint.locations, estate.serviceTags).flatMap(
    (tag) => {
      const ip = addressIn(tag);
      return ip ? [{ ip, name: `${tag.name} address` }] : [];
    },
  );
  return [...listing, ...tags].filter(({ ip }) => {
    const r = routes.select(ip)?.route;
    return r?.nextHopType === "VirtualNetworkServiceEndpoint" && r.origin === endpoint.info.name;
  });
}

/** [S12] SQL listens on 1433; the other services take HTTPS (or AMQP over 443). */
const portOf = (endpoint: LiveEndpoint): number => (endpoint.info.name === "Microsoft.Sql" ? 1433 : 443);

export const nsgDeniesEndpointRule: EstateRule = {
  id: "VNL009",
  name: "nsg-denies-endpoint-traffic",
  severity: "warning",
  title: "NSGs that deny the traffic a subnet's service endpoint carries",
  help: "Service endpoint traffic is still filtered by the outbound NSGs of the NIC and the subnet, with the service's public address as destination. The first matching rule by priority decides, so a Deny for Internet, the service tag or its regional tag ahead of any Allow drops the traffic the endpoint was enabled for.",
  // semantics §3.3 [S6][S7][S12][S1][S31]: SE traffic is subject to outbound NSGs; first match by priority [S4]
  source: "semantics §3.3 [S6][S7][S12]; §3.1 [S4]",
  check(estate: Estate): Draft[] {
    const out = new Map<string, Draft>();
    for (const subnet of subnetsOf(estate)) {
      const endpoints = liveEndpoints(estate, subnet);
      if (endpoints.length === 0) continue;
      const source = sourceAddressIn(estate, subnet);
      if (!source) continue;
      // The subnet's NSG, and each NIC in the subnet that has an NSG of its own.
      const points = [
        { nicId: undefined as string | undefined, ip: source },
        ...nicConfigsIn(estate, subnet.id)
          .filter((c) => c.nic.properties?.networkSecurityGroup)
          .map((c) => ({ nicId: c.nic.id, ip: c.privateIp })),
      ];
      for (const endpoint of endpoints) {
        const port = portOf(endpoint);
        for (const target of endpointTargets(estate, subnet, endpoint)) {
          for (const point of points) {
            const evaluations = evaluateNsgs(estate, {
              ...(point.nicId ? { nicId: point.nicId } : {}),
              subnetId: subnet.id,
              direction: "Outbound",
              protocol: "Tcp",
              sourceIp: point.ip,
              sourcePort: EPHEMERAL_PORT,
              destinationIp: target.ip,
              destinationPort: port,
            });
            for (const e of evaluations) {
              const key = `${idKey(e.nsgId)}|${e.rule}|${idKey(subnet.id)}|${endpoint.info.name}`;
              if (e.access !== "Deny" || out.has(key)) continue;
              out.set(key, {
                resourceId: e.nsgId,
                message: `NSG ${e.nsgId.split("/").pop()} denies ${endpoint.info.name} traffic from ${subnetLabel(subnet.id)} (outbound ${e.rule}, priority ${e.priority}, to ${target.name} ${formatIp(target.ip)}:${port}), although the subnet has the ${endpoint.info.name} endpoint.`,
                explanation:
                  "Traffic over a service endpoint still passes the outbound NSGs, with the service's public address as destination; the first rule that matches by priority decides, and here it is a Deny.",
                fix: `Add an outbound Allow for the service tag ${endpoint.info.tag} (or its regional form) on TCP ${port} with a priority number below ${e.priority}, or narrow the Deny.`,
                related: [subnet.id],
              });
            }
          }
        }
      }
    }
    return [...out.values()];
  },
};
