// The matrix must say what `trace` says, for every pair: a property test over random estates (the trace
// benchmark's generator: NSGs with service tags, forced tunnelling through NVAs, endpoint policies, private
// endpoints with private DNS, VNet and IP rules, a VPN gateway), plus the seed lab.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultOptions, generateEstate } from "../../../bench/trace/generate.js";
import { trace } from "../../engine/index.js";
import { compileEstate } from "../../model/compileEstate.js";
import type { Estate } from "../../model/estate.js";
import { computeMatrix, outcomeOf } from "./matrix.js";
import { matrixRows } from "./query.js";

/** Every cell against its own trace; returns what the cells covered. */
function agreesWithTrace(estate: Estate): { cells: number; seen: Set<string> } {
  const m = computeMatrix(estate);
  const seen = new Set<string>();
  let cells = 0;
  for (const cell of m.cells()) {
    cells++;
    const t = trace(estate, {
      source: cell.source.flow,
      destination: cell.resource.destination,
      protocol: "Tcp",
    });
    const want = { outcome: outcomeOf(t), seen: t.sourceIpSeenByService };
    const got = { outcome: cell.outcome, seen: cell.sourceIpSeenByService };
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      expect({ source: cell.source.id, resource: cell.resource.resource.id, ...got }).toEqual({
        source: cell.source.id,
        resource: cell.resource.resource.id,
        ...want,
      });
    }
    seen.add(
      `${cell.source.kind} ${cell.outcome.verdict} ${cell.outcome.path} ${cell.outcome.decidedBy.stage}`,
    );
  }
  const counts = m.counts();
  expect(counts.cells).toBe(cells);
  expect(cells).toBe(m.sources.length * m.resources.length);
  return { cells, seen };
}

describe("the reachability matrix agrees with trace on every pair", () => {
  it("on the seed lab", () => {
    const lab = JSON.parse(
      readFileSync(join(import.meta.dirname, "../../../examples/lab000/estate.json"), "utf8"),
    ) as { resources: unknown[] };
    expect(agreesWithTrace(compileEstate(lab.resources)).cells).toBe(20);
  });

  it("on random estates, seed after seed", () => {
    const seen = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
      const { resources } = generateEstate({ ...defaultOptions(10), seed, flows: 0 });
      for (const s of agreesWithTrace(compileEstate(resources)).seen) seen.add(s);
    }
    // The estates exercise every way a flow ends, so agreement means something.
    for (const expected of [
      "subnet Allow serviceEndpoint firewall",
      "nic Allow serviceEndpoint firewall",
      "subnet Allow internet firewall",
      "subnet Deny serviceEndpoint firewall",
      "subnet Deny serviceEndpoint policy",
      "subnet Deny internet firewall",
      "internet Deny internet firewall",
      "onprem Deny internet firewall",
    ]) {
      expect(seen).toContain(expected);
    }
    expect([...seen].some((s) => s.includes(" nsg"))).toBe(true);
    expect([...seen].some((s) => s.includes(" privateEndpoint "))).toBe(true);
  });

  it("filters rows by source, type, subscription and verdict", () => {
    const { resources } = generateEstate({ ...defaultOptions(6), seed: 3, flows: 0 });
    const m = computeMatrix(compileEstate(resources));
    const all = [...matrixRows(m)];
    const denied = [...matrixRows(m, { verdict: "Deny" })];
    expect(denied.length).toBe(all.filter((r) => r.verdict === "Deny").length);
    const storage = [...matrixRows(m, { resourceType: "storageAccounts" })];
    expect(storage.length).toBeGreaterThan(0);
    expect(storage.every((r) => r.resourceType === "Microsoft.Storage/storageAccounts")).toBe(true);
    const internet = [...matrixRows(m, { source: "internet" })];
    expect(internet.length).toBe(m.resources.length);
    const sub = all[0]!.subscription;
    expect([...matrixRows(m, { subscription: sub.toUpperCase() })].every((r) => r.subscription === sub)).toBe(
      true,
    );
  });
});
