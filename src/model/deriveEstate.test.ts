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

function same(inputs: ArmResource[], puts: ArmResource[], removes: string[] = []): void {
  const base = compileEstate(inputs);
  const derived = deriveEstate(base, puts, removes);
  const gone = new Set([...removes, ...puts.map((p) => p.id)].map(idKey));
  const full = compileEstate([...inputs.filter((r) => !gone.has(idKey(r.id))), ...puts]);
  expect(snapshot(derived)).toEqual(snapshot(full));
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
});
