// what-if on the seed lab: the outages the seeds warn about, each reported with its reason, and nothing for
// an unchanged estate.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { storageAccount } from "../../test/fixtures/arm.js";
import type { ArmResource } from "../model/arm.js";
import { compileEstate } from "../model/compileEstate.js";
import { whatIf } from "./whatIf.js";

type Res = ArmResource<Record<string, unknown>>;
const lab = (
  JSON.parse(readFileSync(join(import.meta.dirname, "../../examples/lab000/estate.json"), "utf8")) as {
    resources: Res[];
  }
).resources;
const copy = (): Res[] => structuredClone(lab);
const named = (rs: Res[], name: string): Res => rs.find((r) => r.name === name)!;
const subnet = (rs: Res[], name: string): { name: string; properties: Record<string, unknown> } =>
  (
    named(rs, "vnet-workloads").properties!.subnets as { name: string; properties: Record<string, unknown> }[]
  ).find((s) => s.name === name)!;
const VM_WEB_PIP = "51.140.10.20";

describe("what-if", () => {
  it("reports nothing for an unchanged estate", () => {
    expect(whatIf(compileEstate(lab), compileEstate(copy())).changes).toEqual([]);
  });

  it("reports the IP-switch outage: enabling Microsoft.Storage on snet-web hides vm-web's public address", () => {
    // An account in the paired region admits vm-web by its public IP; the endpoint then carries the private one.
    const backup = storageAccount("stgbackupukw", "ukwest", {
      networkAcls: { defaultAction: "Deny", ipRules: [{ value: VM_WEB_PIP, action: "Allow" }] },
    }) as Res;
    const before = [...copy(), backup];
    subnet(before, "snet-web").properties.serviceEndpoints = [];
    const after = [...copy(), backup];
    const report = whatIf(compileEstate(before), compileEstate(after));
    const c = report.changes.find((x) => x.source.label === "vm-web" && x.resource.name === "stgbackupukw")!;
    expect(c.before).toMatchObject({ verdict: "Allow", path: "internet", sourceIpSeenByService: VM_WEB_PIP });
    expect(c.after).toMatchObject({
      verdict: "Deny",
      path: "serviceEndpoint",
      sourceIpSeenByService: "10.0.2.4",
    });
    expect(c.reason).toContain("snet-web: serviceEndpoints +Microsoft.Storage");
    expect(c.reason).toContain(`the source seen by stgbackupukw switches from ${VM_WEB_PIP} to 10.0.2.4`);
    expect(c.reason).toMatch(/before: Allow by firewall networkAcls\.ipRules.*after: Deny by firewall/);
  });

  it("reports the cross-region SQL rule: moving the server out of the subnet's region voids its VNet rule", () => {
    const after = copy();
    named(after, "sql-workloads").location = "ukwest";
    const report = whatIf(compileEstate(lab), compileEstate(after));
    const c = report.changes.find((x) => x.source.label === "vm-app" && x.resource.name === "sql-workloads")!;
    expect(c.before).toMatchObject({ verdict: "Allow", path: "serviceEndpoint" });
    expect(c.after).toMatchObject({ verdict: "Deny", path: "internet" });
    expect(c.reason).toContain("sql-workloads: location uksouth → ukwest");
    expect(c.reason).toContain("the path changes from serviceEndpoint to internet");
  });

  it("reports a policy that blocks a second account", () => {
    const after = copy();
    subnet(after, "snet-web").properties.serviceEndpointPolicies = [
      { id: named(after, "sep-storage-policy").id },
    ];
    const report = whatIf(compileEstate(lab), compileEstate(after));
    const blocked = report.changes.filter((x) => x.source.label === "vm-web");
    expect(blocked.map((x) => x.resource.name)).toEqual(["stgexternal01"]);
    expect(blocked[0]!.after.decidedBy).toMatchObject({ stage: "policy" });
    expect(blocked[0]!.reason).toContain("snet-web: serviceEndpointPolicies +sep-storage-policy");
  });

  it("flags a lock-out of the deployer", () => {
    const after = copy();
    (named(after, "stgworkloads").properties!.networkAcls as { ipRules: unknown[] }).ipRules = [];
    const report = whatIf(compileEstate(lab), compileEstate(after), { deployer: "203.0.113.50" });
    const lock = report.changes.filter((x) => x.lockout);
    expect(lock.map((x) => x.resource.name)).toEqual(["stgworkloads"]);
    expect(lock[0]!.reason).toMatch(/^LOCK-OUT: stgworkloads: networkAcls\.ipRules -203\.0\.113\.0\/24/);
  });
});
