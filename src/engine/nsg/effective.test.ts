import { describe, expect, it } from "vitest";
import { NetworkTypes as N } from "../../model/resources/network.js";
import { estateOf, nic, nsg, ref, rid, subnetId, vnet } from "../routes/testEstate.js";
import { DEFAULT_RULES } from "./defaultRules.js";
import { effectiveSecurityRules } from "./effective.js";

const A = subnetId("vnet1", "a");
const NIC = rid(N.networkInterface, "vm1-nic");

function estate() {
  return estateOf([
    vnet(
      "vnet1",
      ["10.1.0.0/16"],
      [
        {
          name: "a",
          prefix: "10.1.0.0/24",
          props: { networkSecurityGroup: ref(N.networkSecurityGroup, "subnet-nsg") },
        },
      ],
    ),
    nsg("nic-nsg", [
      {
        name: "allowRDP",
        priority: 1000,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: "Internet",
        destinationPortRange: "3389",
      },
      {
        name: "toStorage",
        priority: 100,
        direction: "Outbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: "10.1.0.4",
        destinationAddressPrefix: "Storage.EastUS",
        destinationPortRanges: ["443", "8000-8010"],
      },
    ]),
    nsg("subnet-nsg", []),
    nic("vm1-nic", A, "10.1.0.4", { nsg: "nic-nsg" }),
  ]);
}

describe("semantics §3.2 default rules carry ARM's exact names, priorities and prefixes", () => {
  it("lists the six default rules, as defaultSecurityRules/<name>", () => {
    expect(DEFAULT_RULES.map((r) => `${r.properties.direction} ${r.properties.priority} ${r.name}`)).toEqual([
      "Inbound 65000 AllowVnetInBound",
      "Inbound 65001 AllowAzureLoadBalancerInBound",
      "Inbound 65500 DenyAllInBound",
      "Outbound 65000 AllowVnetOutBound",
      "Outbound 65001 AllowInternetOutBound",
      "Outbound 65500 DenyAllOutBound",
    ]);
    const subnetView = effectiveSecurityRules(estate(), NIC).value[1]!;
    expect(subnetView.effectiveSecurityRules.map((r) => r.name)).toEqual(
      [
        ...DEFAULT_RULES.filter((r) => r.properties.direction === "Inbound"),
        ...DEFAULT_RULES.filter((r) => r.properties.direction === "Outbound"),
      ].map((r) => `defaultSecurityRules/${r.name}`),
    );
  });
});

describe("semantics §10 effectiveNetworkSecurityGroups: NIC NSG then subnet NSG, tags expanded", () => {
  const view = effectiveSecurityRules(estate(), NIC);

  it("gives one entry per NSG with its association", () => {
    expect(view.value.map((v) => [v.networkSecurityGroup.id, v.association])).toEqual([
      [rid(N.networkSecurityGroup, "nic-nsg"), { networkInterface: { id: NIC } }],
      [rid(N.networkSecurityGroup, "subnet-nsg"), { subnet: { id: A } }],
    ]);
  });

  it("prints ports as ranges, * as 0.0.0.0/0, addresses with a length and protocol * as All", () => {
    const rules = view.value[0]!.effectiveSecurityRules;
    expect(rules.find((r) => r.name === "securityRules/allowRDP")).toMatchObject({
      protocol: "Tcp",
      sourcePortRange: "0-65535",
      destinationPortRange: "3389-3389",
      sourceAddressPrefix: "Internet",
      destinationAddressPrefix: "0.0.0.0/0",
      expandedDestinationAddressPrefix: [],
      access: "Allow",
      priority: 1000,
      direction: "Inbound",
    });
    const storage = rules.find((r) => r.name === "securityRules/toStorage");
    expect(storage).toMatchObject({
      sourceAddressPrefix: "10.1.0.4/32",
      destinationPortRanges: ["443-443", "8000-8010"],
      expandedDestinationAddressPrefix: ["52.239.0.0/16", "20.60.1.0/24"],
    });
    expect(storage?.destinationPortRange).toBeUndefined();
    expect(rules.find((r) => r.name === "defaultSecurityRules/DenyAllOutBound")).toMatchObject({
      protocol: "All",
      sourceAddressPrefix: "0.0.0.0/0",
    });
  });

  it("expands VirtualNetwork and Internet and fills the tag map", () => {
    const v = view.value[0]!;
    const vnetRule = v.effectiveSecurityRules.find((r) => r.name === "defaultSecurityRules/AllowVnetInBound");
    expect(vnetRule?.expandedSourceAddressPrefix).toEqual(["10.1.0.0/16", "168.63.129.16/32"]);
    expect(v.tagMap.VirtualNetwork).toEqual(["10.1.0.0/16", "168.63.129.16/32"]);
    expect(v.tagMap["Storage.EastUS"]).toEqual(["52.239.0.0/16", "20.60.1.0/24"]);
    const internet = v.tagMap.Internet!;
    expect(internet).toContain("0.0.0.0/5");
    expect(internet).not.toContain("10.1.0.0/16");
    expect(internet.some((p) => p.startsWith("168.63.129.17/"))).toBe(true);
  });

  it("is empty for a NIC that is not in the estate", () => {
    expect(effectiveSecurityRules(estate(), rid(N.networkInterface, "nope"))).toEqual({ value: [] });
  });
});
