import { describe, expect, it } from "vitest";
import {
  containsIp,
  containsPrefix,
  formatIp,
  formatPrefix,
  isRfc1918,
  LpmTable,
  overlaps,
  PrefixSet,
  parseIp,
  parseIpRange,
  parsePrefix,
  parsePrefixDetailed,
  rangeContains,
} from "./index.js";

const ip = (t: string) => parseIp(t)!;
const pfx = (t: string) => parsePrefix(t)!;

describe("strict address parsing (ARM rejects anything but dotted quads)", () => {
  it.each([
    "10.1",
    "010.0.0.1",
    "0x0a.0.0.1",
    "167772161",
    "10.0.0.256",
    " 10.0.0.1",
    "10.0.0.1 ",
    "1.2.3.4.5",
    "",
  ])("rejects %j", (t) => expect(parseIp(t)).toBeUndefined());
  it("parses and formats IPv4 and IPv6", () => {
    expect(formatIp(ip("10.0.1.4"))).toBe("10.0.1.4");
    expect(formatIp(ip("255.255.255.255"))).toBe("255.255.255.255");
    expect(formatIp(ip("2001:db8::1"))).toBe("2001:db8::1");
    expect(ip("2001:db8::1").family).toBe(6);
  });
});

describe("prefixes", () => {
  it("rejects invalid lengths and keeps track of host bits", () => {
    expect(parsePrefix("10.0.0.0/33")).toBeUndefined();
    expect(parsePrefix("10.0.0.0/-1")).toBeUndefined();
    expect(parsePrefix("10.0.0.0/08")).toBeUndefined();
    expect(parsePrefixDetailed("10.0.1.5/24")).toMatchObject({ hadHostBits: true });
    expect(formatPrefix(pfx("10.0.1.5/24"))).toBe("10.0.1.0/24");
    expect(formatPrefix(pfx("10.0.0.7"))).toBe("10.0.0.7/32");
    expect(formatPrefix(pfx("2001:db8::/32"))).toBe("2001:db8::/32");
  });
  it("contains and overlaps", () => {
    expect(containsIp(pfx("10.0.0.0/16"), ip("10.0.255.1"))).toBe(true);
    expect(containsIp(pfx("10.0.0.0/16"), ip("10.1.0.1"))).toBe(false);
    expect(containsIp(pfx("0.0.0.0/0"), ip("203.0.113.1"))).toBe(true);
    expect(containsIp(pfx("10.0.0.0/8"), ip("::1"))).toBe(false);
    expect(containsPrefix(pfx("10.0.0.0/16"), pfx("10.0.1.0/24"))).toBe(true);
    expect(containsPrefix(pfx("10.0.1.0/24"), pfx("10.0.0.0/16"))).toBe(false);
    expect(overlaps(pfx("10.0.1.0/24"), pfx("10.0.0.0/16"))).toBe(true);
    expect(overlaps(pfx("10.0.1.0/24"), pfx("10.0.2.0/24"))).toBe(false);
    expect(isRfc1918(pfx("172.20.0.0/16"))).toBe(true);
    expect(isRfc1918(pfx("172.32.0.0/16"))).toBe(false);
  });
});

describe("PrefixSet", () => {
  const set = PrefixSet.of(["10.0.0.0/25", "10.0.0.128/25", "192.168.1.0/24", "2001:db8::/48"].map(pfx));
  it("merges adjacent prefixes and answers membership", () => {
    expect(set.has(ip("10.0.0.200"))).toBe(true);
    expect(set.has(ip("10.0.1.0"))).toBe(false);
    expect(set.containsPrefix(pfx("10.0.0.0/24"))).toBe(true);
    expect(set.containsPrefix(pfx("10.0.0.0/23"))).toBe(false);
    expect(set.overlapsPrefix(pfx("10.0.0.0/23"))).toBe(true);
    expect(set.has(ip("2001:db8::5"))).toBe(true);
    expect(set.ranges()).toHaveLength(3);
  });
  it("agrees with a linear scan on random addresses", () => {
    const prefixes = Array.from({ length: 200 }, (_, i) =>
      pfx(`${(i * 37) % 223}.${(i * 11) % 256}.0.0/${8 + (i % 17)}`),
    );
    const s = PrefixSet.of(prefixes);
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const a = { family: 4 as const, value: seed };
      expect(s.has(a)).toBe(prefixes.some((p) => containsIp(p, a)));
    }
  });
});

describe("LpmTable", () => {
  it("returns the longest match and every match longest first", () => {
    const t = new LpmTable<string>();
    t.insert(pfx("0.0.0.0/0"), "default");
    t.insert(pfx("10.0.0.0/8"), "ten");
    t.insert(pfx("10.0.0.0/16"), "vnet");
    t.insert(pfx("10.0.0.0/16"), "udr");
    expect(t.lookup(ip("10.0.5.5"))?.values).toEqual(["vnet", "udr"]);
    expect(t.lookup(ip("10.9.0.1"))?.values).toEqual(["ten"]);
    expect(t.lookup(ip("8.8.8.8"))?.values).toEqual(["default"]);
    expect(t.lookupAll(ip("10.0.5.5")).map((e) => formatPrefix(e.prefix))).toEqual([
      "10.0.0.0/16",
      "10.0.0.0/8",
      "0.0.0.0/0",
    ]);
    expect(t.lookup(ip("::1"))).toBeUndefined();
  });
});

describe("IP ranges (SQL firewall rules)", () => {
  it("are inclusive and refuse reversed bounds", () => {
    const r = parseIpRange("203.0.113.10", "203.0.113.20")!;
    expect(rangeContains(r, ip("203.0.113.10"))).toBe(true);
    expect(rangeContains(r, ip("203.0.113.21"))).toBe(false);
    expect(parseIpRange("10.0.0.2", "10.0.0.1")).toBeUndefined();
  });
});
