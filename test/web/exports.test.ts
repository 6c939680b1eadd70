// Exports, from the browser (the toolbar's buttons, as downloads) and from the CLI (`vnetlab diagram`): the
// draw.io file parses as mxfile XML with a well-formed mxGraph model, the SVG renders in Chromium with the
// resources' labels, the PNG is a PNG, the Mermaid text is a flowchart.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import {
  ARTIFACTS,
  DEMO,
  DEMO_IDS as ID,
  nodeSelector as node,
  openApp,
  startWeb,
  type WebHarness,
} from "./browser.js";

let w: WebHarness;
beforeAll(async () => {
  w = await startWeb();
  await openApp(w);
  await w.page.locator(node(ID.vmApp)).click();
  await w.page.waitForSelector(`${node(ID.stgWorkloads)}[data-verdict]`);
}, 30_000);
afterAll(async () => w?.close());

const LABELS = [
  "vnet-workloads",
  "snet-app",
  "vm-app",
  "stgworkloads",
  "stgexternal01",
  "sql-workloads",
  "kv-workloads",
];

/** Clicks an export button and returns the downloaded file's bytes (kept as an artifact). */
async function exported(format: string, file: string): Promise<Buffer> {
  const [download] = await Promise.all([
    w.page.waitForEvent("download"),
    w.page.locator(`[data-export="${format}"]`).click(),
  ]);
  const path = join(ARTIFACTS, file);
  await download.saveAs(path);
  return readFileSync(path);
}

interface MxfileCheck {
  error?: string;
  cells: number;
  vertices: number;
  edges: number;
  values: string[];
}

/** Parses a draw.io file with the browser's XML parser and checks the mxGraph model's structure. */
function checkMxfile(page: Page, xml: string): Promise<MxfileCheck> {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "application/xml");
    const fail = (error: string): MxfileCheck => ({ error, cells: 0, vertices: 0, edges: 0, values: [] });
    if (doc.getElementsByTagName("parsererror").length > 0) return fail("not well-formed XML");
    const root = doc.documentElement;
    if (root.tagName !== "mxfile") return fail(`root is <${root.tagName}>`);
    const model = root.querySelector(":scope > diagram > mxGraphModel > root");
    if (!model) return fail("no diagram > mxGraphModel > root");
    const cells = Array.from(model.children);
    if (cells.some((c) => c.tagName !== "mxCell")) return fail("a child of <root> is not an mxCell");
    const ids = new Set(cells.map((c) => c.getAttribute("id")));
    if (ids.size !== cells.length) return fail("duplicate cell ids");
    if (cells[0]?.getAttribute("id") !== "0" || cells[1]?.getAttribute("parent") !== "0")
      return fail("the first cells are not the root (0) and the default layer (1, parent 0)");
    for (const c of cells.slice(1))
      if (!ids.has(c.getAttribute("parent")))
        return fail(`cell ${c.getAttribute("id")} has an unknown parent`);
    const vertices = cells.filter((c) => c.getAttribute("vertex") === "1");
    for (const v of vertices) {
      const g = v.querySelector(":scope > mxGeometry[as=geometry]");
      const nums = ["x", "y", "width", "height"].map((a) => Number(g?.getAttribute(a)));
      if (!g || nums.some((n) => !Number.isFinite(n)) || nums[2]! <= 0 || nums[3]! <= 0)
        return fail(`vertex ${v.getAttribute("id")} has no usable geometry`);
    }
    const edges = cells.filter((c) => c.getAttribute("edge") === "1");
    for (const e of edges)
      if (!ids.has(e.getAttribute("source")) || !ids.has(e.getAttribute("target")))
        return fail(`edge ${e.getAttribute("id")} does not join two cells`);
    return {
      cells: cells.length,
      vertices: vertices.length,
      edges: edges.length,
      values: vertices.map((v) => v.getAttribute("value") ?? ""),
    };
  }, xml);
}

/** Renders an SVG file in Chromium, as an image (it must decode standalone) and inline (its text). */
async function renderSvgFile(
  page: Page,
  svg: string,
  shot: string,
): Promise<{ width: number; texts: string[] }> {
  const p = await page.context().newPage();
  try {
    await p.setContent(
      `<!doctype html><html><body style="margin:0"><img id="img" alt="export"><div id="inline">${svg}</div></body></html>`,
    );
    const width = await p.evaluate(async (text) => {
      const img = document.getElementById("img") as HTMLImageElement;
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
      await img.decode();
      return img.naturalWidth;
    }, svg);
    const texts = await p.locator("#inline svg text").allTextContents();
    await p.locator("#img").screenshot({ path: join(ARTIFACTS, shot) });
    return { width, texts };
  } finally {
    await p.close();
  }
}

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(args, {
    out: (t) => (out += t.endsWith("\n") ? t : `${t}\n`),
    err: () => undefined,
  });
  return { code, out };
}

describe("exports of the current view", () => {
  it("draw.io: valid mxfile XML with every resource and the overlay's edges", async () => {
    const xml = (await exported("drawio", "view.drawio")).toString("utf8");
    const check = await checkMxfile(w.page, xml);
    expect(check.error).toBeUndefined();
    for (const label of LABELS) expect(check.values.some((v) => v.startsWith(label))).toBe(true);
    expect(check.values.find((v) => v.startsWith("stgexternal01"))).toContain("✗ blocked");
    expect(check.edges).toBeGreaterThanOrEqual(4);
  });

  it("SVG: renders in Chromium with the resources' labels", async () => {
    const svg = (await exported("svg", "view.svg")).toString("utf8");
    const { width, texts } = await renderSvgFile(w.page, svg, "view-svg-rendered.png");
    expect(width).toBeGreaterThan(300);
    for (const label of LABELS) expect(texts).toContain(label);
    expect(texts).toContain("✓ allowed");
  });

  it("PNG: a PNG of the view at twice its size", async () => {
    const png = await exported("png", "view.png");
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    const width = png.readUInt32BE(16);
    const svgWidth = Number(/width="(\d+)"/.exec(readFileSync(join(ARTIFACTS, "view.svg"), "utf8"))![1]);
    expect(width).toBe(svgWidth * 2);
  });

  it("Mermaid: a flowchart with subgraphs, the resources and the overlay's edges", async () => {
    const text = (await exported("mermaid", "view.mmd")).toString("utf8");
    expect(text).toMatch(/^---\ntitle: vnetlab topology — reachability from vm-app\n---\nflowchart LR\n/);
    for (const label of LABELS) expect(text).toContain(label);
    expect(text.match(/subgraph /g)?.length).toBe(text.match(/^\s*end$/gm)?.length);
    expect(text).toMatch(/==>\|"endpoint"\|/);
  });
});

describe("vnetlab diagram", () => {
  it("--format drawio writes a valid mxfile", async () => {
    const r = await cli("diagram", "--estate", DEMO, "--format", "drawio", "--source", "vm-app");
    expect(r.code).toBe(0);
    writeFileSync(join(ARTIFACTS, "cli.drawio"), r.out);
    const check = await checkMxfile(w.page, r.out);
    expect(check.error).toBeUndefined();
    for (const label of LABELS) expect(check.values.some((v) => v.startsWith(label))).toBe(true);
  });

  it("--format svg renders with the labels; --out writes the file", async () => {
    const file = join(ARTIFACTS, "cli.svg");
    expect(
      (
        await cli(
          "diagram",
          "--estate",
          DEMO,
          "--format",
          "svg",
          "--group-by",
          "resource-group",
          "--out",
          file,
        )
      ).code,
    ).toBe(0);
    const { texts } = await renderSvgFile(w.page, readFileSync(file, "utf8"), "cli-svg-rendered.png");
    for (const label of [...LABELS, "rg-networking", "rg-storage"]) expect(texts).toContain(label);
  });

  it("--format mermaid, and bad input exits 2", async () => {
    const r = await cli("diagram", "--estate", DEMO, "--format", "mermaid");
    expect(r.code).toBe(0);
    expect(r.out).toContain("flowchart LR");
    expect((await cli("diagram", "--estate", DEMO, "--source", "no-such-vm")).code).toBe(2);
    expect((await cli("diagram", "--format", "svg")).code).toBe(2);
  });
});
