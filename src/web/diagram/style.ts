// One palette for every renderer, so that the live view, its SVG and PNG exports, the draw.io file and the
// Mermaid text show a resource in the same colours. Verdicts are never shown by colour alone: the renderers
// also write a mark and a word (accessibility).
import type { BadgeKind, EdgeKind, NodeKind } from "./types.js";

export interface Paint {
  fill: string;
  stroke: string;
  text: string;
}

export const NODE_PAINT: Record<NodeKind, Paint> = {
  group: { fill: "#f7f7f9", stroke: "#8a8f98", text: "#30343b" },
  vnet: { fill: "#eef4fb", stroke: "#2f6db5", text: "#173a63" },
  subnet: { fill: "#ffffff", stroke: "#7aa5d6", text: "#1d3f66" },
  vm: { fill: "#f3f0fa", stroke: "#6a4fb3", text: "#33255e" },
  privateEndpoint: { fill: "#e9f7f7", stroke: "#1f8a8a", text: "#124848" },
  gateway: { fill: "#fdf3e6", stroke: "#b86e12", text: "#5c3606" },
  onPremises: { fill: "#fdf3e6", stroke: "#b86e12", text: "#5c3606" },
  internet: { fill: "#f2f2f2", stroke: "#6b6b6b", text: "#2b2b2b" },
  service: { fill: "#fafafa", stroke: "#9aa0a6", text: "#3c4043" },
  paas: { fill: "#ffffff", stroke: "#5f6368", text: "#202124" },
};

export type Tone = "allow" | "deny" | "mixed";

/** The overlay's colours: a reachable resource, a blocked one, a collapsed group with both. */
export const VERDICT_PAINT: Record<Tone, Paint> = {
  allow: { fill: "#e3f4e4", stroke: "#2e7d32", text: "#1b4d1e" },
  deny: { fill: "#fde7e7", stroke: "#c62828", text: "#7a1616" },
  mixed: { fill: "#fff4d6", stroke: "#b7791f", text: "#5e3d0b" },
};

export const TONE_MARK: Record<Tone, string> = { allow: "✓ allowed", deny: "✗ blocked", mixed: "± mixed" };

export const SELECTED_STROKE = "#1a73e8";
export const SOURCE_STROKE = "#6a1b9a";

export const BADGE_PAINT: Record<BadgeKind, { fill: string; text: string }> = {
  endpoint: { fill: "#1565c0", text: "#ffffff" },
  policy: { fill: "#00838f", text: "#ffffff" },
  nsg: { fill: "#ad1457", text: "#ffffff" },
  routeTable: { fill: "#5d4037", text: "#ffffff" },
  nat: { fill: "#455a64", text: "#ffffff" },
  delegation: { fill: "#6d4c41", text: "#ffffff" },
  firewall: { fill: "#37474f", text: "#ffffff" },
};

export const EDGE_PAINT: Record<EdgeKind, { stroke: string; dash?: string }> = {
  peering: { stroke: "#2f6db5", dash: "6 3" },
  connection: { stroke: "#b86e12", dash: "2 3" },
  privateLink: { stroke: "#1f8a8a" },
};

export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
