import { describe, expect, it } from "vitest";
import { NetworkTypes as N } from "../../model/resources/network.js";
import { type RuleSpec, rid } from "../routes/testEstate.js";
import { evaluateNsgs, nsgVerdict } from "./evaluate.js";
import { estate, inb, out, ruleOf } from "./nsgTestEstate.js";
import type { NsgFlow } from "./types.js";

describe("semantics §3.2 default rules decide when no custom rule matches", () => {
  const e = estate({ nicRules: [] });
  it("allows VNet traffic in and out, Internet out, load-balancer probes in, and denies Internet in", () => {
    expect(ruleOf(e, inb("10.1.0.9"))).toEqual(["Allow defaultSecurityRules/AllowVnetInBound"]);
    // The host VIP is in VirtualNetwork, so AllowVnetInBound (65000) admits probes before 65001 does.
    expect(ruleOf(e, inb("168.63.129.16", 80))).toEqual(["Allow defaultSecurityRules/AllowVnetInBound"]);
    expect(ruleOf(e, inb("203.0.113.7"))).toEqual(["Deny defaultSecurityRules/DenyAllInBound"]);
    expect(ruleOf(e, out("10.1.0.9"))).toEqual(["Allow defaultSecurityRules/AllowVnetOutBound"]);
    expect(ruleOf(e, out("203.0.113.7"))).toEqual(["Allow defaultSecurityRules/AllowInternetOutBound"]);
    expect(evaluateNsgs(e, inb("203.0.113.7"))[0]?.priority).toBe(65500);
  });
});

describe("semantics §3.1 first match by priority stops processing", () => {
  it("a lower number wins whatever the order rules are written in", () => {
    const rules: RuleSpec[] = [
      {
        name: "allow-https",
        priority: 200,
        direction: "Outbound",
        access: "Allow",
        protocol: "Tcp",
        destinationPortRange: "443",
      },
      {
        name: "deny-https",
        priority: 100,
        direction: "Outbound",
        access: "Deny",
        protocol: "Tcp",
        destinationPortRange: "443",
      },
    ];
    const [ev] = evaluateNsgs(estate({ nicRules: rules }), out("203.0.113.7"));
    expect(ev).toMatchObject({
      rule: "securityRules/deny-https",
      priority: 100,
      access: "Deny",
      association: "networkInterface",
    });
    expect(ev?.ruleId).toBe(rid(N.securityRule, "nic-nsg", "deny-https"));
  });
});

describe("semantics §3.3 outbound NIC NSG then subnet NSG, inbound subnet then NIC; both must allow", () => {
  const e = estate({
    nicRules: [
      {
        name: "nic-deny-22",
        priority: 100,
        direction: "Inbound",
        access: "Deny",
        protocol: "Tcp",
        destinationPortRange: "22",
      },
    ],
    subnetRules: [
      {
        name: "subnet-deny-web",
        priority: 100,
        direction: "Outbound",
        access: "Deny",
        destinationAddressPrefix: "203.0.113.0/24",
      },
    ],
  });
  it("orders the evaluations by direction", () => {
    expect(evaluateNsgs(e, out("203.0.113.7")).map((x) => x.association)).toEqual([
      "networkInterface",
      "subnet",
    ]);
    expect(evaluateNsgs(e, inb("10.1.0.9", 22)).map((x) => x.association)).toEqual([
      "subnet",
      "networkInterface",
    ]);
  });
  it("denies when either NSG denies", () => {
    const o = evaluateNsgs(e, out("203.0.113.7"));
    expect(nsgVerdict(o)).toMatchObject({
      access: "Deny",
      decidedBy: { rule: "securityRules/subnet-deny-web" },
    });
    const i = evaluateNsgs(e, inb("10.1.0.9", 22));
    expect(i.map((x) => x.access)).toEqual(["Allow", "Deny"]);
    expect(nsgVerdict(evaluateNsgs(e, inb("10.1.0.9", 80))).access).toBe("Allow");
  });
  it("a missing NSG allows", () => {
    const none = estate({});
    expect(evaluateNsgs(none, out("203.0.113.7"))).toEqual([]);
    expect(nsgVerdict([]).access).toBe("Allow");
  });
});

describe("semantics §3.1 protocol and port ranges (single, a-b, lists, *)", () => {
  const e = estate({
    nicRules: [
      {
        name: "udp-53",
        priority: 100,
        direction: "Outbound",
        access: "Deny",
        protocol: "Udp",
        destinationPortRange: "53",
      },
      {
        name: "range",
        priority: 110,
        direction: "Outbound",
        access: "Deny",
        protocol: "Tcp",
        destinationPortRange: "1000-2000",
      },
      {
        name: "list",
        priority: 120,
        direction: "Outbound",
        access: "Deny",
        protocol: "Tcp",
        destinationPortRanges: ["21", "3000-3001"],
      },
      {
        name: "src",
        priority: 130,
        direction: "Outbound",
        access: "Deny",
        protocol: "*",
        sourcePortRange: "7",
        destinationPortRange: "*",
      },
    ],
  });
  const rule = (f: NsgFlow) => evaluateNsgs(e, f)[0]?.rule;
  it("matches the protocol exactly, * matching any", () => {
    expect(rule(out("8.8.8.8", 53, "Udp"))).toBe("securityRules/udp-53");
    expect(rule(out("8.8.8.8", 53, "Tcp"))).toBe("defaultSecurityRules/AllowInternetOutBound");
  });
  it("matches single ports, ranges and lists", () => {
    expect(rule(out("8.8.8.8", 1000))).toBe("securityRules/range");
    expect(rule(out("8.8.8.8", 2000))).toBe("securityRules/range");
    expect(rule(out("8.8.8.8", 2001))).toBe("defaultSecurityRules/AllowInternetOutBound");
    expect(rule(out("8.8.8.8", 21))).toBe("securityRules/list");
    expect(rule(out("8.8.8.8", 3001))).toBe("securityRules/list");
    expect(rule({ ...out("8.8.8.8", 80), sourcePort: 7 })).toBe("securityRules/src");
  });
  it("ICMP and unknown ports only match rules that take every port [INF]", () => {
    expect(rule(out("8.8.8.8", 1500, "Icmp"))).toBe("defaultSecurityRules/AllowInternetOutBound");
    expect(rule({ ...out("8.8.8.8", 1500), destinationPort: undefined })).toBe(
      "defaultSecurityRules/AllowInternetOutBound",
    );
  });
});

describe("semantics §3.1 address prefixes: IP, CIDR, *, 0.0.0.0/0 and service tags (regional ones too)", () => {
  const e = estate({
    nicRules: [
      {
        name: "ip",
        priority: 100,
        direction: "Outbound",
        access: "Deny",
        destinationAddressPrefix: "203.0.113.7",
      },
      {
        name: "cidr",
        priority: 110,
        direction: "Outbound",
        access: "Deny",
        destinationAddressPrefixes: ["198.51.100.0/24", "192.0.2.0/24"],
      },
      {
        name: "sql-east",
        priority: 120,
        direction: "Outbound",
        access: "Deny",
        destinationAddressPrefix: "Sql.EastUS",
      },
      {
        name: "kv",
        priority: 130,
        direction: "Outbound",
        access: "Deny",
        destinationAddressPrefix: "AzureKeyVault",
      },
      {
        name: "all-v4",
        priority: 140,
        direction: "Inbound",
        access: "Allow",
        sourceAddressPrefix: "0.0.0.0/0",
        destinationPortRange: "8443",
      },
    ],
  });
  const rule = (f: NsgFlow) => evaluateNsgs(e, f)[0]?.rule;
  it("matches each kind of prefix", () => {
    expect(rule(out("203.0.113.7"))).toBe("securityRules/ip");
    expect(rule(out("203.0.113.8"))).toBe("defaultSecurityRules/AllowInternetOutBound");
    expect(rule(out("192.0.2.200"))).toBe("securityRules/cidr");
    expect(rule(out("40.121.3.3"))).toBe("securityRules/sql-east");
    expect(rule(out("40.112.3.3"))).toBe("defaultSecurityRules/AllowInternetOutBound");
    expect(rule(out("40.79.3.3"))).toBe("securityRules/kv");
    expect(rule(inb("203.0.113.9", 8443))).toBe("securityRules/all-v4");
  });
});
