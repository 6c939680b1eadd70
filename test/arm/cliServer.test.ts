// The CLI and the server share one engine: `trace --server` traces against a running server's estate and
// `export --server` writes that estate as ARM JSON that the file-based commands read back.
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
const BLOB = "https://stgworkloads.blob.core.windows.net/test/test.txt";
let h: Harness;
let caFile: string;
const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [join(ROOT, "bin/vnetlab.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
  });

beforeAll(async () => {
  h = await startServer();
  const { resources, origins } = readEstateResources([join(ROOT, "examples/lab000/estate.json")]);
  await preloadEstate(h.pipeline, resources, origins);
  caFile = join(mkdtempSync(join(tmpdir(), "vnetlab-ca-")), "ca.pem");
  writeFileSync(caFile, h.ca);
});
afterAll(async () => h.close());

describe("CLI against a running server", () => {
  it("trace --server gives the same verdicts as the estate file", async () => {
    const allowed = JSON.parse(
      (await run("trace", "--server", h.endpoint, "--from", "vm-app", "--to", BLOB, "--json")).stdout,
    );
    expect(allowed).toMatchObject({ verdict: "Allow", sourceIpSeenByService: "10.0.1.4" });
    const denied = JSON.parse(
      (
        await run(
          "trace",
          "--server",
          h.endpoint,
          "--from",
          "vm-app",
          "--to",
          "https://stgexternal01.blob.core.windows.net/",
          "--json",
        )
      ).stdout,
    );
    expect(denied).toMatchObject({ verdict: "Deny", decidedBy: { stage: "policy" } });
  });

  it("export --server writes ARM JSON that verify reads back", async () => {
    const exported = (await run("export", "--server", h.endpoint)).stdout;
    const dir = mkdtempSync(join(tmpdir(), "vnetlab-export-"));
    writeFileSync(join(dir, "estate.json"), exported);
    expect(JSON.parse(exported).resources.length).toBeGreaterThan(10);
    const verified = await run(
      "verify",
      "--estate",
      join(dir, "estate.json"),
      "--intents",
      join(ROOT, "examples/lab000/intents.json"),
    );
    expect(verified.stdout).toContain("8 of 8 intents hold");
  });
});
