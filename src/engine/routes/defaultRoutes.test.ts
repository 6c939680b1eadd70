import { describe, expect, it } from "vitest";
import { NetworkTypes as N } from "../../model/resources/network.js";
import { subnetRoutes } from "./subnetRoutes.js";
import { estateOf, ip, ref, routeTable, subnetId, vnet } from "./testEstate.js";

const A = subnetId("vnet1", "a");

function view(space: string[], extra: Parameters<typeof estateOf>[0] = [], props = {}) {
  const estate = estateOf([
    vnet("vnet1", space, [{ name: "a", prefix: space[0]!.replace(/\/\d+$/, "/24"), props }]),
    ...extra,
  ]);
  return { estate, routes: subnetRoutes(estate, A) };
}

function lines(r: ReturnType<typeof subnetRoutes>): string[] {
  return r.effective().map((e) => `${e.source} ${e.state} ${e.addressPrefix.join(",")} ${e.nextHopType}`);
}

describe("semantics §2.1 default system routes", () => {
  it("lists VNet ranges, 0.0.0.0/0 → Internet and the four reserved prefixes → None", () => {
    const { routes } = view(["10.1.0.0/16"]);
    expect(lines(routes)).toEqual([
      "Default Active 10.1.0.0/16 VnetLocal",
      "Default Active 0.0.0.0/0 Internet",
      "Default Active 10.0.0.0/8 None",
      "Default Active 172.16.0.0/12 None",
      "Default Active 192.168.0.0/16 None",
      "Default Active 100.64.0.0/10 None",
    ]);
  });

  it("routes inside the VNet locally, private space outside it to None and the rest to the Internet", () => {
    const { routes } = view(["10.1.0.0/16"]);
    expect(routes.select(ip("10.1.200.4"))?.route.nextHopType).toBe("VnetLocal");
    expect(routes.select(ip("10.9.0.4"))?.route.nextHopType).toBe("None");
    expect(routes.select(ip("100.64.1.1"))?.route.nextHopType).toBe("None");
    expect(routes.select(ip("8.8.8.8"))?.route.nextHopType).toBe("Internet");
  });

  it("creates one route per address range, none per subnet", () => {
    const estate = estateOf([
      vnet(
        "vnet1",
        ["10.1.0.0/16", "10.2.0.0/16"],
        [
          { name: "a", prefix: "10.1.0.0/24" },
          { name: "b", prefix: "10.2.0.0/24" },
        ],
      ),
    ]);
    const a = subnetRoutes(estate, A).effective();
    expect(a.filter((r) => r.nextHopType === "VnetLocal").map((r) => r.addressPrefix)).toEqual([
      ["10.1.0.0/16"],
      ["10.2.0.0/16"],
    ]);
    expect(subnetRoutes(estate, subnetId("vnet1", "b")).effective()).toEqual(a);
  });

  it("gives a subnet missing from the estate no route at all", () => {
    const { estate } = view(["10.1.0.0/16"]);
    expect(subnetRoutes(estate, subnetId("vnet1", "nope")).select(ip("8.8.8.8"))).toBeUndefined();
  });
});

describe("semantics §2.1 a reserved prefix equal to an address-space range becomes VnetLocal", () => {
  it("shows 10.0.0.0/8 once, as VnetLocal, when it is the address space", () => {
    const { routes } = view(["10.0.0.0/8"]);
    const ten = routes.effective().filter((r) => r.addressPrefix.includes("10.0.0.0/8"));
    expect(ten).toEqual([expect.objectContaining({ nextHopType: "VnetLocal", state: "Active" })]);
    expect(routes.select(ip("10.200.0.1"))?.route.nextHopType).toBe("VnetLocal");
  });
});

describe("semantics §2.1 an address space containing but differing from a reserved prefix removes it", () => {
  it("drops the 172.16.0.0/12 None route when the VNet holds 172.0.0.0/11", () => {
    const { routes } = view(["172.0.0.0/11"]);
    const prefixes = routes.effective().flatMap((r) => r.addressPrefix);
    expect(prefixes).not.toContain("172.16.0.0/12");
    expect(prefixes).toContain("172.0.0.0/11");
    expect(routes.select(ip("172.20.0.1"))?.route.nextHopType).toBe("VnetLocal");
  });

  it("keeps the reserved route when the VNet range only sits inside it", () => {
    const { routes } = view(["10.1.0.0/16"]);
    expect(routes.effective().flatMap((r) => r.addressPrefix)).toContain("10.0.0.0/8");
  });
});

describe("semantics §2.4 a UDR for 0.0.0.0/0 removes the reserved None routes (udr-overview routing example)", () => {
  it("sends unknown private destinations to the appliance instead of dropping them", () => {
    const rt = routeTable("rt", [
      {
        name: "default",
        addressPrefix: "0.0.0.0/0",
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: "10.1.0.4",
      },
    ]);
    const { routes } = view(["10.1.0.0/16"], [rt], { routeTable: ref(N.routeTable, "rt") });
    expect(routes.effective().filter((r) => r.nextHopType === "None")).toEqual([]);
    expect(routes.select(ip("10.50.0.4"))?.route.nextHopType).toBe("VirtualAppliance");
    expect(routes.select(ip("10.1.0.9"))?.route.nextHopType).toBe("VnetLocal");
  });
});
