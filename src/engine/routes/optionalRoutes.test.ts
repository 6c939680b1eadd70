import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../model/arm.js";
import { NetworkTypes as N, type SubnetProperties } from "../../model/resources/network.js";
import { subnetRoutes } from "./subnetRoutes.js";
import {
  estateOf,
  gateway,
  ip,
  peering,
  privateEndpoint,
  ref,
  rid,
  routeTable,
  serviceEndpointPolicy,
  siteToSite,
  subnetId,
  vnet,
} from "./testEstate.js";

const A = subnetId("vnet1", "a");
const B = subnetId("vnet1", "b");

function effective(resources: ArmResource[], subnet = A) {
  return subnetRoutes(estateOf(resources), subnet).effective();
}

function vnet1(a: Partial<SubnetProperties> = {}, peerings: ArmResource[] = []): ArmResource {
  return vnet(
    "vnet1",
    ["10.1.0.0/16"],
    [
      { name: "a", prefix: "10.1.0.0/24", props: a },
      { name: "b", prefix: "10.1.1.0/24" },
      { name: "GatewaySubnet", prefix: "10.1.255.0/27" },
    ],
    { peerings: peerings as never },
  );
}

describe("semantics §2.2 VNet peering routes for Connected peerings", () => {
  it("adds one VNetPeering route per range of the remote VNet, on every subnet", () => {
    const rs = [
      vnet1({}, [peering("vnet1", "vnet2")]),
      vnet("vnet2", ["10.2.0.0/16", "10.3.0.0/16"], [{ name: "x", prefix: "10.2.0.0/24" }], {
        peerings: [peering("vnet2", "vnet1")],
      }),
    ];
    for (const s of [A, B]) {
      const p = effective(rs, s).filter((r) => r.nextHopType === "VNetPeering");
      expect(p.map((r) => r.addressPrefix)).toEqual([["10.2.0.0/16"], ["10.3.0.0/16"]]);
      expect(p[0]?.origin).toBe(rid(N.virtualNetworkPeering, "vnet1", "vnet1-to-vnet2"));
    }
  });

  it("uses remoteAddressSpace when the remote VNet is not in the estate", () => {
    const rs = [
      vnet1({}, [peering("vnet1", "far", { remoteAddressSpace: { addressPrefixes: ["10.9.0.0/16"] } })]),
    ];
    expect(effective(rs).find((r) => r.nextHopType === "VNetPeering")?.addressPrefix).toEqual([
      "10.9.0.0/16",
    ]);
  });

  it("adds nothing for an Initiated or Disconnected peering", () => {
    for (const peeringState of ["Initiated", "Disconnected"] as const) {
      const rs = [
        vnet1({}, [
          peering("vnet1", "far", { peeringState, remoteAddressSpace: { addressPrefixes: ["10.9.0.0/16"] } }),
        ]),
      ];
      expect(effective(rs).some((r) => r.nextHopType === "VNetPeering")).toBe(false);
    }
  });

  it("without peeringState, counts a peering as connected only when the remote VNet peers back [INF]", () => {
    const one = peering("vnet1", "vnet2", { peeringState: undefined });
    const back = peering("vnet2", "vnet1", { peeringState: undefined });
    const remote = (peerings: ArmResource[]) =>
      vnet("vnet2", ["10.2.0.0/16"], [{ name: "x", prefix: "10.2.0.0/24" }], { peerings: peerings as never });
    expect(effective([vnet1({}, [one]), remote([])]).some((r) => r.nextHopType === "VNetPeering")).toBe(
      false,
    );
    expect(effective([vnet1({}, [one]), remote([back])]).some((r) => r.nextHopType === "VNetPeering")).toBe(
      true,
    );
  });
});

describe("semantics §2.2 gateway routes: local network gateway prefixes and BGP-learned routes", () => {
  const gwResources = [
    gateway("gw", "vnet1", ["172.20.0.0/16"]),
    ...siteToSite("gw", "lng", ["192.168.10.0/24"]),
  ];

  it("adds the LNG prefixes of the gateway's connections and its learned routes to every subnet", () => {
    for (const s of [A, B]) {
      const g = effective([vnet1(), ...gwResources], s).filter((r) => r.source === "VirtualNetworkGateway");
      expect(g.map((r) => [r.addressPrefix[0], r.nextHopType, r.origin])).toEqual([
        ["192.168.10.0/24", "VirtualNetworkGateway", rid(N.virtualNetworkGateway, "gw")],
        ["172.20.0.0/16", "VirtualNetworkGateway", rid(N.virtualNetworkGateway, "gw")],
      ]);
    }
  });

  it("adds none of them when the subnet's route table disables BGP route propagation", () => {
    const rs = [vnet1({ routeTable: ref(N.routeTable, "rt") }), routeTable("rt", [], true), ...gwResources];
    expect(effective(rs).some((r) => r.source === "VirtualNetworkGateway")).toBe(false);
    expect(effective(rs, B).some((r) => r.source === "VirtualNetworkGateway")).toBe(true);
    const d = subnetRoutes(estateOf(rs), A).select(ip("192.168.10.5"));
    expect(d?.route.nextHopType).toBe("None");
  });

  it("gives a peered VNet with useRemoteGateways the remote gateway's routes", () => {
    const spoke = vnet("spoke", ["10.5.0.0/16"], [{ name: "s", prefix: "10.5.0.0/24" }], {
      peerings: [peering("spoke", "vnet1", { useRemoteGateways: true })],
    });
    const plain = vnet("plain", ["10.6.0.0/16"], [{ name: "s", prefix: "10.6.0.0/24" }], {
      peerings: [peering("plain", "vnet1")],
    });
    const hub = vnet1({}, [
      peering("vnet1", "spoke", { allowGatewayTransit: true }),
      peering("vnet1", "plain", { allowGatewayTransit: true }),
    ]);
    const rs = [hub, spoke, plain, ...gwResources];
    const viaHub = effective(rs, subnetId("spoke", "s")).filter((r) => r.source === "VirtualNetworkGateway");
    expect(viaHub.flatMap((r) => r.addressPrefix)).toEqual(["192.168.10.0/24", "172.20.0.0/16"]);
    expect(effective(rs, subnetId("plain", "s")).some((r) => r.source === "VirtualNetworkGateway")).toBe(
      false,
    );
  });
});

describe("semantics §2.2 service endpoint routes only on the subnet with the SE", () => {
  it("adds one VirtualNetworkServiceEndpoint route with every prefix of the service's tags, on that subnet only", () => {
    // Microsoft.Storage defaults to the VNet region and its pair: eastus → westus [S28][S23].
    const rs = [vnet1({ serviceEndpoints: [{ service: "Microsoft.Storage" }] })];
    const se = effective(rs).filter((r) => r.nextHopType === "VirtualNetworkServiceEndpoint");
    expect(se).toEqual([
      expect.objectContaining({
        source: "Default",
        state: "Active",
        origin: "Microsoft.Storage",
        addressPrefix: ["52.239.0.0/16", "20.60.1.0/24", "52.238.0.0/16"],
      }),
    ]);
    expect(effective(rs, B).some((r) => r.nextHopType === "VirtualNetworkServiceEndpoint")).toBe(false);
    const e = estateOf(rs);
    expect(subnetRoutes(e, A).select(ip("20.60.1.7"))?.route.nextHopType).toBe(
      "VirtualNetworkServiceEndpoint",
    );
    expect(subnetRoutes(e, A).select(ip("52.236.0.7"))?.route.nextHopType).toBe("Internet");
    expect(subnetRoutes(e, B).select(ip("52.239.0.7"))?.route.nextHopType).toBe("Internet");
  });

  it("honours explicit locations and Microsoft.Sql's region-only default", () => {
    const rs = [
      vnet1({
        serviceEndpoints: [
          { service: "Microsoft.Storage", locations: ["westeurope"] },
          { service: "Microsoft.Sql" },
        ],
      }),
    ];
    const se = effective(rs).filter((r) => r.nextHopType === "VirtualNetworkServiceEndpoint");
    expect(se.map((r) => [r.origin, r.addressPrefix])).toEqual([
      ["Microsoft.Storage", ["52.236.0.0/16"]],
      ["Microsoft.Sql", ["40.121.0.0/16"]],
    ]);
  });

  it("covers every region with Microsoft.Storage.Global", () => {
    const rs = [vnet1({ serviceEndpoints: [{ service: "Microsoft.Storage.Global" }] })];
    const se = effective(rs).find((r) => r.nextHopType === "VirtualNetworkServiceEndpoint");
    expect(se?.addressPrefix).toContain("52.236.0.0/16");
  });
});

describe("semantics §5 S5: a service endpoint policy upgrades the Storage SE to global scope", () => {
  it("covers Storage prefixes in every region once a policy is attached", () => {
    const se = (policy: boolean) =>
      effective([
        vnet1({
          serviceEndpoints: [{ service: "Microsoft.Storage" }],
          ...(policy ? { serviceEndpointPolicies: [ref(N.serviceEndpointPolicy, "sep")] } : {}),
        }),
        serviceEndpointPolicy("sep"),
      ]).find((r) => r.nextHopType === "VirtualNetworkServiceEndpoint")?.addressPrefix ?? [];
    expect(se(false)).not.toContain("52.236.0.0/16");
    expect(se(true)).toContain("52.236.0.0/16");
  });
});

describe("semantics §2.2 private endpoint /32 routes in the PE's VNet and peered VNets", () => {
  const target = rid("Microsoft.Storage/storageAccounts", "stg");
  function rs(policies?: SubnetProperties["privateEndpointNetworkPolicies"], udr?: string): ArmResource[] {
    return [
      vnet(
        "vnet1",
        ["10.1.0.0/16"],
        [
          { name: "a", prefix: "10.1.0.0/24", props: udr ? { routeTable: ref(N.routeTable, "rt") } : {} },
          {
            name: "pe",
            prefix: "10.1.2.0/24",
            props: policies ? { privateEndpointNetworkPolicies: policies } : {},
          },
        ],
        { peerings: [peering("vnet1", "vnet2")] as never },
      ),
      vnet("vnet2", ["10.2.0.0/16"], [{ name: "x", prefix: "10.2.0.0/24" }], {
        peerings: [peering("vnet2", "vnet1"), peering("vnet2", "vnet3")] as never,
      }),
      vnet("vnet3", ["10.3.0.0/16"], [{ name: "y", prefix: "10.3.0.0/24" }], {
        peerings: [peering("vnet3", "vnet2")] as never,
      }),
      privateEndpoint("pe1", subnetId("vnet1", "pe"), "10.1.2.4", target),
      ...(udr
        ? [
            routeTable("rt", [
              {
                name: "u",
                addressPrefix: udr,
                nextHopType: "VirtualAppliance",
                nextHopIpAddress: "10.1.0.4",
              },
            ]),
          ]
        : []),
    ];
  }
  const peRoute = (routes: ReturnType<typeof effective>) =>
    routes.find((r) => r.nextHopType === "InterfaceEndpoint");

  it("adds an InterfaceEndpoint /32 in the PE's VNet and a directly peered VNet, not two peerings away", () => {
    expect(peRoute(effective(rs()))).toMatchObject({
      addressPrefix: ["10.1.2.4/32"],
      state: "Active",
      origin: rid(N.privateEndpoint, "pe1"),
    });
    expect(peRoute(effective(rs(), subnetId("vnet2", "x")))?.addressPrefix).toEqual(["10.1.2.4/32"]);
    expect(peRoute(effective(rs(), subnetId("vnet3", "y")))).toBeUndefined();
  });

  it("beats a 0.0.0.0/0 UDR by longest prefix", () => {
    const d = subnetRoutes(estateOf(rs("Enabled", "0.0.0.0/0")), A).select(ip("10.1.2.4"));
    expect(d?.route.nextHopType).toBe("InterfaceEndpoint");
  });
});

describe("semantics §2.4 PE /32 rule: only a UDR at least as long as the VNet range, with PE network policies on, invalidates it", () => {
  const target = rid("Microsoft.Storage/storageAccounts", "stg");
  function routes(policies: SubnetProperties["privateEndpointNetworkPolicies"] | undefined, udr: string) {
    const e = estateOf([
      vnet(
        "vnet1",
        ["10.1.0.0/16"],
        [
          { name: "a", prefix: "10.1.0.0/24", props: { routeTable: ref(N.routeTable, "rt") } },
          {
            name: "pe",
            prefix: "10.1.2.0/24",
            props: policies ? { privateEndpointNetworkPolicies: policies } : {},
          },
        ],
      ),
      privateEndpoint("pe1", subnetId("vnet1", "pe"), "10.1.2.4", target),
      routeTable("rt", [
        { name: "u", addressPrefix: udr, nextHopType: "VirtualAppliance", nextHopIpAddress: "10.1.0.4" },
      ]),
    ]);
    return subnetRoutes(e, A);
  }

  it("a /16 UDR (= the VNet range) with RouteTableEnabled or Enabled invalidates the /32", () => {
    for (const p of ["RouteTableEnabled", "Enabled"] as const) {
      const r = routes(p, "10.1.0.0/16");
      const d = r.select(ip("10.1.2.4"));
      expect(d?.route.nextHopType).toBe("VirtualAppliance");
      expect(d?.why).toContain("invalidates the private endpoint route 10.1.2.4/32");
      expect(r.effective().find((x) => x.nextHopType === "InterfaceEndpoint")?.state).toBe("Invalid");
    }
  });

  it("a longer UDR (/24) invalidates it too", () => {
    expect(routes("Enabled", "10.1.2.0/24").select(ip("10.1.2.4"))?.route.nextHopType).toBe(
      "VirtualAppliance",
    );
  });

  it("a shorter UDR (10.0.0.0/8) or 0.0.0.0/0 never does", () => {
    for (const udr of ["10.0.0.0/8", "0.0.0.0/0"]) {
      expect(routes("Enabled", udr).select(ip("10.1.2.4"))?.route.nextHopType).toBe("InterfaceEndpoint");
    }
  });

  it("without route-table network policies on the PE subnet the /32 stays", () => {
    for (const p of [undefined, "Disabled", "NetworkSecurityGroupEnabled"] as const) {
      expect(routes(p, "10.1.0.0/16").select(ip("10.1.2.4"))?.route.nextHopType).toBe("InterfaceEndpoint");
    }
  });
});
