// parseIpv4 reads characters in one pass; it must accept exactly what the rule "four dot-separated decimal
// octets, 0-255, no leading zeros" (written here as a regular expression per part) accepts.
import { describe, expect, it } from "vitest";
import { parseIpv4 } from "./ipAddress.js";

function reference(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

describe("parseIpv4", () => {
  it("agrees with the per-part rule on edge cases and on random strings", () => {
    const cases = ["1.2.3.4", "0.0.0.0", "255.255.255.255", "1.2.3.4.", ".1.2.3", "1..2.3", "01.2.3.4"];
    cases.push(
      "1.2.3.256",
      "1.2.3.1000",
      "10.1",
      " 10.0.0.1",
      "10.0.0.1 ",
      "1.2.3.4.5",
      "",
      "...",
      "1.2.3.0x1",
    );
    for (const t of cases) expect(parseIpv4(t), t).toBe(reference(t));
    const alphabet = [
      "0",
      "1",
      "2",
      "5",
      "9",
      ".",
      "a",
      " ",
      "00",
      "25",
      "255",
      "256",
      "010",
      "1000",
      "-",
      "٣",
    ];
    let seed = 7;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let i = 0; i < 50_000; i++) {
      let t = "";
      for (let j = next(12); j > 0; j--) t += alphabet[next(alphabet.length)];
      expect(parseIpv4(t), JSON.stringify(t)).toBe(reference(t));
    }
  });
});
