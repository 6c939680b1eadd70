// The exfiltration audit on the seed lab: which subnets reach accounts outside the trusted set and how, which
// storage endpoints lack a policy, and a proposed policy whose what-if closes the gap and breaks nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nsg } from "../../../test/fixtures/arm.js";
import type { ArmResource } from "../../model/arm.js";
import { compileEstate } from "../../model/compileEstate.js";
import { auditExfiltration } from "./exfiltration.js";
import { ROGUE_SUBSCRIPTION } from "./rogue.js";

const lab = (
  JSON.parse(readFileSync(join(import.meta.dirname, "../../../examples/lab000/estate.json"), "utf8")) as {
    resources: ArmResource[];
  }
).resources;
const name = (id: string): string => id.split("/").pop()!;

describe("audit exfiltration", () => {
  const report = auditExfiltration(compileEstate(lab));

  it("finds snet-web's endpoint path to any storage account in its region, and none from snet-app's policy", () => {
    const storageOverEndpoint = report.paths.filter(
      (p) =>
        p.destination.kind === "rogue" && p.destination.service === "storage" && p.path === "serviceEndpoint",
    );
    expect(storageOverEndpoint.map((p) => name(p.subnetId))).toEqual(["snet-web", "snet-web"]);
    expect(
      storageOverEndpoint.map((p) => p.destination.kind === "rogue" && p.destination.region).sort(),
    ).toEqual(["uksouth", "ukwest"]);
    // snet-app's endpoint policy upgrades its storage traffic to the endpoint everywhere and lists only its account.
    expect(
      report.paths.some(
        (p) => name(p.subnetId) === "snet-app" && p.destination.resourceType.includes("Storage"),
      ),
    ).toBe(false);
    // Policies filter only Storage: snet-app's Key Vault endpoint reaches any vault [S2 S1].
    expect(
      report.paths.some(
        (p) =>
          name(p.subnetId) === "snet-app" &&
          p.destination.kind === "rogue" &&
          p.destination.service === "keyVault",
      ),
    ).toBe(true);
  });

  it("lists storage endpoints without a policy", () => {
    expect(report.unprotectedSubnets.map((u) => [name(u.subnetId), u.endpoints])).toEqual([
      ["snet-web", ["Microsoft.Storage"]],
    ]);
  });

  it("proposes a policy of the accounts snet-web reaches today, which closes every path and breaks nothing", () => {
    expect(report.proposals).toHaveLength(1);
    const p = report.proposals[0]!;
    expect(p.accounts.map(name)).toEqual(["stgexternal01", "stgworkloads"]);
    expect(p.policy?.location).toBe("uksouth");
    expect(p.whatIf?.broken).toEqual([]);
    expect(p.whatIf?.kept.map(name)).toEqual(["stgexternal01", "stgworkloads"]);
    expect(p.whatIf?.stillOpen).toEqual([]);
    // Every attacker account snet-web reached, over the endpoint or the internet, is now refused by the policy.
    expect(p.whatIf?.closed.length).toBe(3);
    for (const c of p.whatIf!.closed) {
      expect(c.resourceId).toContain(ROGUE_SUBSCRIPTION);
      expect(c.after.decidedBy).toMatchObject({ stage: "policy", resourceId: p.policy!.id });
    }
  });

  it("treats the estate's own resources as outside when their subscription is not trusted", () => {
    const r = auditExfiltration(compileEstate(lab), {
      trustedSubscriptions: ["22222222-2222-2222-2222-222222222222"],
    });
    const estate = r.paths.filter((p) => p.destination.kind === "estate");
    expect(
      estate.some(
        (p) =>
          name(p.subnetId) === "snet-app" &&
          p.destination.kind === "estate" &&
          name(p.destination.resourceId) === "stgworkloads",
      ),
    ).toBe(true);
  });

  it("finds no path from a subnet whose NSG denies the internet and the services", () => {
    const closed = nsg("nsg-closed", "uksouth", [{ name: "deny-out", priority: 100, access: "Deny" }]);
    const resources = lab.map((r) => {
      if (r.name !== "vnet-workloads") return r;
      const v = structuredClone(r) as ArmResource<{
        subnets: { name: string; properties: Record<string, unknown> }[];
      }>;
      for (const s of v.properties!.subnets) s.properties.networkSecurityGroup = { id: closed.id };
      return v;
    });
    const r = auditExfiltration(compileEstate([...resources, closed]));
    expect(r.paths).toEqual([]);
    // The storage endpoint on snet-web still lacks a policy, but nothing leaks: no proposal is needed.
    expect(r.unprotectedSubnets).toHaveLength(1);
    expect(r.proposals).toEqual([]);
  });
});
