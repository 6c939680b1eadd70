// Every VM / NIC, the internet and each on-premises network gets a source; private endpoint NICs do not.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { PortBook, sourcesOf } from "./sources.js";
import { lab } from "./testLab.js";

const RG =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-networking/providers/Microsoft.Network";

describe("sourcesOf", () => {
  it("the lab: its two VMs and the internet", () => {
    expect(sourcesOf(lab()).map((s) => [s.name, s.kind, s.ip])).toEqual([
      ["vm-app", "vm", "10.0.1.4"],
      ["vm-web", "vm", "10.0.2.4"],
      ["internet", "internet", "198.51.100.7"],
    ]);
  });

  it("an on-premises network behind a local network gateway stands for itself by a host in its range", () => {
    const estate = lab(
      (r) =>
        void r.push({
          id: `${RG}/localNetworkGateways/lng-branch`,
          name: "lng-branch",
          type: "Microsoft.Network/localNetworkGateways",
          location: "uksouth",
          properties: {
            gatewayIpAddress: "203.0.113.9",
            localNetworkAddressSpace: { addressPrefixes: ["192.168.10.0/24"] },
          },
        }),
    );
    expect(
      sourcesOf(estate, "198.51.100.20")
        .slice(-2)
        .map((s) => [s.name, s.kind, s.ip]),
    ).toEqual([
      ["internet", "internet", "198.51.100.20"],
      ["lng-branch", "onprem", "192.168.10.1"],
    ]);
  });
});

describe("PortBook", () => {
  it("remembers each source's port in a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "vnetlab-dataplane-ports-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "ports.json");
    const book = new PortBook(file);
    expect(book.get("internet")).toBe(0);
    book.set("internet", 40123);
    expect(new PortBook(file).get("internet")).toBe(40123);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ internet: 40123 });
  });
});
