// Terraform ingest end to end: the seed lab as `terraform show -json` prints its plan and its state gives the
// verdicts of the ARM estate; an unknown value that decides a verdict is reported; the real bin ingests and
// traces Terraform JSON.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseIntents, verifyIntents } from "../src/analysis/intents.js";
import { traceBetween } from "../src/engine/index.js";
import { formatWarning, ingestTerraform } from "../src/ingest/terraform/index.js";
import { compileEstate, estateResourcesOf } from "../src/model/compileEstate.js";
import type { Estate } from "../src/model/estate.js";
import { ingest, plan, ref, top } from "./fixtures/terraform/plan.js";

const ROOT = join(import.meta.dirname, "..");
const PLAN = join(ROOT, "test/fixtures/terraform/lab000.plan.json");
const STATE = join(ROOT, "test/fixtures/terraform/lab000.state.json");
const LAB = join(ROOT, "examples/lab000/estate.json");
const INTENTS = join(ROOT, "examples/lab000/intents.json");
const BLOB = "https://stgworkloads.blob.core.windows.net/test/test.txt";
const PIP_WARNING =
  "azurerm_public_ip.web: ip_address: unknown until apply; Azure allocates it; traces use a stand-in address in AzureCloud.uksouth";

const read = (file: string): unknown => JSON.parse(readFileSync(file, "utf8"));
const arm = compileEstate(estateResourcesOf(read(LAB)));
const fromTerraform = (file: string) => ingestTerraform(read(file), { file });
const intents = parseIntents(read(INTENTS));

/** What a verdict is: allow/deny, the deciding stage and rule, for each intent. */
function verdicts(estate: Estate) {
  return verifyIntents(estate, intents).map((r) => ({
    intent: r.intent.name,
    passed: r.passed,
    ...("trace" in r
      ? { verdict: r.trace.verdict, stage: r.trace.decidedBy.stage, rule: r.trace.decidedBy.rule }
      : {}),
  }));
}

/** Arrays sorted, for comparing what Terraform prints as sets with what ARM lists. */
function sortDeep(v: unknown): unknown {
  if (Array.isArray(v))
    return v.map(sortDeep).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sortDeep(x)]));
  return v;
}

/** Every resource of the ARM lab is in the estate, with (at least) the same properties. */
function expectArmLab(estate: Estate, except: (id: string, path: string) => boolean = () => false): void {
  for (const r of arm.resources) {
    const got = estate.get(r.id);
    expect(got, r.id).toBeDefined();
    const want = JSON.parse(JSON.stringify(r), (k, v) => (except(r.id, k) ? undefined : v));
    expect(sortDeep({ ...got, properties: got!.properties ?? {} }), r.id).toMatchObject(
      sortDeep({ ...want, properties: want.properties ?? {} }) as object,
    );
  }
}

function flow(estate: Estate, from: string, to: string) {
  const t = traceBetween(estate, from, to);
  return {
    verdict: t.verdict,
    decidedBy: t.decidedBy.stage,
    rule: t.decidedBy.rule,
    route: t.route?.nextHopType,
    seen: t.sourceIpSeenByService,
  };
}

describe("the seed lab as a Terraform plan (test/fixtures/terraform/lab000.plan.json)", () => {
  const { resources, warnings } = fromTerraform(PLAN);
  const estate = compileEstate(resources);

  it("gives every resource of the ARM lab, with the id the deployment will give it; the one warning is the public IP's address", () => {
    // The address Azure allocates is what the plan cannot know.
    expectArmLab(estate, (id, key) => key === "ipAddress" && id.endsWith("/pip-vm-web"));
    expect(warnings.map(formatWarning)).toEqual([PIP_WARNING]);
  });

  it("gives every intent of examples/lab000/intents.json the ARM estate's verdict", () => {
    const got = verdicts(estate);
    expect(got).toEqual(verdicts(arm));
    expect(got.every((v) => v.passed)).toBe(true);
  });

  it("traces as the ARM estate does: endpoint, endpoint policy, firewall, the internet", () => {
    for (const [from, to] of [
      ["vm-app", BLOB],
      ["vm-app", "https://stgexternal01.blob.core.windows.net/"],
      ["vm-app", "sql-workloads.database.windows.net:1433"],
      ["vm-app", "https://kv-workloads.vault.azure.net/"],
      ["internet:198.51.100.7", BLOB],
    ] as const) {
      expect(flow(estate, from, to), `${from} → ${to}`).toEqual(flow(arm, from, to));
    }
    expect(flow(estate, "vm-app", BLOB)).toMatchObject({
      verdict: "Allow",
      route: "VirtualNetworkServiceEndpoint",
      seen: "10.0.1.4",
    });
    // The web VM's public IP is allocated on apply: the server refuses it all the same, from a stand-in address.
    expect(flow(estate, "vm-web", "sql-workloads.database.windows.net")).toMatchObject({
      verdict: "Deny",
      decidedBy: "firewall",
    });
  });
});

describe("the seed lab as a Terraform state (test/fixtures/terraform/lab000.state.json)", () => {
  it("knows every id and address, warns of nothing and traces exactly as the ARM estate", () => {
    const { resources, warnings } = fromTerraform(STATE);
    const estate = compileEstate(resources);
    expectArmLab(estate);
    expect(warnings).toEqual([]);
    expect(verdicts(estate)).toEqual(verdicts(arm));
    expect(flow(estate, "vm-web", "sql-workloads.database.windows.net")).toEqual(
      flow(arm, "vm-web", "sql-workloads.database.windows.net"),
    );
    expect(flow(estate, "vm-web", "sql-workloads.database.windows.net").seen).toBe("51.140.10.20");
  });
});

describe("an unknown value that decides a verdict", () => {
  it("is reported, naming the resource and the attribute, and the verdict is taken without it", () => {
    const doc = plan([
      {
        address: "azurerm_virtual_network.v",
        values: top("vnet-a", {
          address_space: ["10.9.0.0/16"],
          subnet: [{ name: "snet-a", address_prefixes: ["10.9.1.0/24"] }],
        }),
        unknown: { id: true },
      },
      {
        address: "azurerm_public_ip.vm",
        values: top("pip-vm", { allocation_method: "Static", sku: "Standard" }),
        unknown: { id: true, ip_address: true },
      },
      {
        address: "azurerm_network_interface.vm",
        values: top("nic-vm", {
          ip_configuration: [
            {
              name: "c",
              private_ip_address_allocation: "Static",
              private_ip_address: "10.9.1.4",
              subnet_id:
                "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-a/subnets/snet-a",
            },
          ],
        }),
        unknown: { id: true, ip_configuration: [{ public_ip_address_id: true }] },
        expressions: { ip_configuration: [{ public_ip_address_id: ref("azurerm_public_ip.vm.id") }] },
      },
      {
        address: "azurerm_linux_virtual_machine.vm",
        values: top("vm-a", { network_interface_ids: [null] }),
        unknown: { id: true, network_interface_ids: [true] },
        expressions: { network_interface_ids: ref("azurerm_network_interface.vm.id") },
      },
      {
        // The account admits the VM's public address: an address Azure allocates on apply.
        address: "azurerm_storage_account.stg",
        values: top("stgdecides", {
          account_tier: "Standard",
          account_replication_type: "LRS",
          network_rules: [
            {
              default_action: "Deny",
              bypass: ["AzureServices"],
              ip_rules: [null],
              virtual_network_subnet_ids: [],
            },
          ],
        }),
        unknown: { id: true, network_rules: [{ ip_rules: [true] }] },
        expressions: {
          network_rules: [
            { default_action: { constant_value: "Deny" }, ip_rules: ref("azurerm_public_ip.vm.ip_address") },
          ],
        },
      },
    ]);
    const r = ingest(doc);
    expect(r.lines).toContain(
      "azurerm_storage_account.stg: network_rules[0].ip_rules: unknown until apply (azurerm_public_ip.vm.ip_address); traffic from that address is judged without the rule",
    );
    const t = traceBetween(
      compileEstate(r.resources),
      "vm-a",
      "https://stgdecides.blob.core.windows.net/c/b",
    );
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy).toMatchObject({ stage: "firewall", rule: "networkAcls.defaultAction=Deny" });
  });
});

describe("vnetlab ingest terraform, and Terraform JSON wherever --estate takes a file (the real bin)", () => {
  const bin = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "bin/vnetlab.js"), ...args], { encoding: "utf8" });
  const dir = mkdtempSync(join(tmpdir(), "vnetlab-tf-"));

  it("writes the ARM JSON estate with --out, the warnings on stderr", () => {
    const out = join(dir, "estate.json");
    const r = bin("ingest", "terraform", PLAN, "--out", out);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([`vnetlab: warning: ${PIP_WARNING}`]);
    const written = estateResourcesOf(read(out));
    expect(written).toEqual(fromTerraform(PLAN).resources);
    expect(flow(compileEstate(written), "vm-app", BLOB).verdict).toBe("Allow");
  });

  it("prints to stdout, and takes --subscription where the provider configuration names none", () => {
    const doc = read(PLAN) as {
      configuration: { provider_config: { azurerm: { expressions: Record<string, unknown> } } };
    };
    delete doc.configuration.provider_config.azurerm.expressions.subscription_id;
    const file = join(dir, "nosub.plan.json");
    writeFileSync(file, JSON.stringify(doc));
    const other = "33333333-3333-3333-3333-333333333333";
    const r = bin("ingest", "terraform", file, "--subscription", other);
    expect(r.status).toBe(0);
    const ids = (JSON.parse(r.stdout) as { resources: { id: string }[] }).resources.map((x) => x.id);
    expect(ids.every((id) => id.startsWith(`/subscriptions/${other}/`))).toBe(true);
  });

  it("traces and verifies a plan or a state given as --estate", () => {
    const traced = bin("trace", "--estate", PLAN, "--from", "vm-app", "--to", BLOB);
    expect(traced.status).toBe(0);
    expect(traced.stdout).toContain("Verdict: ALLOW");
    expect(traced.stderr).toContain(`vnetlab: warning: ${PLAN}: ${PIP_WARNING}`);
    const verified = bin("verify", "--estate", STATE, "--intents", INTENTS);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toContain("8 of 8 intents hold");
    expect(verified.stderr).toBe("");
  });

  it("exits 2 with one line naming the file when the input is not terraform show -json output", () => {
    const r = bin("ingest", "terraform", LAB);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`${LAB}: InvalidTerraformJson`);
  });
});
