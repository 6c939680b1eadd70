// `trace --batch` writes its results per chunk of input rather than per line: the lines must still come out
// one per input line, in order, and the writes must be far fewer than the lines.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";

const LAB = join(import.meta.dirname, "..", "examples/lab000/estate.json");
const BLOB = "https://stgworkloads.blob.core.windows.net/test/test.txt";

describe("trace --batch output", () => {
  it("answers thousands of lines in order with few writes", async () => {
    const flows = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify(
        i % 3 === 0 ? { from: "vm-app", to: BLOB } : { from: `internet:198.51.100.${i % 250}`, to: BLOB },
      ),
    );
    const dir = mkdtempSync(join(tmpdir(), "vnetlab-"));
    const file = join(dir, "flows.jsonl");
    writeFileSync(file, `${flows.join("\n")}\n`);
    let out = "";
    let writes = 0;
    const code = await main(["trace", "--estate", LAB, "--batch", file], {
      out: (s) => {
        writes++;
        out += s.endsWith("\n") ? s : `${s}\n`;
      },
      err: () => undefined,
    });
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { from: string });
    expect(code).toBe(0);
    expect(lines.map((l) => l.from)).toEqual(flows.map((f) => (JSON.parse(f) as { from: string }).from));
    expect(writes).toBeLessThan(lines.length / 10);
  });
});
