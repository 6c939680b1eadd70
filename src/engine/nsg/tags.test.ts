import { describe, expect, it } from "vitest";
import { NetworkTypes as N } from "../../model/resources/network.js";
import { formatPrefix } from "../../net/index.js";
import {
  asg,
  gateway,
  ip,
  peering,
  type RuleSpec,
  ref,
  routeTable,
  siteToSite,
  vnet,
} from "../routes/testEstate.js";
import { evaluateNsgs, ipFlowVerify } from "./evaluate.js";
import { A, estate, inb, NIC, out, ruleOf } from "./nsgTestEstate.js";
import { virtualNetworkTag } from "./virtualNetworkTag.js";

describe("semantics §3.4 VirtualNetwork = VNet space + peered VNets + on-prem via gateway + 168.63.129.16 + UDR prefixes", () => {
  it("holds exactly those prefixes, in that order", () => {
    const e = estate({
      nicRules: [],
      subnet: { routeTable: ref(N.routeTable, "rt") },
      peerings: [peering("vnet1", "vnet2")],
      extra: [
        vnet("vnet2", ["10.2.0.0/16"], [{ name: "x", prefix: "10.2.0.0/24" }], {
          peerings: [peering("vnet2", "vnet1")] as never,
        }),
        gateway("gw", "vnet1"),
        ...siteToSite("gw", "lng", ["192.168.10.0/24"]),
        routeTable("rt", [
          {
            name: "r",
            addressPrefix: "198.18.0.0/15",
            nextHopType: "VirtualAppliance",
            nextHopIpAddress: "10.1.0.5",
          },
        ]),
      ],
    });
    expect(virtualNetworkTag(e, A).prefixes.map(formatPrefix)).toEqual([
      "10.1.0.0/16",
      "168.63.129.16/32",
      "10.2.0.0/16",
      "192.168.10.0/24",
      "198.18.0.0/15",
    ]);
    for (const src of ["10.2.0.9", "192.168.10.9", "198.18.0.9"]) {
      expect(ruleOf(e, inb(src))).toEqual(["Allow defaultSecurityRules/AllowVnetInBound"]);
    }
    expect(ruleOf(e, inb("10.3.0.9"))).toEqual(["Deny defaultSecurityRules/DenyAllInBound"]);
  });

  it("leaves out a peered VNet whose peering disallows virtual network access [INF]", () => {
    const e = estate({
      nicRules: [],
      peerings: [peering("vnet1", "vnet2", { allowVirtualNetworkAccess: false })],
      extra: [
        vnet("vnet2", ["10.2.0.0/16"], [{ name: "x", prefix: "10.2.0.0/24" }], {
          peerings: [peering("vnet2", "vnet1")] as never,
        }),
      ],
    });
    expect(virtualNetworkTag(e, A).prefixes.map(formatPrefix)).toEqual(["10.1.0.0/16", "168.63.129.16/32"]);
    expect(ruleOf(e, inb("10.2.0.9"))).toEqual(["Deny defaultSecurityRules/DenyAllInBound"]);
  });

  it("a 0.0.0.0/0 UDR makes VirtualNetwork everything: AllowVnetInBound then admits Internet sources", () => {
    const forced = estate({
      nicRules: [],
      subnet: { routeTable: ref(N.routeTable, "rt") },
      extra: [
        routeTable("rt", [
          {
            name: "fw",
            addressPrefix: "0.0.0.0/0",
            nextHopType: "VirtualAppliance",
            nextHopIpAddress: "10.1.0.5",
          },
        ]),
      ],
    });
    expect(ruleOf(forced, inb("203.0.113.7"))).toEqual(["Allow defaultSecurityRules/AllowVnetInBound"]);
  });
});

describe("semantics §3.4 Internet = everything outside VirtualNetwork, Azure public IPs included; §3.3 SE traffic is subject to outbound NSG", () => {
  const lockdown: RuleSpec[] = [
    {
      name: "allow-storage",
      priority: 100,
      direction: "Outbound",
      access: "Allow",
      destinationAddressPrefix: "Storage.EastUS",
      destinationPortRange: "443",
      protocol: "Tcp",
    },
    {
      name: "deny-internet",
      priority: 200,
      direction: "Outbound",
      access: "Deny",
      destinationAddressPrefix: "Internet",
    },
  ];
  it("default AllowInternetOutBound permits traffic to a storage public IP (SE or not)", () => {
    const e = estate({ nicRules: [], subnet: { serviceEndpoints: [{ service: "Microsoft.Storage" }] } });
    expect(ruleOf(e, out("52.239.1.1"))).toEqual(["Allow defaultSecurityRules/AllowInternetOutBound"]);
  });
  it("allow Storage.<region> then deny Internet: storage passes, other Azure services are denied", () => {
    const e = estate({
      nicRules: lockdown,
      subnet: { serviceEndpoints: [{ service: "Microsoft.Storage" }] },
    });
    expect(ruleOf(e, out("52.239.1.1"))).toEqual(["Allow securityRules/allow-storage"]);
    expect(ruleOf(e, out("40.79.1.1"))).toEqual(["Deny securityRules/deny-internet"]);
    expect(ruleOf(e, out("10.1.0.9"))).toEqual(["Allow defaultSecurityRules/AllowVnetOutBound"]);
  });
});

describe("semantics §3.5 application security groups: membership from NIC IP configurations", () => {
  const rules: RuleSpec[] = [
    {
      name: "web-in",
      priority: 100,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      destinationPortRange: "80",
      sourceAddressPrefix: "Internet",
      destinationApplicationSecurityGroups: [ref(N.applicationSecurityGroup, "web")],
    },
  ];
  it("matches the NIC's address only when its IP configuration is in the ASG", () => {
    expect(ruleOf(estate({ subnetRules: rules, asgs: ["web"] }), inb("203.0.113.7", 80))).toEqual([
      "Allow securityRules/web-in",
    ]);
    const notMember = estate({ subnetRules: rules, extra: [asg("web")] });
    expect(ruleOf(notMember, inb("203.0.113.7", 80))).toEqual(["Deny defaultSecurityRules/DenyAllInBound"]);
  });
});

describe("semantics §3.3 platform traffic to 168.63.129.16 / 169.254.169.254 is not subject to NSGs unless a platform tag is used", () => {
  const denyAll: RuleSpec = { name: "deny-all", priority: 4000, direction: "Outbound", access: "Deny" };
  it("passes a deny-all rule, reported as a platform bypass", () => {
    const [ev] = evaluateNsgs(estate({ nicRules: [denyAll] }), out("168.63.129.16", 53, "Udp"));
    expect(ev).toMatchObject({ access: "Allow", platformBypass: true });
    expect(evaluateNsgs(estate({ nicRules: [denyAll] }), out("169.254.169.254", 80))[0]?.access).toBe(
      "Allow",
    );
  });
  it("is filtered by rules naming AzurePlatformDNS or AzurePlatformIMDS", () => {
    const e = estate({
      nicRules: [
        {
          name: "no-dns",
          priority: 100,
          direction: "Outbound",
          access: "Deny",
          destinationAddressPrefix: "AzurePlatformDNS",
        },
        {
          name: "no-imds",
          priority: 110,
          direction: "Outbound",
          access: "Deny",
          destinationAddressPrefix: "AzurePlatformIMDS",
        },
        denyAll,
      ],
    });
    expect(ruleOf(e, out("168.63.129.16", 53, "Udp"))).toEqual(["Deny securityRules/no-dns"]);
    expect(ruleOf(e, out("169.254.169.254", 80))).toEqual(["Deny securityRules/no-imds"]);
  });
  it("inbound health probes from 168.63.129.16 stay subject to NSGs", () => {
    const e = estate({
      nicRules: [{ name: "deny-in", priority: 100, direction: "Inbound", access: "Deny" }],
    });
    expect(ruleOf(e, inb("168.63.129.16", 80))).toEqual(["Deny securityRules/deny-in"]);
  });
});

describe("semantics §10 IP flow verify: NSGs only, access and the deciding rule", () => {
  const e = estate({
    nicRules: [
      {
        name: "ssh",
        priority: 100,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        destinationPortRange: "22",
        sourceAddressPrefix: "203.0.113.0/24",
      },
    ],
  });
  it("reports Allow by the custom rule and Deny by the default rule", () => {
    const allow = ipFlowVerify(e, {
      nicId: NIC,
      direction: "Inbound",
      protocol: "TCP",
      localPort: 22,
      remoteIp: ip("203.0.113.5"),
      remotePort: 50000,
    });
    expect(allow).toMatchObject({ access: "Allow", ruleName: "securityRules/ssh" });
    const deny = ipFlowVerify(e, {
      nicId: NIC,
      direction: "Inbound",
      protocol: "TCP",
      localPort: 22,
      remoteIp: ip("198.51.100.5"),
      remotePort: 50000,
    });
    expect(deny).toMatchObject({ access: "Deny", ruleName: "defaultSecurityRules/DenyAllInBound" });
  });
});
