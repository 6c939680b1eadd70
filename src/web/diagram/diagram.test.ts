import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { matrixResources, matrixSources } from "../../analysis/matrix/endpoints.js";
import { compileEstate, estateResourcesOf } from "../../model/compileEstate.js";
import { inProcessElk } from "../elk.js";
import { findSource, overlayOf } from "../view.js";
import { buildDiagram } from "./build.js";
import { diffDiagrams } from "./diff.js";
import { groupDiagram } from "./group.js";
import { layoutDiagram } from "./layout.js";
import { placeOverlay } from "./overlay.js";
import { type Diagram, indexNodes, nodesNaming } from "./types.js";

const FILE = join(import.meta.dirname, "..", "..", "..", "examples/lab000/estate.json");
const resources = (): unknown[] => estateResourcesOf(JSON.parse(readFileSync(FILE, "utf8")), FILE);
const demo = compileEstate(resources());

const byLabel = (d: Diagram, label: string) => d.nodes.find((n) => n.label === label)!;

describe("buildDiagram (the seed-000 lab)", () => {
  const d = buildDiagram(demo);
  const nodes = indexNodes(d);

  it("nests VMs in subnets in their VNet, with the VNet's address space", () => {
    const vnet = byLabel(d, "vnet-workloads");
    expect(vnet.lines).toContain("10.0.0.0/16");
    const app = byLabel(d, "snet-app");
    expect(app.parent).toBe(vnet.id);
    expect(byLabel(d, "vm-app").parent).toBe(app.id);
    expect(byLabel(d, "vm-web").lines).toEqual(["10.0.2.4", "public 51.140.10.20"]);
  });

  it("badges a subnet's endpoints, policy and NSG", () => {
    expect(byLabel(d, "snet-app").badges.map((b) => b.text)).toEqual([
      "Storage",
      "Sql",
      "KeyVault",
      "SEP",
      "NSG",
    ]);
    expect(byLabel(d, "snet-app").badges.find((b) => b.kind === "nsg")!.title).toBe("NSG nsg-app");
    expect(byLabel(d, "snet-web").badges.map((b) => b.text)).toEqual(["Storage"]);
  });

  it("groups PaaS resources by service, each with its firewall mode", () => {
    const storage = byLabel(d, "stgworkloads");
    expect(nodes.get(storage.parent!)!.label).toBe("Azure Storage");
    expect(storage.lines[0]).toBe("selected networks: 2 VNet rules, 1 IP rule");
    expect(byLabel(d, "stgexternal01").lines[0]).toBe("all networks");
    expect(byLabel(d, "sql-workloads").lines[0]).toBe("rules: 1 VNet rule");
  });

  it("names the matrix sources each box stands for, and what selects it", () => {
    expect(byLabel(d, "vm-app").sources).toEqual([expect.stringMatching(/networkinterfaces\/nic-vm-app$/)]);
    expect(byLabel(d, "Internet").sources).toEqual(["internet"]);
    const nsg = demo.resources.find((r) => r.name === "nsg-app")!.id;
    expect(nodesNaming(d, [nsg])).toEqual([byLabel(d, "snet-app").id]);
  });
});

describe("private endpoints", () => {
  it("sit inside their subnet, linked to the resource they reach", () => {
    const raw = resources() as { id: string; name: string }[];
    const id = (name: string): string => raw.find((r) => r.name === name)!.id;
    const subnet = `${id("vnet-workloads")}/subnets/snet-app`;
    raw.push({
      id: id("vnet-workloads").replace(/virtualNetworks\/vnet-workloads$/, "privateEndpoints/pe-stg"),
      name: "pe-stg",
      type: "Microsoft.Network/privateEndpoints",
      location: "uksouth",
      properties: {
        subnet: { id: subnet },
        privateLinkServiceConnections: [
          { name: "blob", properties: { privateLinkServiceId: id("stgworkloads"), groupIds: ["blob"] } },
        ],
        customDnsConfigs: [{ fqdn: "stgworkloads.blob.core.windows.net", ipAddresses: ["10.0.1.10"] }],
      },
    } as { id: string; name: string });
    const d = buildDiagram(compileEstate(raw));
    const pe = byLabel(d, "pe-stg");
    expect(pe.kind).toBe("privateEndpoint");
    expect(pe.parent).toBe(subnet.toLowerCase());
    expect(pe.lines).toEqual(["10.0.1.10"]);
    expect(d.edges).toContainEqual(
      expect.objectContaining({
        kind: "privateLink",
        source: pe.id,
        target: id("stgworkloads").toLowerCase(),
        label: "blob",
      }),
    );
  });
});

describe("groupDiagram", () => {
  const d = buildDiagram(demo);

  it("boxes the top level by resource group, splitting services by group", () => {
    const g = groupDiagram(d, { groupBy: "resourceGroup", collapsed: [] });
    const groups = g.nodes.filter((n) => n.kind === "group").map((n) => n.label);
    expect(groups).toEqual(["rg-external", "rg-networking", "rg-security", "rg-sql", "rg-storage"]);
    const ext = byLabel(g, "stgexternal01");
    const svc = g.nodes.find((n) => n.id === ext.parent)!;
    expect(svc.kind).toBe("service");
    expect(svc.parent).toBe("group:11111111-1111-1111-1111-111111111111/rg-external");
    expect(byLabel(g, "Internet").parent).toBeUndefined();
  });

  it("collapses a group into one box that keeps its refs, sources and edges", () => {
    const g = groupDiagram(d, { groupBy: "resourceGroup", collapsed: ["*"] });
    const net = byLabel(g, "rg-networking");
    expect(net.hidden).toBe(5);
    expect(g.nodes.some((n) => n.label === "vm-app")).toBe(false);
    expect(net.sources!.some((s) => s.endsWith("nic-vm-app"))).toBe(true);
    const overlay = overlayOf(demo, findSource(matrixSources(demo), "vm-app"), matrixResources(demo));
    const placed = placeOverlay(g, overlay);
    expect(placed.sourceNode).toBe(net.id);
    expect(placed.tones.get(byLabel(g, "rg-storage").id)).toBe("allow");
    expect(placed.tones.get(byLabel(g, "rg-external").id)).toBe("deny");
  });
});

describe("placeOverlay", () => {
  it("tones each resource by its verdict and labels the edge with the path", () => {
    const d = buildDiagram(demo);
    const overlay = overlayOf(demo, findSource(matrixSources(demo), "vm-web"), matrixResources(demo));
    const placed = placeOverlay(d, overlay);
    const sql = byLabel(d, "sql-workloads").id;
    expect(placed.tones.get(sql)).toBe("deny");
    expect(placed.edges.find((e) => e.target === sql)!.label).toBe("internet");
    expect(placed.notes.get(sql)).toMatch(/^blocked from vm-web over internet; decided by firewall/);
  });
});

describe("layoutDiagram", () => {
  it("places every box inside its container, and no two siblings overlap", async () => {
    const d = await layoutDiagram(buildDiagram(demo), inProcessElk());
    for (const n of d.nodes) {
      const b = d.boxes[n.id]!;
      expect(b.width).toBeGreaterThan(0);
      if (!n.parent) continue;
      const p = d.boxes[n.parent]!;
      expect(
        b.x >= p.x && b.y >= p.y && b.x + b.width <= p.x + p.width && b.y + b.height <= p.y + p.height,
      ).toBe(true);
    }
    const top = d.nodes.filter((n) => !n.parent).map((n) => d.boxes[n.id]!);
    for (const a of top)
      for (const b of top)
        if (a !== b)
          expect(
            a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y,
          ).toBe(true);
  });
});

describe("diffDiagrams", () => {
  it("reports a subnet's new endpoint and a new VNet", () => {
    const raw = resources() as {
      name: string;
      properties: { subnets?: { name: string; properties: { serviceEndpoints: object[] } }[] };
    }[];
    raw
      .find((r) => r.name === "vnet-workloads")!
      .properties.subnets![1]!.properties.serviceEndpoints.push({ service: "Microsoft.Sql" });
    const diff = diffDiagrams(buildDiagram(demo), buildDiagram(compileEstate(raw)));
    expect(diff.added).toEqual([]);
    expect(diff.changed).toEqual([
      {
        id: expect.stringMatching(/snet-web$/),
        label: "snet-web",
        what: ["+ service endpoint Microsoft.Sql"],
      },
    ]);
  });
});
