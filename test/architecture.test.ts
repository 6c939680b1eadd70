// DESIGN.md's layers: imports point downwards only, and the engine does no I/O.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..", "src");
const MAY_IMPORT: Record<string, string[]> = {
  net: [],
  model: ["net"],
  engine: ["net", "model"],
  analysis: ["net", "model", "engine"],
  ingest: ["net", "model"],
  store: ["net", "model"],
  arm: ["net", "model", "engine", "analysis", "ingest", "store"],
  dataplane: ["net", "model", "engine", "arm"],
  // The CLI mounts the web UI (`serve`) and draws with its renderers (`diagram`); web never imports cli.
  cli: ["net", "model", "engine", "analysis", "ingest", "store", "arm", "dataplane", "web"],
  web: ["net", "model", "engine", "analysis", "ingest", "store", "arm", "dataplane"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")
        ? [join(dir, e.name)]
        : [],
  );
}

const files = sourceFiles(SRC).map((f) => ({
  file: relative(SRC, f),
  layer: relative(SRC, f).split("/")[0]!,
  imports: [...readFileSync(f, "utf8").matchAll(/^(?:import|export)[^"']*from\s+["']([^"']+)["']/gm)].map(
    (m) => m[1]!,
  ),
}));

describe("DESIGN.md layers", () => {
  it("every source file sits in a known layer", () => {
    expect(files.filter((f) => !(f.layer in MAY_IMPORT)).map((f) => f.file)).toEqual([]);
  });

  it("imports point downwards only", () => {
    const violations: string[] = [];
    for (const f of files) {
      for (const spec of f.imports.filter((s) => s.startsWith("."))) {
        const target = relative(SRC, join(SRC, f.file, "..", spec)).split("/")[0]!;
        if (target !== f.layer && !MAY_IMPORT[f.layer]?.includes(target))
          violations.push(`${f.file} → ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("net, model and engine do no I/O", () => {
    const pure = files.filter((f) => ["net", "model", "engine", "analysis"].includes(f.layer));
    const io = pure.filter((f) =>
      f.imports.some((s) => /^(node:)?(fs|net|http|https|child_process|fs\/promises)$/.test(s)),
    );
    expect(io.map((f) => f.file)).toEqual([]);
  });
});
