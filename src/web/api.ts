// The web UI's JSON API under /vnetlab/ — the shapes the server sends and the browser reads, in one place.
// Type-only imports: the browser bundle takes none of the analyses' code with it.
import type { ExfiltrationReport } from "../analysis/audit/exfiltration.js";
import type { Finding } from "../analysis/lint/index.js";
import type { SourceKind } from "../analysis/matrix/endpoints.js";
import type { WhatIfReport } from "../analysis/whatIf.js";
import type { Trace } from "../engine/trace.js";
import type { Overlay } from "./diagram/overlay.js";
import type { LaidOutDiagram, ViewOptions } from "./diagram/types.js";

/** Every route of the UI's API; the ARM API keeps every other path. */
export const API = {
  topology: "/vnetlab/topology",
  reach: "/vnetlab/reach",
  trace: "/vnetlab/trace",
  findings: "/vnetlab/findings",
  audit: "/vnetlab/audit",
  whatIf: "/vnetlab/what-if",
  events: "/vnetlab/events",
} as const;

export interface SourceOption {
  id: string;
  label: string;
  kind: SourceKind;
}

export interface TargetOption {
  /** The resource id (lower case), as diagram nodes are keyed. */
  id: string;
  name: string;
  type: string;
  host: string;
}

export interface Versioned {
  /** The store version the answer was computed from. */
  version: number;
}

export interface TopologyResponse extends Versioned {
  view: ViewOptions;
  diagram: LaidOutDiagram;
  sources: SourceOption[];
  targets: TargetOption[];
}

export interface ReachResponse extends Versioned {
  overlay: Overlay;
}

export interface TraceResponse extends Versioned {
  from: string;
  to: string;
  trace: Trace;
}

export interface FindingsResponse extends Versioned {
  findings: Finding[];
}

export interface AuditResponse extends Versioned {
  report: ExfiltrationReport;
}

/** How the diagram itself changes: boxes that appear, go, or change what they say. */
export interface DiagramDiff {
  added: { id: string; label: string; kind: string }[];
  removed: { id: string; label: string; kind: string }[];
  changed: { id: string; label: string; what: string[] }[];
}

export interface WhatIfResponse extends Versioned {
  report: WhatIfReport;
  diagram: DiagramDiff;
}

/** The server-sent event `version`: the estate changed. */
export interface VersionEvent {
  version: number;
}

/** ARM's error shape, which the UI's API answers with too. */
export interface ApiError {
  error: { code: string; message: string };
}
