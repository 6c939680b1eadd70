// examples/ci/vnetlab.yml for real: every `vnetlab` step of the workflow, run as written on a Terraform plan and
// state of the seed lab (test/fixtures/terraform), with the lab's intents as the repository's.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = join(import.meta.dirname, "..");
const workflow = parse(readFileSync(join(ROOT, "examples/ci/vnetlab.yml"), "utf8")) as {
  jobs: { reachability: { steps: { name?: string; run?: string }[] } };
};

/** The workflow's vnetlab command lines, with `npx --yes vnetlab` as the repository's own bin. */
function vnetlabCommands(): { name: string; argv: string[] }[] {
  const out: { name: string; argv: string[] }[] = [];
  for (const step of workflow.jobs.reachability.steps) {
    for (const line of (step.run ?? "").split("\n")) {
      const m = /npx --yes vnetlab (.*?)(?:\s*\|.*)?$/.exec(line.trim());
      if (!m) continue;
      const argv = m[1]!
        .replace(/\s*>\s*\S+.*$/, "")
        .replace('"$RUNNER_IP"', "203.0.113.50")
        .split(/\s+/);
      out.push({ name: step.name ?? "", argv });
    }
  }
  return out;
}

describe("the GitHub Actions example", () => {
  it("runs every vnetlab step on a Terraform plan of the seed lab", () => {
    const dir = mkdtempSync(join(tmpdir(), "vnetlab-ci-"));
    copyFileSync(join(ROOT, "test/fixtures/terraform/lab000.plan.json"), join(dir, "plan.json"));
    copyFileSync(join(ROOT, "test/fixtures/terraform/lab000.state.json"), join(dir, "state.json"));
    copyFileSync(join(ROOT, "examples/lab000/intents.yaml"), join(dir, "network-intents.yaml"));
    const commands = vnetlabCommands();
    expect(commands.map((c) => c.argv[0])).toEqual(["verify", "what-if", "lint"]);
    const codes: Record<string, number> = {};
    for (const c of commands) {
      const r = spawnSync(process.execPath, [join(ROOT, "bin/vnetlab.js"), ...c.argv], {
        cwd: dir,
        encoding: "utf8",
      });
      codes[c.argv[0]!] = r.status ?? -1;
      if (c.argv[0] === "verify") expect(r.stdout).toContain("5 of 5 intents hold");
    }
    // The intents hold; the plan changes nothing against the state; lint exits 1 on the lab's one finding.
    expect(codes).toEqual({ verify: 0, "what-if": 0, lint: 1 });
    expect(JSON.parse(readFileSync(join(dir, "intents.sarif"), "utf8"))).toMatchObject({ version: "2.1.0" });
    expect(readFileSync(join(dir, "intents.xml"), "utf8")).toContain('<testsuites tests="5" failures="0">');
  });
});
