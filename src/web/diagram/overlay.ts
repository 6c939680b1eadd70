// The reachability overlay: one source's row of the matrix, placed on a diagram — each PaaS resource toned by
// its verdict, and an edge from the source to it labelled with the path the flow takes. Collapsed groups take
// the tone of what they hide (all allowed, all blocked, or mixed).
import type { MatrixRow } from "../../analysis/matrix/query.js";
import type { Tone } from "./style.js";
import type { Diagram } from "./types.js";

/** What the overlay needs of a matrix row (the server sends whole rows). */
export type OverlayRow = Pick<
  MatrixRow,
  "source" | "sourceLabel" | "resource" | "resourceName" | "verdict" | "path" | "viaAppliance" | "decidedBy"
> & { sourceIpSeenByService?: string };

export interface Overlay {
  /** The matrix source id (lower case). */
  source: string;
  sourceLabel: string;
  rows: OverlayRow[];
}

export interface OverlayEdge {
  id: string;
  source: string;
  target: string;
  label: string;
  tone: Tone;
}

export interface PlacedOverlay {
  sourceNode?: string;
  tones: Map<string, Tone>;
  /** Per node: the sentence a screen reader hears, e.g. "allowed from vm-app over a service endpoint". */
  notes: Map<string, string>;
  edges: OverlayEdge[];
}

const PATH_WORDS: Record<string, string> = {
  serviceEndpoint: "endpoint",
  internet: "internet",
  privateEndpoint: "private endpoint",
  virtualAppliance: "appliance",
  virtualNetwork: "vnet",
  peering: "peering",
  gateway: "gateway",
  dropped: "dropped",
  none: "none",
};

/** The path type written on an edge: endpoint, internet, private endpoint, appliance, ... */
export function pathLabel(path: string, viaAppliance: boolean): string {
  const word = PATH_WORDS[path] ?? path;
  return viaAppliance && path !== "virtualAppliance" ? `${word} via appliance` : word;
}

/** The deciding stage and rule of a row, in one line. */
export function decidedByText(d: OverlayRow["decidedBy"]): string {
  return [d.stage, d.rule, d.resourceId ? `(${d.resourceId.split("/").pop()})` : undefined]
    .filter((x) => x !== undefined && x !== "")
    .join(" ");
}

function merge(a: Tone | undefined, b: Tone): Tone {
  return a === undefined || a === b ? b : "mixed";
}

/** Which node shows an id: the node itself, else the collapsed group that hides it. */
function holderIndex(d: Diagram, field: "refs" | "sources"): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of d.nodes) for (const r of n[field] ?? []) if (!out.has(r) || r === n.id) out.set(r, n.id);
  return out;
}

export function placeOverlay(d: Diagram, overlay: Overlay | undefined): PlacedOverlay {
  const placed: PlacedOverlay = { tones: new Map(), notes: new Map(), edges: [] };
  if (!overlay) return placed;
  const byRef = holderIndex(d, "refs");
  placed.sourceNode = holderIndex(d, "sources").get(overlay.source.toLowerCase());
  const labels = new Map<string, Set<string>>();
  for (const row of overlay.rows) {
    const target = byRef.get(row.resource.toLowerCase());
    if (!target) continue;
    const tone: Tone = row.verdict === "Allow" ? "allow" : "deny";
    placed.tones.set(target, merge(placed.tones.get(target), tone));
    const path = pathLabel(row.path, row.viaAppliance);
    const set = labels.get(target) ?? new Set<string>();
    set.add(path);
    labels.set(target, set);
    const verdict = tone === "allow" ? "allowed" : "blocked";
    placed.notes.set(
      target,
      `${verdict} from ${overlay.sourceLabel} over ${path}; decided by ${decidedByText(row.decidedBy)}`,
    );
  }
  if (placed.sourceNode) {
    for (const [target, set] of labels) {
      if (target === placed.sourceNode) continue;
      placed.edges.push({
        id: `reach:${target}`,
        source: placed.sourceNode,
        target,
        label: [...set].join(", "),
        tone: placed.tones.get(target)!,
      });
    }
  }
  return placed;
}
