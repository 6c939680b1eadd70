import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../model/arm.js";
import { compileEstate } from "../../model/compileEstate.js";
import { NetworkTypes as N } from "../../model/resources/network.js";
import { ServiceTags } from "../../model/serviceTags.js";
import { addressAt } from "../../net/index.js";
import { subnetRoutes } from "./subnetRoutes.js";
import { estateOf, gateway, ip, ref, routeTable, subnetId, vnet } from "./testEstate.js";

const A = subnetId("vnet1", "a");
const NVA = { nextHopType: "VirtualAppliance" as const, nextHopIpAddress: "10.1.1.4" };

function resources(opts: { udrDefault?: boolean; storageSe?: boolean; learned?: string[] }): ArmResource[] {
  return [
    vnet(
      "vnet1",
      ["10.1.0.0/16"],
      [
        {
          name: "a",
          prefix: "10.1.0.0/24",
          props: {
            ...(opts.udrDefault ? { routeTable: ref(N.routeTable, "rt") } : {}),
            ...(opts.storageSe ? { serviceEndpoints: [{ service: "Microsoft.Storage" }] } : {}),
          },
        },
        { name: "nva", prefix: "10.1.1.0/24" },
        { name: "GatewaySubnet", prefix: "10.1.255.0/27" },
      ],
    ),
    routeTable("rt", [{ name: "default-to-nva", addressPrefix: "0.0.0.0/0", ...NVA }]),
    gateway("gw", "vnet1", opts.learned ?? []),
  ];
}

describe("semantics §11 example 4: UDR 0.0.0.0/0 → NVA plus a Storage SE", () => {
  const routes = subnetRoutes(estateOf(resources({ udrDefault: true, storageSe: true })), A);

  it("keeps storage traffic on the service endpoint (its prefixes are longer than /0)", () => {
    const d = routes.select(ip("52.239.10.10"));
    expect(d?.route).toMatchObject({
      nextHopType: "VirtualNetworkServiceEndpoint",
      origin: "Microsoft.Storage",
    });
    expect(d?.why).toMatch(/^longest prefix \/16 among 2 candidates$/);
  });

  it("sends Key Vault traffic (no Key Vault SE) to the NVA", () => {
    const d = routes.select(ip("40.79.1.1"));
    expect(d?.route).toMatchObject({
      source: "User",
      nextHopType: "VirtualAppliance",
      name: "default-to-nva",
    });
    expect(d?.why).toBe("UDR beats system route on equal prefix");
  });

  it("holds with the bundled service tags too: a real Storage.EastUS address stays on the SE", () => {
    const tags = ServiceTags.default();
    const e = compileEstate(resources({ udrDefault: true, storageSe: true }), { serviceTags: tags });
    const storage = addressAt(tags.get("Storage.EastUS")!.prefixes[0]!, 1);
    const vault = addressAt(tags.get("AzureKeyVault.EastUS")!.prefixes[0]!, 1);
    expect(subnetRoutes(e, A).select(storage)?.route.nextHopType).toBe("VirtualNetworkServiceEndpoint");
    expect(subnetRoutes(e, A).select(vault)?.route.nextHopType).toBe("VirtualAppliance");
  });
});

describe("semantics §11 example 5: a BGP /24 inside Storage.EastUS does not beat the SE route", () => {
  it("chooses the SE route by the special rule", () => {
    const routes = subnetRoutes(estateOf(resources({ storageSe: true, learned: ["52.239.0.0/24"] })), A);
    const d = routes.select(ip("52.239.0.10"));
    expect(d?.route.nextHopType).toBe("VirtualNetworkServiceEndpoint");
    expect(d?.why).toBe("system SE route preferred over more specific BGP route 52.239.0.0/24");
  });

  it("without the SE the BGP /24 wins", () => {
    const routes = subnetRoutes(estateOf(resources({ learned: ["52.239.0.0/24"] })), A);
    expect(routes.select(ip("52.239.0.10"))?.route.nextHopType).toBe("VirtualNetworkGateway");
  });
});

describe("semantics §2.4 forced tunnelling does not capture SE traffic but captures traffic to services without SE", () => {
  it("UDR 0.0.0.0/0 → VirtualAppliance: SE prefixes bypass the NVA, other Azure services go through it", () => {
    const routes = subnetRoutes(estateOf(resources({ udrDefault: true, storageSe: true })), A);
    expect(routes.select(ip("52.239.1.1"))?.route.nextHopType).toBe("VirtualNetworkServiceEndpoint");
    expect(routes.select(ip("40.121.0.1"))?.route.nextHopType).toBe("VirtualAppliance");
  });

  it("without an SE, the same UDR captures storage traffic too", () => {
    const routes = subnetRoutes(estateOf(resources({ udrDefault: true })), A);
    expect(routes.select(ip("52.239.1.1"))?.route.nextHopType).toBe("VirtualAppliance");
  });

  it("a BGP-advertised 0.0.0.0/0 behaves the same way", () => {
    const withSe = subnetRoutes(estateOf(resources({ storageSe: true, learned: ["0.0.0.0/0"] })), A);
    expect(withSe.select(ip("52.239.1.1"))?.route.nextHopType).toBe("VirtualNetworkServiceEndpoint");
    expect(withSe.select(ip("40.79.1.1"))?.route.nextHopType).toBe("VirtualNetworkGateway");
  });
});

describe("semantics §2.4 a UDR more specific than (or equal to) an SE prefix wins over the SE route [INF]", () => {
  it("routes the UDR's range to the appliance and the rest of the SE prefix over the SE", () => {
    const rs = resources({ storageSe: true, udrDefault: true });
    (rs[1]!.properties as { routes: ArmResource[] }).routes.push({
      id: `${rs[1]!.id}/routes/stg-slice`,
      name: "stg-slice",
      type: N.route,
      properties: { addressPrefix: "52.239.5.0/24", ...NVA },
    });
    const routes = subnetRoutes(estateOf(rs), A);
    expect(routes.select(ip("52.239.5.1"))?.route.name).toBe("stg-slice");
    expect(routes.select(ip("52.239.6.1"))?.route.nextHopType).toBe("VirtualNetworkServiceEndpoint");
  });
});
