// The README's TypeScript snippet, run as written against a server preloaded with the lab estate.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preloadEstate } from "../../src/arm/preload.js";
import { readEstateResources } from "../../src/cli/loadEstate.js";
import { type Harness, startServer } from "./harness.js";

const ROOT = join(import.meta.dirname, "..", "..");
let h: Harness;
beforeAll(async () => {
  h = await startServer();
  const { resources, origins } = readEstateResources([join(ROOT, "examples/lab000/estate.json")]);
  await preloadEstate(h.pipeline, resources, origins);
});
afterAll(async () => h.close());

describe("README", () => {
  it("the SDK snippet creates a subnet with a service endpoint", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const snippet = /```ts\n([\s\S]*?)```/.exec(readme)![1]!.replaceAll("https://127.0.0.1:8443", h.endpoint);
    const dir = mkdtempSync(join(ROOT, "test", ".readme-"));
    const file = join(dir, "snippet.mts");
    const caFile = join(dir, "ca.pem");
    writeFileSync(file, snippet);
    writeFileSync(caFile, h.ca);
    try {
      // Asynchronously: the server answering the snippet runs in this very process.
      const { stdout: out } = await promisify(execFile)(process.execPath, ["--import", "tsx", file], {
        encoding: "utf8",
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
        timeout: 60_000,
      });
      expect(out).toContain("Microsoft.Storage");
      expect(out).toContain("uksouth");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
