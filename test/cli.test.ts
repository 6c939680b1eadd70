// The command line, end to end: the real bin through a real process for the demo and exit codes, and the
// same main() in-process for the rest.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";

const ROOT = join(import.meta.dirname, "..");
const LAB = join(ROOT, "examples/lab000/estate.json");
const INTENTS = join(ROOT, "examples/lab000/intents.json");
const BLOB = "https://stgworkloads.blob.core.windows.net/test/test.txt";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    out: (s) => {
      out += s.endsWith("\n") ? s : `${s}\n`;
    },
    err: (s) => {
      err += s.endsWith("\n") ? s : `${s}\n`;
    },
  });
  return { code, out, err };
}

function tmp(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "vnetlab-"));
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe("npx vnetlab trace (the README's demo)", () => {
  it("prints a readable trace through the real bin", () => {
    const out = execFileSync(
      process.execPath,
      [join(ROOT, "bin/vnetlab.js"), "trace", "--estate", LAB, "--from", "vm-app", "--to", BLOB],
      { encoding: "utf8" },
    );
    expect(out).toContain("Verdict: ALLOW");
    expect(out).toMatch(/route\s+.*VirtualNetworkServiceEndpoint/);
    expect(out).toContain("Source IP seen by the service: 10.0.1.4");
  });

  it("exits 2 with one line naming the file on unparsable JSON", () => {
    const bad = tmp("bad.json", "{ not json");
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "bin/vnetlab.js"), "trace", "--estate", bad, "--from", "vm-app", "--to", BLOB],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toContain("InvalidJson");
  });
});

describe("trace --json", () => {
  it("carries the contract's keys", async () => {
    const r = await cli("trace", "--estate", LAB, "--from", "vm-app", "--to", BLOB, "--json");
    expect(r.code).toBe(0);
    const t = JSON.parse(r.out);
    expect(t).toMatchObject({
      verdict: "Allow",
      decidedBy: { stage: "firewall" },
      sourceIpSeenByService: "10.0.1.4",
      route: { nextHopType: "VirtualNetworkServiceEndpoint", source: "Default" },
      blockers: [],
    });
    expect(t.stages.map((s: { stage: string }) => s.stage)).toEqual([
      "source",
      "dns",
      "nsg",
      "route",
      "path",
      "policy",
      "firewall",
    ]);
  });

  it("a denial carries the service's response and the deciding rule", async () => {
    const r = await cli("trace", "--estate", LAB, "--from", "internet:198.51.100.7", "--to", BLOB, "--json");
    const t = JSON.parse(r.out);
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy).toMatchObject({ stage: "firewall", rule: "networkAcls.defaultAction=Deny" });
    expect(t.response).toMatchObject({ status: 403, code: "AuthorizationFailure" });
  });

  it("an http:// URL meets secure transfer required: 400 AccountRequiresHttps, unless the account allows http", async () => {
    // vm-web reaches stgworkloads on any port (nsg-app limits vm-app to 443).
    const http = BLOB.replace("https://", "http://");
    const r = await cli("trace", "--estate", LAB, "--from", "vm-web", "--to", http, "--json");
    const t = JSON.parse(r.out);
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy).toMatchObject({ stage: "firewall", rule: "supportsHttpsTrafficOnly=true" });
    expect(t.response).toMatchObject({ status: 400, code: "AccountRequiresHttps" });
    const lab = JSON.parse(readFileSync(LAB, "utf8")) as {
      resources: { name: string; properties: object }[];
    };
    const stg = lab.resources.find((x) => x.name === "stgworkloads")!;
    stg.properties = { ...stg.properties, supportsHttpsTrafficOnly: false };
    const relaxed = tmp("estate.json", JSON.stringify(lab));
    const again = JSON.parse(
      (await cli("trace", "--estate", relaxed, "--from", "vm-web", "--to", http, "--json")).out,
    );
    expect(again.verdict).toBe("Allow");
  });
});

describe("bad input: one line naming the file and the resource, exit 2", () => {
  const lab = JSON.parse(readFileSync(LAB, "utf8")) as {
    resources: {
      name: string;
      properties: { subnets?: { name: string; properties: Record<string, unknown> }[] };
    }[];
  };

  it("an invalid CIDR", async () => {
    const copy = structuredClone(lab);
    copy.resources.find(
      (r) => r.name === "vnet-workloads",
    )!.properties.subnets![0]!.properties.addressPrefix = "10.0.1.0/33";
    const file = tmp("cidr.json", JSON.stringify(copy));
    const r = await cli("trace", "--estate", file, "--from", "vm-app", "--to", BLOB);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toContain(file);
    expect(r.err).toContain("subnets/snet-app");
    expect(r.err).toContain("10.0.1.0/33");
  });

  it("a dangling resource reference", async () => {
    const copy = structuredClone(lab);
    copy.resources = copy.resources.filter((r) => r.name !== "nsg-app");
    const file = tmp("dangling.json", JSON.stringify(copy));
    const r = await cli("trace", "--estate", file, "--from", "vm-app", "--to", BLOB);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /InvalidResourceReference: networkSecurityGroup references .*nsg-app, which was not found/,
    );
    expect(r.err).toContain("subnets/snet-app");
  });

  it("an unknown source or destination", async () => {
    const a = await cli("trace", "--estate", LAB, "--from", "vm-nope", "--to", BLOB);
    expect(a.code).toBe(2);
    expect(a.err).toContain("UnknownSource");
    const b = await cli(
      "trace",
      "--estate",
      LAB,
      "--from",
      "vm-app",
      "--to",
      "https://nope.blob.core.windows.net/",
    );
    expect(b.code).toBe(2);
    expect(b.err).toContain("UnknownDestination");
    const c = await cli("trace", "--estate", LAB, "--from", "vm-app", "--to", "10.0.0.1:99999");
    expect(c.code).toBe(2);
  });

  it("a missing estate file", async () => {
    const r = await cli("trace", "--estate", "/nonexistent.json", "--from", "vm-app", "--to", BLOB);
    expect(r.code).toBe(2);
    expect(r.err).toContain("/nonexistent.json");
  });
});

describe("trace --batch", () => {
  it("answers one JSON line per input line, in order, and marks bad lines", async () => {
    const flows = tmp(
      "flows.jsonl",
      [
        JSON.stringify({ from: "vm-app", to: BLOB }),
        JSON.stringify({ from: "internet:198.51.100.7", to: BLOB }),
        "{ broken",
        JSON.stringify({ from: "vm-nope", to: BLOB }),
        JSON.stringify({ from: "vm-web", to: "sql-workloads.database.windows.net" }),
      ].join("\n"),
    );
    const r = await cli("trace", "--estate", LAB, "--batch", flows);
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => l.verdict ?? l.error.code)).toEqual([
      "Allow",
      "Deny",
      "InvalidJson",
      "UnknownSource",
      "Deny",
    ]);
    expect(lines[0].from).toBe("vm-app");
    expect(r.code).toBe(2);
  });
});

describe("routes and rules", () => {
  it("routes shows the service endpoint routes as az does", async () => {
    const r = await cli("routes", "--estate", LAB, "vm-app", "--json");
    const routes = JSON.parse(r.out).value as {
      source: string;
      state: string;
      nextHopType: string;
      addressPrefix: string[];
    }[];
    const se = routes.filter((x) => x.nextHopType === "VirtualNetworkServiceEndpoint");
    expect(se.length).toBeGreaterThanOrEqual(3);
    expect(routes).toContainEqual(
      expect.objectContaining({
        source: "Default",
        state: "Active",
        addressPrefix: ["10.0.0.0/16"],
        nextHopType: "VnetLocal",
      }),
    );
    const text = await cli("routes", "--estate", LAB, "nic-vm-app");
    expect(text.out).toMatch(/Default\s+Active\s+0\.0\.0\.0\/0\s+Internet/);
  });

  it("rules expands service tags", async () => {
    const r = await cli("rules", "--estate", LAB, "10.0.1.4", "--json");
    const groups = JSON.parse(r.out).value;
    expect(groups).toHaveLength(1);
    const allow = groups[0].effectiveSecurityRules.find(
      (x: { name: string }) => x.name === "securityRules/Allow-Storage-Outbound",
    );
    expect(allow.expandedDestinationAddressPrefix.length).toBeGreaterThan(10);
    expect(groups[0].tagMap.Storage).toBeDefined();
  });
});

describe("verify", () => {
  it("the lab's intents all hold", async () => {
    const r = await cli("verify", "--estate", LAB, "--intents", INTENTS);
    expect(r.out).toContain("8 of 8 intents hold");
    expect(r.code).toBe(0);
  });

  it("a failed intent names the deciding rule and exits 1", async () => {
    const file = tmp(
      "intents.json",
      JSON.stringify([
        { from: "vm-app", to: "https://stgexternal01.blob.core.windows.net/", expect: "allow" },
      ]),
    );
    const r = await cli("verify", "--estate", LAB, "--intents", file, "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.out);
    expect(out.results[0]).toMatchObject({ passed: false, verdict: "Deny", decidedBy: { stage: "policy" } });
  });
});
