import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileEstate, estateResourcesOf } from "../../model/compileEstate.js";
import { storageAccount, vnet } from "../../../test/fixtures/arm.js";
import { lint, lintEstate, lintRules, toSarif } from "./index.js";
import { SARIF_SCHEMA } from "./sarif.js";

const LAB = join(import.meta.dirname, "../../../examples/lab000/estate.json");
const labResources = estateResourcesOf(JSON.parse(readFileSync(LAB, "utf8")));

describe("the rule registry", () => {
  it("numbers its rules VNL001, VNL002, ... with unique names, each with help and a source", () => {
    expect(lintRules.map((r) => r.id)).toEqual(
      lintRules.map((_, i) => `VNL${String(i + 1).padStart(3, "0")}`),
    );
    expect(new Set(lintRules.map((r) => r.name)).size).toBe(lintRules.length);
    for (const r of lintRules) {
      expect(r.name).toMatch(/^[a-z0-9-]+$/);
      expect(r.help.length).toBeGreaterThan(40);
      expect(r.source).toMatch(/§\d/);
    }
  });
});

describe("the seed-000 lab (examples/lab000)", () => {
  it("has one finding: the foreign account stgexternal01 takes the whole internet", () => {
    const findings = lintEstate(compileEstate(labResources));
    expect(findings.map((f) => [f.ruleId, f.resourceId.split("/").pop()])).toEqual([
      ["VNL012", "stgexternal01"],
    ]);
  });
});

describe("lint", () => {
  const net = vnet(
    "vnet-app",
    "eastus",
    ["10.1.0.0/16"],
    [{ name: "snet-app", prefix: "10.1.1.0/24", serviceEndpoints: ["Microsoft.KeyVault"] }],
  );
  const open = storageAccount("stg-open", "eastus", {});
  const estate = compileEstate([net, open]);

  it("orders findings by severity, then rule, then resource, and keeps those at the threshold", () => {
    const all = lint({ resources: [net, open], estate });
    expect(all.map((f) => [f.severity, f.ruleId])).toEqual([
      ["warning", "VNL012"],
      ["note", "VNL003"],
    ]);
    expect(lint({ resources: [net, open], estate }, { severity: "warning" }).map((f) => f.ruleId)).toEqual([
      "VNL012",
    ]);
    expect(lint({ resources: [net, open], estate }, { severity: "error" })).toEqual([]);
  });
});

describe("SARIF 2.1.0", () => {
  it("has the shape code-scanning tools require", () => {
    const findings = lintEstate(compileEstate(labResources));
    const log = toSarif(findings, { rules: lintRules, artifactUriOf: () => "examples/lab000/estate.json" });
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toBe(SARIF_SCHEMA);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe("vnetlab");
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(lintRules.map((r) => r.id));
    for (const r of run.tool.driver.rules) {
      expect(r.shortDescription.text).not.toBe("");
      expect(r.help.text).toContain("Source:");
      expect(["error", "warning", "note"]).toContain(r.defaultConfiguration.level);
    }
    expect(run.artifacts).toEqual([{ location: { uri: "examples/lab000/estate.json" } }]);
    const [result] = run.results;
    expect(result).toMatchObject({
      ruleId: "VNL012",
      level: "warning",
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: "examples/lab000/estate.json", index: 0 } },
          logicalLocations: [
            { fullyQualifiedName: findings[0]!.resourceId, name: "stgexternal01", kind: "resource" },
          ],
        },
      ],
    });
    expect(run.tool.driver.rules[result!.ruleIndex]!.id).toBe("VNL012");
    expect(result!.message.text).toContain("Fix:");
    expect((result!.properties?.equivalents as unknown[] | undefined)?.length).toBeGreaterThan(0);
    expect(Object.values(result!.partialFingerprints)[0]).toMatch(/^[0-9a-f]+$/);
  });

  it("leaves the physical location out when the file is unknown", () => {
    const log = toSarif(lintEstate(compileEstate(labResources)), { rules: lintRules });
    expect(log.runs[0]!.artifacts).toEqual([]);
    expect(log.runs[0]!.results[0]!.locations[0]).not.toHaveProperty("physicalLocation");
  });
});
