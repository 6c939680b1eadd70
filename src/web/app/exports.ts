/// <reference lib="dom" />
// Exports of the current view — its grouping, collapsed groups and overlay — with the same renderers as
// `vnetlab diagram`: SVG, draw.io, Mermaid, and PNG (the SVG drawn onto a canvas at twice its size).
import { placeOverlay } from "../diagram/overlay.js";
import { renderDrawio } from "../render/drawio.js";
import { renderMermaid } from "../render/mermaid.js";
import { renderSvg } from "../render/svg.js";
import { download } from "./dom.js";
import type { AppState } from "./state.js";

export type ExportFormat = "svg" | "png" | "drawio" | "mermaid";

/** Chromium's canvas limit is about 16k px a side; a very large estate is scaled down to fit. */
const MAX_CANVAS = 16_000;

function titleOf(s: AppState): string {
  return s.overlay ? `vnetlab topology — reachability from ${s.overlay.sourceLabel}` : "vnetlab topology";
}

export function exportText(s: AppState, format: Exclude<ExportFormat, "png">): string {
  const d = s.diagram;
  if (!d) return "";
  const opts = { overlay: placeOverlay(d, s.overlay), title: titleOf(s) };
  if (format === "svg") return renderSvg(d, opts);
  if (format === "drawio") return renderDrawio(d, opts);
  return renderMermaid(d, opts);
}

async function png(svg: string, width: number, height: number): Promise<Blob> {
  const scale = Math.min(2, MAX_CANVAS / Math.max(width, height));
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const g = canvas.getContext("2d");
    if (!g) throw new Error("this browser cannot draw on a canvas");
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("the PNG could not be made"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

const FILES: Record<ExportFormat, { name: string; type: string }> = {
  svg: { name: "vnetlab-topology.svg", type: "image/svg+xml" },
  png: { name: "vnetlab-topology.png", type: "image/png" },
  drawio: { name: "vnetlab-topology.drawio", type: "application/xml" },
  mermaid: { name: "vnetlab-topology.mmd", type: "text/plain" },
};

export async function exportView(s: AppState, format: ExportFormat): Promise<void> {
  const d = s.diagram;
  if (!d) return;
  const f = FILES[format];
  if (format === "png") download(f.name, await png(exportText(s, "svg"), d.width, d.height));
  else download(f.name, exportText(s, format), f.type);
}
