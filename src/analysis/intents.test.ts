// Intents over sets: selectors on both sides answered from the matrix, `except`, and `expect: only`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileEstate } from "../model/compileEstate.js";
import { type Intent, parseIntents, verifyIntents } from "./intents.js";

const lab = compileEstate(
  (
    JSON.parse(readFileSync(join(import.meta.dirname, "../../examples/lab000/estate.json"), "utf8")) as {
      resources: unknown[];
    }
  ).resources,
);
const check = (...intents: Intent[]) => verifyIntents(lab, intents);

describe("intents over sets of sources and resources", () => {
  it("a wildcard that holds, and one that does not, with the pairs that break it", () => {
    const [held, broken] = check(
      { from: "internet", to: "type:storageAccounts & rg:rg-storage", expect: "deny" },
      {
        name: "nothing on the internet reaches any storage account",
        from: "internet",
        to: "type:storageAccounts",
        expect: "deny",
      },
    );
    expect(held).toMatchObject({ kind: "set", passed: true, pairs: 1 });
    expect(broken).toMatchObject({ kind: "set", passed: false, pairs: 2 });
    // stgexternal01 admits every network.
    expect(broken?.kind === "set" && broken.violations).toEqual([
      {
        source: "internet (198.51.100.10)",
        resource: "stgexternal01",
        verdict: "Allow",
        decidedBy: expect.objectContaining({ stage: "firewall", rule: "networkAcls.defaultAction=Allow" }),
      },
    ]);
  });

  it("except leaves sources out; expect only bounds what the sources reach", () => {
    const [noOther, webToo, only, notOnly] = check(
      { from: "subnet:*", except: ["snet-app", "snet-web"], to: "stgworkloads", expect: "deny" },
      { from: "subnet:*", except: ["snet-app"], to: "stgworkloads", expect: "deny" },
      {
        from: "vm-app",
        to: "type:Microsoft.Storage/storageAccounts",
        expect: "only",
        within: "stgworkloads",
      },
      {
        from: "vm-web",
        to: "type:Microsoft.Storage/storageAccounts",
        expect: "only",
        within: "stgworkloads",
      },
    );
    expect(noOther).toMatchObject({ passed: true, pairs: 0 });
    // snet-web is in stgworkloads's VNet rules.
    expect(webToo).toMatchObject({
      passed: false,
      violations: [expect.objectContaining({ source: "snet-web" })],
    });
    expect(only).toMatchObject({ passed: true });
    // vm-web has no endpoint policy: it reaches stgexternal01 too.
    expect(notOnly).toMatchObject({
      passed: false,
      violations: [expect.objectContaining({ resource: "stgexternal01" })],
    });
  });

  it("single flows are traced as before", () => {
    const [r] = check({ from: "vm-app", to: "https://stgexternal01.blob.core.windows.net/", expect: "deny" });
    expect(r).toMatchObject({ kind: "flow", passed: true, verdict: "Deny" });
  });

  it("a selector that matches nothing is an error, not a pass", () => {
    const [r] = check({ from: "subnet:snet-nope", to: "*", expect: "deny" });
    expect(r).toMatchObject({ kind: "error", error: { code: "UnknownSource" } });
    const [t] = check({ from: "*", to: "type:Microsoft.Nope/things", expect: "deny" });
    expect(t).toMatchObject({ kind: "error", error: { code: "UnknownDestination" } });
  });

  it("refuses malformed intents with their place", () => {
    expect(() => parseIntents([{ from: "a", to: "b", expect: "only" }], "i.yaml", () => 7)).toThrow(
      /intent #1 \(line 7\): "expect: only" needs "within"/,
    );
    expect(() => parseIntents([{ from: "a", to: "b", expect: "maybe" }])).toThrow(/allow \| deny \| only/);
    expect(() => parseIntents([{ from: "a", to: "b", expect: "deny", except: "x" }])).toThrow(
      /"except" is a list/,
    );
  });
});

describe("intents about the deployer", () => {
  it("checks the deploying machine's access, and asks for its address", () => {
    const intent: Intent = {
      name: "the pipeline still reaches its state",
      from: "deployer",
      to: "https://stgworkloads.blob.core.windows.net/tfstate",
      expect: "allow",
    };
    expect(verifyIntents(lab, [intent], { deployer: "203.0.113.9" })[0]).toMatchObject({
      kind: "flow",
      passed: true,
    });
    expect(verifyIntents(lab, [intent], { deployer: "198.51.100.9" })[0]).toMatchObject({
      kind: "flow",
      passed: false,
      verdict: "Deny",
    });
    expect(verifyIntents(lab, [intent])[0]).toMatchObject({
      kind: "error",
      error: { code: "InvalidIntent" },
    });
  });
});
