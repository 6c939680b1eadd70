// `vnetlab lint` end to end: the real bin in a real process, its three formats and its exit codes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { storageAccount, vnet } from "./fixtures/arm.js";

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin/vnetlab.js");
const LAB = join(ROOT, "examples/lab000/estate.json");

function vnetlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, "lint", ...args], { encoding: "utf8", cwd: ROOT });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(name: string, content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "vnetlab-lint-")), name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe("vnetlab lint", () => {
  it("prints a table of the lab's findings with why and fix, and exits 1", () => {
    const r = vnetlab("--estate", LAB);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/#\s+SEVERITY\s+RULE\s+RESOURCE\s+FINDING/);
    expect(r.stdout).toMatch(/1\s+warning\s+VNL012\s+stgexternal01\s+storage account stgexternal01 accepts/);
    expect(r.stdout).toContain("fix: Set networkAcls.defaultAction to Deny");
    expect(r.stdout).toContain("see also: Azure Policy 34c877ad-507e-4c82-993e-3452a6e0ad3c");
    expect(r.stdout).toContain("1 finding: 0 errors, 1 warning, 0 notes");
  });

  it("--format json prints the findings as an array", () => {
    const r = vnetlab("--estate", LAB, "--format", "json");
    expect(r.status).toBe(1);
    const findings = JSON.parse(r.stdout);
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: "VNL012",
        rule: "open-to-internet",
        severity: "warning",
        resourceId: expect.stringMatching(/storageAccounts\/stgexternal01$/),
        explanation: expect.any(String),
        fix: expect.any(String),
      }),
    ]);
  });

  it("--format sarif prints a SARIF 2.1.0 log locating the finding in the estate file", () => {
    const r = vnetlab("--estate", relative(ROOT, LAB), "--format", "sarif");
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe("vnetlab");
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toContain("VNL012");
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({
      ruleId: "VNL012",
      level: "warning",
      message: { text: expect.stringContaining("stgexternal01") },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: "examples/lab000/estate.json" } },
          logicalLocations: [{ fullyQualifiedName: expect.stringContaining("stgexternal01") }],
        },
      ],
    });
  });

  it("--severity error leaves the lab's warning out and exits 0", () => {
    const r = vnetlab("--estate", LAB, "--severity", "error");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("No findings.");
  });

  it("exits 2 on bad input: a missing file, an unknown format", () => {
    const missing = vnetlab("--estate", "/nonexistent.json");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("/nonexistent.json");
    expect(vnetlab("--estate", LAB, "--format", "xml").status).toBe(2);
    expect(vnetlab().status).toBe(2);
  });

  it("reports a subnet ARM would refuse (both storage endpoints) as VNL007 and exits 1", () => {
    const lab = JSON.parse(readFileSync(LAB, "utf8"));
    const both = vnet(
      "vnet-both",
      "uksouth",
      ["10.9.0.0/16"],
      [
        {
          name: "snet-both",
          prefix: "10.9.1.0/24",
          serviceEndpoints: ["Microsoft.Storage", "Microsoft.Storage.Global"],
        },
      ],
    );
    const file = tmp("both.json", { resources: [...lab.resources, both] });
    const r = vnetlab("--estate", file, "--format", "json");
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).map((f: { ruleId: string }) => f.ruleId)).toEqual(["VNL007"]);
    expect(r.stderr).toContain("SubnetHasBothRegionalAndGlobalStorageServiceEndpointsTogether");
  });

  it("exits 0 on an estate with nothing to report", () => {
    const clean = storageAccount("stg-private", "uksouth", { publicNetworkAccess: "Disabled" });
    const r = vnetlab("--estate", tmp("clean.json", [clean]));
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("No findings.");
  });
});
