import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileEstate, estateResourcesOf } from "../../model/compileEstate.js";
import { buildDiagram } from "../diagram/build.js";
import { layoutDiagram } from "../diagram/layout.js";
import { placeOverlay, type PlacedOverlay } from "../diagram/overlay.js";
import type { LaidOutDiagram } from "../diagram/types.js";
import { inProcessElk } from "../elk.js";
import { edgeGeometry, escapeXml } from "./common.js";
import { renderDrawio } from "./drawio.js";
import { renderMermaid } from "./mermaid.js";
import { renderSvg } from "./svg.js";

const FILE = join(import.meta.dirname, "..", "..", "..", "examples/lab000/estate.json");
const demo = compileEstate(estateResourcesOf(JSON.parse(readFileSync(FILE, "utf8")), FILE));
let d: LaidOutDiagram;
let overlay: PlacedOverlay;
const vmApp = (): string => d.nodes.find((n) => n.label === "vm-app")!.id;
const id = (label: string): string => d.nodes.find((n) => n.label === label)!.id;

beforeAll(async () => {
  d = await layoutDiagram(buildDiagram(demo), inProcessElk());
  overlay = placeOverlay(d, {
    source: d.nodes.find((n) => n.label === "vm-app")!.sources![0]!,
    sourceLabel: "vm-app",
    rows: [
      {
        source: "x",
        sourceLabel: "vm-app",
        resource: id("stgworkloads"),
        resourceName: "stgworkloads",
        verdict: "Allow",
        path: "serviceEndpoint",
        viaAppliance: false,
        decidedBy: { stage: "firewall", rule: "r" },
      },
      {
        source: "x",
        sourceLabel: "vm-app",
        resource: id("stgexternal01"),
        resourceName: "stgexternal01",
        verdict: "Deny",
        path: "serviceEndpoint",
        viaAppliance: false,
        decidedBy: { stage: "policy" },
      },
    ],
  });
});

describe("renderSvg", () => {
  it("draws every box with its label, and the overlay's tones, marks and edges", () => {
    const svg = renderSvg(d, { overlay });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
    for (const n of d.nodes) expect(svg).toContain(`data-id="${n.id}"`);
    expect(svg).toContain('data-verdict="allow"');
    expect(svg).toContain("✗ blocked");
    expect(svg.match(/<g class="reach"/g)).toHaveLength(2);
    expect(svg).toContain(`data-path="endpoint"`);
    expect(svg).not.toContain("tabindex");
  });

  it("makes boxes focusable buttons with ARIA labels in the live view", () => {
    const svg = renderSvg(d, { overlay, interactive: true, selected: vmApp() });
    expect(svg).toContain(
      'tabindex="0" role="button" aria-label="virtual machine vm-app; 10.0.1.4; selected source"',
    );
    expect(svg).toContain('aria-pressed="true"');
  });

  it("dims what a highlight leaves out, keeping the highlighted box's containers", () => {
    const svg = renderSvg(d, { highlighted: new Set([vmApp()]) });
    expect(svg).toMatch(/data-kind="paas"[^>]*opacity="0.3"/);
    expect(svg).not.toMatch(/data-kind="vnet"[^>]*opacity="0.3"/);
  });
});

describe("renderDrawio", () => {
  it("writes an mxfile whose children sit relative to their containers", () => {
    const xml = renderDrawio(d, { overlay });
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<mxfile host="vnetlab"/);
    expect(xml).toContain('<root><mxCell id="0"/><mxCell id="1" parent="0"/>');
    const cell = (label: string): RegExpExecArray =>
      new RegExp(
        `<mxCell id="(n\\d+)" value="${label}[^"]*"[^>]*parent="(\\w+)"><mxGeometry x="([\\d.]+)" y="([\\d.]+)"`,
      ).exec(xml)!;
    const [, vnetId] = cell("vnet-workloads");
    const subnet = cell("snet-app");
    expect(subnet[2]).toBe(vnetId);
    const sb = d.boxes[id("snet-app")]!;
    const vb = d.boxes[id("vnet-workloads")]!;
    expect(Number(subnet[3])).toBeCloseTo(sb.x - vb.x);
    expect(xml.match(/edge="1"/g)).toHaveLength(2);
    expect(xml).toContain("stgexternal01  ✗ blocked");
  });
});

describe("renderMermaid", () => {
  it("nests subgraphs and escapes what Mermaid would parse", () => {
    const text = renderMermaid({
      nodes: [{ id: "a", kind: "paas", label: 'say "hi" | <b>', lines: [], badges: [], refs: [] }],
      edges: [],
    });
    expect(text).toContain('n0("say #34;hi#34; #124; #60;b#62;")');
    const mmd = renderMermaid(d, { overlay });
    expect(mmd).toMatch(/subgraph n\d+\["vnet-workloads<br\/>10.0.0.0\/16/);
    expect(mmd).toMatch(/n\d+ ==>\|"endpoint"\| n\d+/);
    expect(mmd).toMatch(/n\d+ -.->\|"endpoint"\| n\d+/);
    expect(mmd).toContain("classDef deny fill:#fde7e7");
  });
});

describe("common", () => {
  it("escapes XML and runs edges out of the facing sides", () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    const g = edgeGeometry({ x: 0, y: 0, width: 100, height: 40 }, { x: 300, y: 0, width: 100, height: 40 });
    expect(g.start).toEqual({ x: 100, y: 20 });
    expect(g.end).toEqual({ x: 300, y: 20 });
  });
});
