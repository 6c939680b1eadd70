// `vnetlab deploy` through the real bin: a template with a parameters file and name=value overrides deployed
// onto estate files, the result traced; bad templates and estates that would not compile write nothing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const T = join(ROOT, "test/fixtures/templates");
const ESTATE = join(T, "estate.json");

function vnetlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(ROOT, "bin/vnetlab.js"), ...args], { encoding: "utf8" });
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "vnetlab-deploy-"));
}

interface Resource {
  name: string;
  type: string;
  sku?: { name: string };
  properties?: Record<string, unknown>;
}

describe("vnetlab deploy --estate", () => {
  it("deploys with a parameters file and name=value overrides, writes the estate, and trace reads it", () => {
    const dir = tmp();
    const params = join(dir, "storage.parameters.json");
    writeFileSync(params, JSON.stringify({ parameters: { storageSku: { value: "Standard_GRS" } } }));
    const out = join(dir, "estate.json");
    const r = vnetlab(
      "deploy",
      join(T, "storage-service-endpoint.json"),
      "--parameters",
      params,
      "subnet2Prefix=10.0.3.0/24",
      "--resource-group",
      "rg-lab",
      "--estate",
      ESTATE,
      "--out",
      out,
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Deployed 4 resource(s) into rg-lab");
    expect(r.stdout).toMatch(/storageAccountName \(String\) = "stg[a-z2-7]{13}"/);
    const resources = (JSON.parse(readFileSync(out, "utf8")) as { resources: Resource[] }).resources;
    expect(resources.map((x) => x.name)).toEqual([
      "rg-lab",
      "vnet-hub",
      "nic-vm-data",
      "vm-data",
      "vnet-app",
      expect.stringMatching(/^stg/),
      "nic-app",
      "nic-other",
    ]);
    const storage = resources[5]!;
    expect(storage.sku).toEqual({ name: "Standard_GRS" });
    const vnet = resources[4]!.properties as { subnets: { properties: { addressPrefix: string } }[] };
    expect(vnet.subnets[1]!.properties.addressPrefix).toBe("10.0.3.0/24");

    const trace = vnetlab(
      "trace",
      "--estate",
      out,
      "--from",
      "nic-app",
      "--to",
      `https://${storage.name}.blob.core.windows.net/`,
    );
    expect(trace.stdout).toContain("Verdict: ALLOW");
  });

  it("types name=value overrides by the template's declarations and writes the estate to stdout", () => {
    const dir = tmp();
    const params = join(dir, "p.json");
    writeFileSync(params, readFileSync(join(T, "params-strict.parameters.json")));
    const r = vnetlab(
      "deploy",
      join(T, "params-strict.json"),
      "-p",
      `@${params}`,
      "ruleCount=3",
      "--estate",
      ESTATE,
    );
    expect(r.status).toBe(0);
    const resources = (JSON.parse(r.stdout) as { resources: Resource[] }).resources;
    const nsg = resources.find((x) => x.name === "nsg-prod")!;
    expect((nsg.properties as { securityRules: unknown[] }).securityRules).toHaveLength(3);
  });

  it.each([
    [
      "bad-unknown-function.json",
      [],
      /resources\[2\]\.properties\.subnets\[0\]\.name: The template function 'fancySubnetName' is not valid/,
    ],
    ["bad-cycle.json", [], /Circular dependency detected on resources: 'rt-a'.*'rt-b'/],
    [
      "params-strict.json",
      ["-p", "ownerAlias=ops", "environment=test"],
      /parameters\.environment: .*allowed value/,
    ],
    [
      "params-strict.json",
      [],
      /parameters\.ownerAlias: The value for the template parameter 'ownerAlias' is not provided/,
    ],
  ])(
    "%s %j: exits 2 with one line naming the template and the path, and writes nothing",
    (file, extra, message) => {
      const out = join(tmp(), "estate.json");
      const r = vnetlab("deploy", join(T, file), ...extra, "--estate", ESTATE, "--out", out);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toContain("InvalidTemplate");
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    },
  );

  it("writes nothing when the deployed estate would not compile", () => {
    const out = join(tmp(), "estate.json");
    const r = vnetlab(
      "deploy",
      join(T, "storage-service-endpoint.json"),
      "-p",
      "subnet1Prefix=10.0.1.0/33",
      "--estate",
      ESTATE,
      "--out",
      out,
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/storage-service-endpoint\.json: .*10\.0\.1\.0\/33/);
    expect(existsSync(out)).toBe(false);
  });

  it("asks for the resource group when the estate has several", () => {
    const dir = tmp();
    const estate = join(dir, "two.json");
    const base = JSON.parse(readFileSync(ESTATE, "utf8")) as { resources: Resource[] };
    base.resources.push({
      id: "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-other",
      name: "rg-other",
      type: "Microsoft.Resources/resourceGroups",
    } as Resource);
    writeFileSync(estate, JSON.stringify(base));
    const r = vnetlab("deploy", join(T, "keyvault-acls.json"), "--estate", estate);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--resource-group");
  });
});
