// Route decisions are cached per piece of address space (routeTable.ts). A table asked about many addresses,
// in any order, must answer each as a fresh table asked about that address alone.
import { describe, expect, it } from "vitest";
import { NetworkTypes as N } from "../../model/resources/network.js";
import { formatIp, type IpAddress } from "../../net/index.js";
import { subnetRoutes } from "./subnetRoutes.js";
import { estateOf, gateway, peering, ref, routeTable, siteToSite, subnetId, vnet } from "./testEstate.js";

const A = subnetId("vnet1", "a");

function estate() {
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
            serviceEndpoints: [{ service: "Microsoft.Storage" }],
          },
        },
        { name: "GatewaySubnet", prefix: "10.1.255.0/27" },
      ],
      { peerings: [peering("vnet1", "vnet2")] as never },
    ),
    vnet("vnet2", ["10.2.0.0/16"], [{ name: "b", prefix: "10.2.0.0/24" }], {
      peerings: [peering("vnet2", "vnet1")] as never,
    }),
    routeTable("rt", [
      { name: "drop", addressPrefix: "10.1.5.0/24", nextHopType: "None" },
      {
        name: "nva",
        addressPrefix: "0.0.0.0/0",
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: "10.1.0.10",
      },
      { name: "storage", addressPrefix: "Storage.WestUS", nextHopType: "Internet" },
      {
        name: "same",
        addressPrefix: "10.2.0.0/16",
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: "10.1.0.10",
      },
    ]),
    gateway("gw", "vnet1", ["52.239.0.0/24", "10.1.0.0/17", "40.0.0.0/8", "192.168.0.0/16"]),
    ...siteToSite("gw", "lng", ["172.16.0.0/12", "52.239.1.0/24"]),
  ]);
}

/** Every prefix's first and last address, their neighbours, and a few others. */
function addresses(): IpAddress[] {
  const out = new Map<number, IpAddress>();
  const add = (v: number): void => {
    if (v >= 0 && v <= 0xffffffff) out.set(v, { family: 4, value: v });
  };
  for (const r of subnetRoutes(estate(), A).routes()) {
    if (r.prefix.family !== 4) continue;
    const first = r.prefix.network;
    const last = first + 2 ** (32 - r.prefix.length) - 1;
    for (const v of [first - 1, first, first + 1, last - 1, last, last + 1]) add(v);
  }
  for (const v of [0, 0x08080808, 0xffffffff, 0x0a010005, 0x0a020001]) add(v);
  return [...out.values()];
}

const shape = (d: ReturnType<ReturnType<typeof subnetRoutes>["select"]>) =>
  d && { prefix: d.route.addressPrefix, hop: d.route.nextHopType, source: d.route.source, why: d.why };

describe("cached route decisions", () => {
  it("answer each address as a fresh table does, whatever the order of the questions", () => {
    const ips = addresses();
    const fresh = ips.map((ip) => shape(subnetRoutes(estate(), A).select(ip)));
    const forward = subnetRoutes(estate(), A);
    const backward = subnetRoutes(estate(), A);
    const reversed = [...ips].reverse();
    const back = new Map(reversed.map((ip) => [ip, shape(backward.select(ip))]));
    ips.forEach((ip, i) => {
      expect(shape(forward.select(ip)), formatIp(ip)).toEqual(fresh[i]);
      expect(back.get(ip), formatIp(ip)).toEqual(fresh[i]);
    });
    expect(ips.length).toBeGreaterThan(50);
  });
});
