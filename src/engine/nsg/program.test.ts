// The compiled NSG programs (program.ts) against a plain reading of the rules: the first rule by priority
// whose protocol, ports and addresses all match. Random rule sets and packets; the answers must agree.
import { describe, expect, it } from "vitest";
import type { PrefixSet } from "../../net/index.js";
import type { RuleSpec } from "../routes/testEstate.js";
import { type CompiledRule, compiledNsg } from "./compile.js";
import { firstMatch, nsgPointOf } from "./evaluate.js";
import { A, estate, NIC } from "./nsgTestEstate.js";
import { portMatches } from "./ports.js";
import { addressMatches } from "./compile.js";
import type { Protocol } from "../flow.js";
import type { IpAddress } from "../../net/index.js";

/** mulberry32: a small PRNG whose low bits are as good as its high ones. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const ADDRESSES = [
  "*",
  "VirtualNetwork",
  "Internet",
  "10.1.0.0/24",
  "10.1.0.4",
  "Storage",
  "Sql.EastUS",
  "203.0.113.0/28",
];
const PORTS = ["*", "443", "22", "1000-2000", "1433", "0-65535", "80-443"];
const PROTOCOLS = ["Tcp", "Udp", "*", "Icmp"];

function randomRules(r: (n: number) => number): RuleSpec[] {
  const rules: RuleSpec[] = [];
  const count = 1 + r(25);
  for (let i = 0; i < count; i++) {
    const many = r(4) === 0;
    rules.push({
      name: `r${i}`,
      priority: 100 + i * 10 + r(5),
      direction: r(2) === 0 ? "Outbound" : "Inbound",
      access: r(2) === 0 ? "Allow" : "Deny",
      protocol: PROTOCOLS[r(PROTOCOLS.length)] as RuleSpec["protocol"],
      sourcePortRange: r(5) === 0 ? PORTS[r(PORTS.length)] : "*",
      ...(many
        ? { destinationPortRanges: [PORTS[1 + r(PORTS.length - 1)]!, PORTS[1 + r(PORTS.length - 1)]!] }
        : { destinationPortRange: PORTS[r(PORTS.length)] }),
      sourceAddressPrefix: ADDRESSES[r(ADDRESSES.length)],
      destinationAddressPrefix: ADDRESSES[r(ADDRESSES.length)],
    });
  }
  return rules;
}

/** The rules read one by one, as evaluate.ts did before programs existed. */
function reference(
  rules: readonly CompiledRule[],
  protocol: Protocol,
  src: IpAddress,
  sp: number,
  dst: IpAddress,
  dp: number,
  vnet: PrefixSet,
): CompiledRule | undefined {
  for (const rule of rules) {
    if (rule.protocol !== "*" && rule.protocol !== protocol) continue;
    const ported = protocol === "Tcp" || protocol === "Udp";
    if (!portMatches(rule.sourcePorts, ported ? sp : undefined)) continue;
    if (!portMatches(rule.destinationPorts, ported ? dp : undefined)) continue;
    if (addressMatches(rule.source, src, vnet) && addressMatches(rule.destination, dst, vnet)) return rule;
  }
  return undefined;
}

describe("compiled NSG programs", () => {
  it("pick the same rule as reading the rules in priority order", () => {
    const r = rng(42);
    const hosts = ["10.1.0.4", "10.1.0.9", "10.2.0.1", "203.0.113.5", "52.239.1.1", "40.121.3.3", "8.8.8.8"];
    let compared = 0;
    for (let round = 0; round < 60; round++) {
      const e = estate({ nicRules: randomRules(r) });
      const nsg = compiledNsg(e, nsgPointOf(e, NIC, A).nic!.id)!;
      const vnet = nsgPointOf(e, NIC, A).vnet;
      for (let k = 0; k < 200; k++) {
        const outbound = r(2) === 0;
        const protocol = (["Tcp", "Udp", "Icmp"] as const)[r(3)]!;
        const src = hosts[r(hosts.length)]!;
        const dst = hosts[r(hosts.length)]!;
        const sp = [49152, 22, 1500, 443][r(4)]!;
        const dp = [443, 22, 1433, 1000, 2000, 2001, 80, 0, 65535][r(9)]!;
        const [a, b] = [src, dst].map((t) => ({ family: 4 as const, value: ipValue(t) }));
        const got = firstMatch(nsg, outbound, protocol, a!, sp, b!, dp, vnet);
        const want = reference(outbound ? nsg.outbound : nsg.inbound, protocol, a!, sp, b!, dp, vnet);
        expect(got?.name).toBe(want?.name);
        compared++;
      }
    }
    expect(compared).toBe(12000);
  });
});

function ipValue(text: string): number {
  return text.split(".").reduce((v, o) => v * 256 + Number(o), 0);
}
