// `vnetlab matrix` and `vnetlab audit exfiltration` end to end: the real bin in a real process, then main()
// in-process for formats, filters and exit codes.
import { execFileSync } from "node:child_process";
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
