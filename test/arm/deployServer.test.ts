// `vnetlab deploy --server`: a template deployed through a running server's ARM API, one PUT per resource in
// dependency order; the server's refusal stops the deployment there, and a bad template PUTs nothing.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preloadEstate } from "../../src/arm/preload.js";
import { readEstateResources } from "../../src/cli/loadEstate.js";
import { type Harness, startServer } from "./harness.js";

const ROOT = join(import.meta.dirname, "..", "..");
const T = join(ROOT, "test/fixtures/templates");
const RG_ID = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-lab";
let h: Harness;
let dir: string;

async function vnetlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [join(ROOT, "bin/vnetlab.js"), ...args], {
      encoding: "utf8",
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "ca.pem") },
    });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const exists = async (id: string): Promise<boolean> => (await h.store.get(id)) !== undefined;

beforeAll(async () => {
  h = await startServer();
  const { resources, origins } = readEstateResources([join(T, "estate.json")]);
  await preloadEstate(h.pipeline, resources, origins);
  dir = mkdtempSync(join(tmpdir(), "vnetlab-deploy-server-"));
  writeFileSync(join(dir, "ca.pem"), h.ca);
});
afterAll(async () => h.close());

describe("vnetlab deploy --server", () => {
  it("PUTs every resource in dependency order, and the server's estate then traces as the files do", async () => {
    const r = await vnetlab("deploy", join(T, "storage-service-endpoint.json"), "--server", h.endpoint);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const puts = r.stdout.split("\n").filter((l) => l.startsWith("PUT "));
    expect(puts.map((l) => l.split("/").pop()!.split(" ")[0])).toEqual([
      "vnet-app",
      expect.stringMatching(/^stg[a-z2-7]{13}$/),
      "nic-app",
      "nic-other",
    ]);
    expect(puts.every((l) => /→ 20[01]$/.test(l))).toBe(true);
    const storage = r.stdout.match(/storageAccountName \(String\) = "(stg[a-z2-7]{13})"/)![1]!;
    const trace = await vnetlab(
      "trace",
      "--server",
      h.endpoint,
      "--from",
      "nic-app",
      "--to",
      `https://${storage}.blob.core.windows.net/`,
      "--json",
    );
    expect(JSON.parse(trace.stdout)).toMatchObject({ verdict: "Allow", sourceIpSeenByService: "10.0.1.4" });
  });

  it("stops at the first refusal and prints ARM's error; what came before stays, what comes after is not sent", async () => {
    const r = await vnetlab(
      "deploy",
      join(T, "bad-storage-rule.json"),
      "--server",
      h.endpoint,
      "-g",
      "rg-lab",
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("networkSecurityGroups/nsg-before → 201");
    expect(r.stderr).toMatch(
      /DeploymentFailed: resources\[1\] \(.*stgnoendpoint01\) was refused with 400: NetworkAclsValidationFailure/,
    );
    expect(await exists(`${RG_ID}/providers/Microsoft.Network/networkSecurityGroups/nsg-before`)).toBe(true);
    expect(await exists(`${RG_ID}/providers/Microsoft.Storage/storageAccounts/stgnoendpoint01`)).toBe(false);
    expect(await exists(`${RG_ID}/providers/Microsoft.Network/networkSecurityGroups/nsg-after`)).toBe(false);
  });

  it("PUTs nothing for a template that does not evaluate", async () => {
    const r = await vnetlab("deploy", join(T, "bad-unknown-function.json"), "--server", h.endpoint);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "resources[2].properties.subnets[0].name: The template function 'fancySubnetName'",
    );
    expect(r.stdout).toBe("");
    expect(await exists(`${RG_ID}/providers/Microsoft.Network/networkSecurityGroups/nsg-ok`)).toBe(false);
  });
});
