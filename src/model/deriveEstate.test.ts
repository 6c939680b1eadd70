// deriveEstate must give the same estate as compiling the changed inputs from scratch.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ArmResource } from "./arm.js";
import { compileEstate, deriveEstate } from "./compileEstate.js";
import type { Estate } from "./estate.js";
import { VnetlabError } from "./errors.js";
import { idKey } from "./resourceId.js";

const lab = (
  JSON.parse(readFileSync(join(import.meta.dirname, "../../examples/lab000/estate.json"), "utf8")) as {
    resources: ArmResource[];
  }
).resources;
const SQL = lab.find((r) => r.name === "sql-workloads")!.id;
const VNET = lab.find((r) => r.name === "vnet-workloads")!.id;

/** Every resource of an estate by id, as plain JSON, for comparison. */
function snapshot(e: Estate): Record<string, unknown> {
  return Object.fromEntries([...e.resources].map((r) => [idKey(r.id), JSON.parse(JSON.stringify(r))]).sort());
}

/** What the indexes answer: every type's and every name's resources, and a lookup of every id. */
function indexes(e: Estate, ids: readonly string[]): Record<string, unknown> {
  const ofType = new Set(e.resources.map((r) => r.type.toLowerCase()));
  const names = new Set(e.resources.map((r) => r.name.toLowerCase()));
  const sorted = (list: readonly ArmResource[]): string[] => list.map((r) => idKey(r.id)).sort();
  return {
    types: Object.fromEntries([...ofType].sort().map((t) => [t, sorted(e.ofType(t))])),
    names: Object.fromEntries([...names].sort().map((n) => [n, sorted(e.byName(n.toUpperCase()))])),
    ids: Object.fromEntries(ids.map((id) => [id, e.get(id.toUpperCase())?.id.toLowerCase() ?? null])),
  };
}

function expectSame(derived: Estate, full: Estate, ids: readonly string[]): void {
  expect(snapshot(derived)).toEqual(snapshot(full));
  expect(indexes(derived, ids)).toEqual(indexes(full, ids));
}

function same(inputs: ArmResource[], puts: ArmResource[], removes: string[] = []): void {
  const base = compileEstate(inputs);
  const derived = deriveEstate(base, puts, removes);
  const gone = new Set([...removes, ...puts.map((p) => p.id)].map(idKey));
  const full = compileEstate([...inputs.filter((r) => !gone.has(idKey(r.id))), ...puts]);
  expectSame(
    derived,
    full,
    [...base.resources, ...derived.resources].map((r) => r.id),
  );
  // The base is untouched.
  expect(snapshot(base)).toEqual(snapshot(compileEstate(inputs)));
}

const sqlRule = (name: string, subnet: string): ArmResource => ({
  id: `${SQL}/firewallRules/${name}`,
  name,
  type: "Microsoft.Sql/servers/firewallRules",
  properties: { startIpAddress: subnet, endIpAddress: subnet },
});

describe("deriveEstate equals a full compile", () => {
  it("replacing a VNet with a changed subnet list", () => {
    const vnet = structuredClone(lab.find((r) => r.id === VNET)!) as ArmResource<{ subnets: object[] }>;
    vnet.properties!.subnets.push({ name: "snet-new", properties: { addressPrefix: "10.0.9.0/24" } });
    same(lab, [vnet]);
  });

  it("adding, replacing and removing a separately declared child", () => {
    same(lab, [sqlRule("r1", "203.0.113.1")]);
    const withRule = [...lab, sqlRule("r1", "203.0.113.1")];
    same(withRule, [sqlRule("r1", "203.0.113.9")]);
    same(withRule, [], [`${SQL}/firewallRules/r1`]);
  });

  it("replacing a parent keeps its separately declared children", () => {
    const withRule = [...lab, sqlRule("r1", "203.0.113.1")];
    const server = structuredClone(lab.find((r) => r.id === SQL)!);
    server.tags = { changed: "yes" };
    same(withRule, [server]);
  });

  it("removing a resource and its lifted children", () => {
    const stg = lab.find((r) => r.name === "stgexternal01")!.id;
    same(lab, [], [stg]);
  });

  it("checks the changed resources", () => {
    const base = compileEstate(lab);
    const vnet = structuredClone(lab.find((r) => r.id === VNET)!) as ArmResource<{
      subnets: { properties: Record<string, unknown> }[];
    }>;
    vnet.properties!.subnets[0]!.properties.addressPrefix = "10.0.1.0/33";
    expect(() => deriveEstate(base, [vnet])).toThrow(VnetlabError);
  });

  it("a long chain of derivations (past the depth where layers are flattened) still equals a full compile", () => {
    // Each step adds, renames or removes an SQL firewall rule, or replaces the VNet with one more subnet.
    let inputs = [...lab];
    let estate = compileEstate(inputs);
    const seen = new Set(inputs.map((r) => r.id));
    for (let step = 0; step < 40; step++) {
      let puts: ArmResource[] = [];
      let removes: string[] = [];
      const rules = inputs.filter((r) => r.type === "Microsoft.Sql/servers/firewallRules");
      if (step % 4 === 3 && rules.length > 0) removes = [rules[0]!.id];
      else if (step % 4 === 2) {
        const vnet = structuredClone(inputs.find((r) => r.id === VNET)!) as ArmResource<{
          subnets: object[];
        }>;
        vnet.properties!.subnets.push({
          name: `snet-s${step}`,
          properties: { addressPrefix: `10.0.${100 + step}.0/24` },
        });
        puts = [vnet];
      } else puts = [sqlRule(`r${step % 6}`, `203.0.113.${step}`)];
      estate = deriveEstate(estate, puts, removes);
      const gone = new Set([...removes, ...puts.map((p) => p.id)].map(idKey));
      // A replaced input keeps its place (as a replaced child keeps its place in its parent's list).
      const byKey = new Map(puts.map((p) => [idKey(p.id), p]));
      const kept = inputs.flatMap((r) => {
        const key = idKey(r.id);
        return byKey.get(key) ?? (gone.has(key) ? [] : [r]);
      });
      const known = new Set(inputs.map((r) => idKey(r.id)));
      inputs = [...kept, ...puts.filter((p) => !known.has(idKey(p.id)))];
      for (const r of estate.resources) seen.add(r.id);
      expectSame(estate, compileEstate(inputs), [...seen]);
    }
  });
});
