// From an estate to a picture, the steps `vnetlab diagram` and the server share: the overlay of one source's
// matrix row, grouping and layout, and the renderer of each export format.
import type { MatrixResource, MatrixSource } from "../analysis/matrix/endpoints.js";
import { Matrix } from "../analysis/matrix/matrix.js";
import { matrixRows } from "../analysis/matrix/query.js";
import type { Estate } from "../model/estate.js";
import { VnetlabError } from "../model/errors.js";
import { groupDiagram } from "./diagram/group.js";
import { type ElkLike, layoutDiagram } from "./diagram/layout.js";
import { type Overlay, type PlacedOverlay, placeOverlay } from "./diagram/overlay.js";
import type { Diagram, GroupBy, LaidOutDiagram, ViewOptions } from "./diagram/types.js";
import { renderDrawio } from "./render/drawio.js";
import { renderMermaid } from "./render/mermaid.js";
import { renderSvg } from "./render/svg.js";

/**
 * The source a person names: a matrix source's id, else its label or kind (`vm-app`, `internet`), as
 * `vnetlab matrix --source` takes it.
 */
export function findSource(sources: readonly MatrixSource[], text: string): MatrixSource {
  const t = text.toLowerCase();
  const exact = sources.find((s) => s.id.toLowerCase() === t);
  if (exact) return exact;
  const named = sources.filter((s) => s.label.toLowerCase() === t || s.kind === t);
  if (named.length === 1) return named[0]!;
  if (named.length > 1)
    throw new VnetlabError(
      "AmbiguousName",
      `'${text}' names ${named.length} sources; give one's id: ${named.map((s) => s.id).join(", ")}`,
    );
  throw new VnetlabError(
    "UnknownSource",
    `'${text}' is not a source of the matrix (a subnet, VM, on-premises range or the internet)`,
  );
}

/** One source's row of the matrix: a matrix of that one source, so it costs one row, not the estate's. */
export function overlayOf(
  estate: Estate,
  source: MatrixSource,
  resources: readonly MatrixResource[],
): Overlay {
  const rows = [...matrixRows(new Matrix(estate, [source], resources))];
  return { source: source.id.toLowerCase(), sourceLabel: source.label, rows };
}

export const GROUP_BY: readonly GroupBy[] = ["none", "resourceGroup", "subscription"];

export function parseGroupBy(text: string | undefined): GroupBy {
  if (text === undefined || text === "") return "none";
  const found = GROUP_BY.find((g) => g.toLowerCase() === text.replace(/-/g, "").toLowerCase());
  if (!found)
    throw new VnetlabError(
      "InvalidViewOption",
      `group by '${text}': use none, resource-group or subscription`,
    );
  return found;
}

export function layoutView(d: Diagram, view: ViewOptions, elk: ElkLike): Promise<LaidOutDiagram> {
  return layoutDiagram(groupDiagram(d, view), elk);
}

export type DiagramFormat = "svg" | "drawio" | "mermaid";

export function renderAs(
  format: DiagramFormat,
  d: LaidOutDiagram,
  overlay?: Overlay,
  title?: string,
): string {
  const placed: PlacedOverlay | undefined = overlay ? placeOverlay(d, overlay) : undefined;
  const opts = { ...(placed ? { overlay: placed } : {}), ...(title ? { title } : {}) };
  switch (format) {
    case "svg":
      return `${renderSvg(d, opts)}\n`;
    case "drawio":
      return renderDrawio(d, opts);
    case "mermaid":
      return renderMermaid(d, opts);
  }
}
