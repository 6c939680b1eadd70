// `vnetlab matrix`, `audit exfiltration`, `verify` with sets and `what-if` end to end: the real bin in a real process, then main()
// in-process for formats, filters and exit codes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";

const ROOT = join(import.meta.dirname, "..");
const LAB = join(ROOT, "examples/lab000/estate.json");

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    out: (s) => void (out += s.endsWith("\n") ? s : `${s}\n`),
    err: (s) => void (err += s.endsWith("\n") ? s : `${s}\n`),
  });
  return { code, out, err };
}

describe("vnetlab matrix", () => {
  it("prints the lab's matrix through the real bin", () => {
    const out = execFileSync(process.execPath, [join(ROOT, "bin/vnetlab.js"), "matrix", "--estate", LAB], {
      encoding: "utf8",
    });
    // vm-app reaches stgworkloads over its endpoint, allowed by the VNet rule for snet-app.
    expect(out).toMatch(
      /vm-app\s+stgworkloads\s+allow\s+serviceEndpoint\s+firewall networkAcls\.virtualNetworkRules\[vnet-workloads\/subnets\/snet-app\]/,
    );
    // The endpoint policy on snet-app keeps vm-app from the external account.
    expect(out).toMatch(/vm-app\s+stgexternal01\s+deny\s+serviceEndpoint\s+policy/);
    expect(out).toContain("20 cells: 11 allowed, 9 denied");
  });

  it("filters and writes CSV", async () => {
    const r = await cli(
      "matrix",
      "--estate",
      LAB,
      "--format",
      "csv",
      "--source",
      "vm-web",
      "--verdict",
      "deny",
    );
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toBe(
      "source_kind,source,resource,resource_type,verdict,path,via_appliance,decided_by_stage,decided_by_rule,decided_by_resource,source_ip_seen_by_service",
    );
    // vm-web has no SQL or Key Vault endpoint: both see its public address and refuse it.
    expect(lines.length).toBe(3);
    for (const l of lines.slice(1)) expect(l).toMatch(/^nic,.*nic-vm-web,.*,Deny,internet,false,firewall,/);
  });

  it("writes JSON with a summary", async () => {
    const r = await cli(
      "matrix",
      "--estate",
      LAB,
      "--format",
      "json",
      "--resource-type",
      "Microsoft.KeyVault/vaults",
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as {
      cells: { verdict: string; sourceKind: string }[];
      summary: { cells: number };
    };
    expect(doc.cells.length).toBe(5);
    expect(doc.summary.cells).toBe(5);
    expect(
      doc.cells
        .filter((c) => c.verdict === "Allow")
        .map((c) => c.sourceKind)
        .sort(),
    ).toEqual(["nic", "subnet"]);
  });

  it("refuses a bad internet address with exit code 2", async () => {
    const r = await cli("matrix", "--estate", LAB, "--internet-ip", "not-an-ip");
    expect(r.code).toBe(2);
    expect(r.err).toContain("not an IP address");
  });
});

describe("vnetlab audit exfiltration", () => {
  it("reports the lab's paths out and exits 1 through the real bin", () => {
    let code = 0;
    let out = "";
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, "bin/vnetlab.js"), "audit", "exfiltration", "--estate", LAB],
        {
          encoding: "utf8",
        },
      );
    } catch (e) {
      const err = e as { status: number; stdout: string };
      code = err.status;
      out = err.stdout;
    }
    expect(code).toBe(1);
    expect(out).toMatch(/snet-web\s+any storageAccounts in uksouth \(outside the estate\)\s+serviceEndpoint/);
    expect(out).toContain("create sep-vnet-workloads-snet-web and attach it to snet-web");
    expect(out).toContain("what-if: 2 flow(s) kept, 0 broken, 3 path(s) out closed, 0 still open");
  });

  it("gives the proposed policy as ARM JSON", async () => {
    const r = await cli(
      "audit",
      "exfiltration",
      "--estate",
      LAB,
      "--format",
      "json",
      "--trusted-tenants",
      "t1,t2",
    );
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as {
      trusted: { tenants: string[] };
      proposals: { policy: { type: string; properties: { serviceEndpointPolicyDefinitions: unknown[] } } }[];
    };
    expect(doc.trusted.tenants).toEqual(["t1", "t2"]);
    expect(doc.proposals[0]!.policy.type).toBe("Microsoft.Network/serviceEndpointPolicies");
    expect(doc.proposals[0]!.policy.properties.serviceEndpointPolicyDefinitions).toHaveLength(1);
  });
});

const tmp = (): string => mkdtempSync(join(tmpdir(), "vnetlab-cli-"));

describe("vnetlab verify with YAML intents, JUnit and SARIF", () => {
  it("holds the lab's YAML intents (exit 0)", async () => {
    const r = await cli("verify", "--estate", LAB, "--intents", join(ROOT, "examples/lab000/intents.yaml"));
    expect(r.code).toBe(0);
    expect(r.out).toContain("5 of 5 intents hold");
  });

  it("points JUnit and SARIF at the failed intent's line (exit 1)", async () => {
    const dir = tmp();
    const intents = join(dir, "intents.yaml");
    writeFileSync(
      intents,
      [
        "- name: the app reaches its account",
        "  from: vm-app",
        "  to: stgworkloads",
        "  expect: allow",
        "- name: nothing on the internet reaches any storage account",
        "  from: internet",
        "  to: type:storageAccounts",
        "  expect: deny",
        "",
      ].join("\n"),
    );
    const r = await cli(
      "verify",
      "--estate",
      LAB,
      "--intents",
      intents,
      "--junit",
      join(dir, "j.xml"),
      "--sarif",
      join(dir, "s.sarif"),
    );
    expect(r.code).toBe(1);
    const junit = readFileSync(join(dir, "j.xml"), "utf8");
    expect(junit).toContain('<testsuites tests="2" failures="1">');
    expect(junit).toMatch(
      /<failure message="expected deny">.*stgexternal01: allow by firewall networkAcls\.defaultAction=Allow/,
    );
    const sarif = JSON.parse(readFileSync(join(dir, "s.sarif"), "utf8")) as {
      version: string;
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
      }[];
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.results).toHaveLength(1);
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine).toBe(5);
  });
});

describe("vnetlab what-if", () => {
  it("reports a policy that blocks a second account (exit 1), and nothing for the same estate (exit 0)", async () => {
    const dir = tmp();
    const lab = JSON.parse(readFileSync(LAB, "utf8")) as {
      resources: {
        name: string;
        id: string;
        properties: { subnets?: { name: string; properties: Record<string, unknown> }[] };
      }[];
    };
    const policy = lab.resources.find((r) => r.name === "sep-storage-policy")!.id;
    const vnet = lab.resources.find((r) => r.name === "vnet-workloads")!;
    vnet.properties.subnets!.find((s) => s.name === "snet-web")!.properties.serviceEndpointPolicies = [
      { id: policy },
    ];
    const after = join(dir, "after.json");
    writeFileSync(after, JSON.stringify(lab));
    const r = await cli("what-if", "--before", LAB, "--after", after);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /vm-web → stgexternal01: snet-web: serviceEndpointPolicies \+sep-storage-policy; before: Allow by firewall networkAcls\.defaultAction=Allow; after: Deny by policy/,
    );
    const same = await cli("what-if", "--before", LAB, "--after", LAB, "--format", "json");
    expect(same.code).toBe(0);
    expect((JSON.parse(same.out) as { changes: unknown[] }).changes).toEqual([]);
  });
});

describe("vnetlab what-if --template", () => {
  it("deploys the template onto the --before files and compares", async () => {
    const T = join(ROOT, "test/fixtures/templates");
    const r = await cli(
      "what-if",
      "--before",
      join(T, "estate.json"),
      "--template",
      join(T, "storage-service-endpoint.json"),
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain("0 pair(s) change; resources added 1, removed 0");
    const both = await cli("what-if", "--before", join(T, "estate.json"));
    expect(both.code).toBe(2);
    expect(both.err).toContain("--after ESTATE or --template FILE");
  });
});
