import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../model/arm.js";
import { NetworkTypes as N, type RouteProperties } from "../../model/resources/network.js";
import { subnetRoutes } from "./subnetRoutes.js";
import { estateOf, gateway, ip, peering, ref, routeTable, siteToSite, subnetId, vnet } from "./testEstate.js";
import { userRoutes } from "./userRoutes.js";

const A = subnetId("vnet1", "a");

/** vnet1 10.1.0.0/16 (subnet a has the route table `rt` and optional SEs) with a VPN gateway. */
function estate(opts: {
  udrs?: (RouteProperties & { name: string })[];
  learned?: string[];
  onPrem?: string[];
  storageSe?: boolean;
  extra?: ArmResource[];
  peerings?: ArmResource[];
}) {
  return estateOf([
    vnet(
      "vnet1",
      ["10.1.0.0/16"],
      [
        {
          name: "a",
          prefix: "10.1.0.0/24",
          props: {
            routeTable: ref(N.routeTable, "rt"),
            ...(opts.storageSe ? { serviceEndpoints: [{ service: "Microsoft.Storage" }] } : {}),
          },
        },
        { name: "GatewaySubnet", prefix: "10.1.255.0/27" },
      ],
      { peerings: opts.peerings as never },
    ),
    routeTable("rt", opts.udrs ?? []),
    gateway("gw", "vnet1", opts.learned ?? []),
    ...(opts.onPrem ? siteToSite("gw", "lng", opts.onPrem) : []),
    ...(opts.extra ?? []),
  ]);
}

function select(e: ReturnType<typeof estate>, dst: string) {
  const d = subnetRoutes(e, A).select(ip(dst));
  if (!d) throw new Error(`no route to ${dst}`);
  return d;
}

describe("semantics §2.4 step 3: longest prefix wins", () => {
  it("prefers a /24 UDR inside the VNet over the /16 VnetLocal route only inside the /24", () => {
    const e = estate({ udrs: [{ name: "drop", addressPrefix: "10.1.5.0/24", nextHopType: "None" }] });
    expect(select(e, "10.1.5.9").route).toMatchObject({ source: "User", nextHopType: "None", name: "drop" });
    const other = select(e, "10.1.6.9");
    expect(other.route.nextHopType).toBe("VnetLocal");
    expect(other.why).toBe("longest prefix /16 among 3 candidates");
  });

  it("says so when only one route contains the destination", () => {
    expect(select(estate({}), "8.8.8.8").why).toBe("the only route containing the destination (0.0.0.0/0)");
  });
});

describe("semantics §2.4 step 4: on an identical prefix UDR beats BGP beats system", () => {
  it("UDR beats the gateway route and the gateway route is listed Invalid", () => {
    const e = estate({
      onPrem: ["192.168.10.0/24"],
      udrs: [
        {
          name: "onprem",
          addressPrefix: "192.168.10.0/24",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.1.0.4",
        },
      ],
    });
    const d = select(e, "192.168.10.5");
    expect(d.route).toMatchObject({ source: "User", nextHopType: "VirtualAppliance" });
    expect(d.why).toBe("UDR beats BGP route on equal prefix");
    const gw = subnetRoutes(e, A)
      .effective()
      .find((r) => r.source === "VirtualNetworkGateway");
    expect(gw).toMatchObject({ state: "Invalid", addressPrefix: ["192.168.10.0/24"] });
  });

  it("UDR beats a system route: the default 0.0.0.0/0 is listed Invalid", () => {
    const e = estate({
      udrs: [
        {
          name: "fw",
          addressPrefix: "0.0.0.0/0",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.1.0.4",
        },
      ],
    });
    const d = select(e, "8.8.8.8");
    expect(d.why).toBe("UDR beats system route on equal prefix");
    const internet = subnetRoutes(e, A)
      .effective()
      .find((r) => r.nextHopType === "Internet");
    expect(internet?.state).toBe("Invalid");
  });

  it("a BGP default route beats the system Internet route", () => {
    const d = select(estate({ learned: ["0.0.0.0/0"] }), "8.8.8.8");
    expect(d.route).toMatchObject({ source: "VirtualNetworkGateway", nextHopType: "VirtualNetworkGateway" });
    expect(d.why).toBe("BGP route beats system route on equal prefix");
  });

  it("a UDR with the VNet's own prefix overrides VnetLocal, which becomes Invalid", () => {
    const e = estate({
      udrs: [
        {
          name: "vnet",
          addressPrefix: "10.1.0.0/16",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.1.0.4",
        },
      ],
    });
    expect(select(e, "10.1.9.9").route.nextHopType).toBe("VirtualAppliance");
    expect(subnetRoutes(e, A).effective()[0]).toMatchObject({ nextHopType: "VnetLocal", state: "Invalid" });
  });
});

describe("semantics §2.4 step 2 special rule: VnetLocal, VNetPeering and SE system routes beat more specific BGP routes", () => {
  it("keeps VNet traffic local when BGP advertises a more specific prefix of the VNet", () => {
    const d = select(estate({ learned: ["10.1.5.0/24"] }), "10.1.5.1");
    expect(d.route.nextHopType).toBe("VnetLocal");
    expect(d.why).toBe("system VNet route preferred over more specific BGP route 10.1.5.0/24");
  });

  it("keeps peered traffic on the peering when BGP advertises a more specific prefix of the peer", () => {
    const e = estate({
      learned: ["10.2.1.0/24"],
      peerings: [peering("vnet1", "vnet2", { remoteAddressSpace: { addressPrefixes: ["10.2.0.0/16"] } })],
    });
    const d = select(e, "10.2.1.1");
    expect(d.route.nextHopType).toBe("VNetPeering");
    expect(d.why).toBe("system peering route preferred over more specific BGP route 10.2.1.0/24");
  });

  it("does not drop BGP routes for destinations outside those system routes", () => {
    expect(select(estate({ learned: ["10.9.0.0/16"] }), "10.9.0.1").route.source).toBe(
      "VirtualNetworkGateway",
    );
  });

  it("does not protect a system route that a UDR overrides (only active routes are candidates)", () => {
    const e = estate({
      learned: ["10.1.5.0/24"],
      udrs: [
        {
          name: "vnet",
          addressPrefix: "10.1.0.0/16",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.1.0.4",
        },
      ],
    });
    expect(select(e, "10.1.5.1").route.source).toBe("VirtualNetworkGateway");
  });

  it("lists a BGP route that such a system route always overrides as Invalid", () => {
    const e = estate({ learned: ["10.1.5.0/24"] });
    const bgp = subnetRoutes(e, A)
      .effective()
      .find((r) => r.source === "VirtualNetworkGateway");
    expect(bgp).toMatchObject({ state: "Invalid", addressPrefix: ["10.1.5.0/24"] });
  });
});

describe("semantics §2.3 UDR address prefixes may be service tags", () => {
  it("expands the tag: every prefix of Storage.WestUS routes to the appliance", () => {
    const e = estate({
      udrs: [
        {
          name: "stg",
          addressPrefix: "Storage.WestUS",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.1.0.4",
        },
      ],
    });
    const d = select(e, "52.238.1.1");
    expect(d.route).toMatchObject({
      name: "stg",
      serviceTag: "Storage.WestUS",
      nextHopType: "VirtualAppliance",
    });
    const udr = subnetRoutes(e, A)
      .effective()
      .find((r) => r.source === "User");
    expect(udr?.addressPrefix).toEqual(["52.238.0.0/16"]);
  });

  it("explicit prefix beats a service tag on an exact tie", () => {
    const e = estate({
      udrs: [
        { name: "tag", addressPrefix: "Storage.WestUS", nextHopType: "None" },
        { name: "explicit", addressPrefix: "52.238.0.0/16", nextHopType: "Internet" },
      ],
    });
    const d = select(e, "52.238.1.1");
    expect(d.route.name).toBe("explicit");
    expect(d.why).toBe("explicit-prefix UDR beats regional service-tag UDR on equal prefix");
  });

  it("among tags: regional > top-level > AzureCloud.<region> > AzureCloud", () => {
    // 40.121.0.0/16 is in Sql, Sql.EastUS and AzureCloud.eastus; 52.239.0.0/16 in Storage and Storage.EastUS.
    const e = estate({
      udrs: [
        { name: "cloud", addressPrefix: "AzureCloud", nextHopType: "None" },
        { name: "cloudEast", addressPrefix: "AzureCloud.eastus", nextHopType: "None" },
        { name: "sql", addressPrefix: "Sql", nextHopType: "None" },
        { name: "sqlEast", addressPrefix: "Sql.EastUS", nextHopType: "Internet" },
        { name: "stg", addressPrefix: "Storage", nextHopType: "Internet" },
        { name: "stgEast", addressPrefix: "Storage.EastUS", nextHopType: "Internet" },
      ],
    });
    expect(select(e, "40.121.0.1").route.name).toBe("sqlEast");
    expect(select(e, "52.239.0.1").route.name).toBe("stgEast");
    const top = estate({
      udrs: [
        { name: "cloudEast", addressPrefix: "AzureCloud.eastus", nextHopType: "None" },
        { name: "sql", addressPrefix: "Sql", nextHopType: "Internet" },
      ],
    });
    expect(select(top, "40.121.0.1").why).toBe(
      "top-level service-tag UDR beats AzureCloud regional-tag UDR on equal prefix",
    );
  });

  it("ignores tags that UDRs do not accept (VirtualNetwork, Internet, AzureLoadBalancer)", () => {
    // ARM refuses these (compileEstate does too), so the table is handed to userRoutes directly.
    const rt = routeTable(
      "raw",
      ["VirtualNetwork", "Internet", "AzureLoadBalancer", "Storage"].map((t) => ({
        name: t,
        addressPrefix: t,
        nextHopType: "None" as const,
      })),
    );
    expect(userRoutes(estate({}), rt).map((g) => g.name)).toEqual(["Storage"]);
  });
});

describe("semantics §2.4 step 5: overridden routes are still listed, as Invalid", () => {
  it("shows both the Active UDR and the Invalid system route for the same prefix", () => {
    const e = estate({
      udrs: [
        {
          name: "fw",
          addressPrefix: "0.0.0.0/0",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.1.0.4",
        },
      ],
    });
    const zero = subnetRoutes(e, A)
      .effective()
      .filter((r) => r.addressPrefix.includes("0.0.0.0/0"));
    expect(zero.map((r) => `${r.source}:${r.state}`).sort()).toEqual(["Default:Invalid", "User:Active"]);
    expect(zero.find((r) => r.source === "User")).toMatchObject({
      name: "fw",
      nextHopIpAddress: ["10.1.0.4"],
    });
  });
});
