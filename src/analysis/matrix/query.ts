// Reading the matrix: its cells as flat rows, filtered by source, resource type, subscription and verdict,
// for the CLI's table, JSON and CSV and for the analyses built on the matrix.
import type { DecidingStage, PathKind, Verdict } from "../../engine/trace.js";
import type { SourceKind } from "./endpoints.js";
import type { Matrix } from "./matrix.js";

export interface MatrixFilter {
  /** A source's id, label or kind (`subnet`, `nic`, `onprem`, `internet`), case-insensitively. */
  source?: string;
  /** A resource type, in full (`Microsoft.Storage/storageAccounts`) or its last segment (`storageAccounts`). */
  resourceType?: string;
  /** The resource's subscription id. */
  subscription?: string;
  verdict?: Verdict;
}

export interface MatrixRow {
  sourceKind: SourceKind;
  source: string;
  sourceLabel: string;
  resource: string;
  resourceName: string;
  resourceType: string;
  subscription: string;
  verdict: Verdict;
  path: PathKind | "none";
  viaAppliance: boolean;
  decidedBy: { stage: DecidingStage; rule?: string; resourceId?: string };
  sourceIpSeenByService?: string;
}

const lower = (s: string | undefined): string | undefined => s?.toLowerCase();

export function* matrixRows(m: Matrix, f: MatrixFilter = {}): IterableIterator<MatrixRow> {
  const type = lower(f.resourceType);
  const sub = lower(f.subscription);
  const src = lower(f.source);
  for (let j = 0; j < m.resources.length; j++) {
    const r = m.resources[j]!;
    const rt = r.resource.type.toLowerCase();
    if (type && rt !== type && rt.split("/").pop() !== type) continue;
    if (sub && r.subscriptionId.toLowerCase() !== sub) continue;
    for (const cell of m.column(j)) {
      const s = cell.source;
      if (src && s.kind !== src && s.id.toLowerCase() !== src && s.label.toLowerCase() !== src) continue;
      const o = cell.outcome;
      if (f.verdict && o.verdict !== f.verdict) continue;
      yield {
        sourceKind: s.kind,
        source: s.id,
        sourceLabel: s.label,
        resource: r.resource.id,
        resourceName: r.resource.name,
        resourceType: r.resource.type,
        subscription: r.subscriptionId,
        verdict: o.verdict,
        path: o.path,
        viaAppliance: o.viaAppliance,
        decidedBy: o.decidedBy,
        ...(cell.sourceIpSeenByService !== undefined
          ? { sourceIpSeenByService: cell.sourceIpSeenByService }
          : {}),
      };
    }
  }
}
