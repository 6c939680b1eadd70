// What the UI shows of the server's estate, computed once per store version and shared by every browser:
// the diagram, its layouts (per grouping), each source's row of the matrix, the findings and the audit. A write makes a new
// version; the next request computes afresh and the old version's answers are dropped.
import { auditExfiltration, type ExfiltrationReport } from "../../analysis/audit/exfiltration.js";
import { type Finding, lint } from "../../analysis/lint/index.js";
import {
  type MatrixResource,
  type MatrixSource,
  matrixResources,
  matrixSources,
} from "../../analysis/matrix/endpoints.js";
import type { ArmState } from "../../arm/armState.js";
import { compileEstate } from "../../model/compileEstate.js";
import type { Estate } from "../../model/estate.js";
import type { SourceOption, TargetOption } from "../api.js";
import type { Overlay } from "../diagram/overlay.js";
import { buildDiagram } from "../diagram/build.js";
import type { ElkLike } from "../diagram/layout.js";
import type { Diagram, LaidOutDiagram, ViewOptions } from "../diagram/types.js";
import { findSource, layoutView, overlayOf } from "../view.js";

/** Layouts kept per version: the groupings and collapsed sets people switch between. */
const MAX_LAYOUTS = 8;
/** Overlays kept per version: the sources people click between. */
const MAX_OVERLAYS = 32;

/** Remembers up to `max` answers, dropping the oldest. */
function remember<V>(cache: Map<string, V>, key: string, max: number, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= max) cache.delete(cache.keys().next().value!);
    v = make();
    cache.set(key, v);
  }
  return v;
}

export class VersionView {
  private diagramValue?: Diagram;
  private sourceList?: MatrixSource[];
  private resourceList?: MatrixResource[];
  private readonly overlays = new Map<string, Overlay>();
  private findingsValue?: Finding[];
  private auditValue?: ExfiltrationReport;
  private readonly layouts = new Map<string, Promise<LaidOutDiagram>>();

  constructor(
    readonly version: number,
    readonly estate: Estate,
    private readonly resources: () => readonly unknown[],
    private readonly elk: ElkLike,
  ) {}

  get diagram(): Diagram {
    return (this.diagramValue ??= buildDiagram(this.estate));
  }

  /** The matrix's sources and resources (its rows and columns), without computing the matrix. */
  get matrixSources(): MatrixSource[] {
    return (this.sourceList ??= matrixSources(this.estate));
  }

  get matrixResources(): MatrixResource[] {
    return (this.resourceList ??= matrixResources(this.estate));
  }

  /** One source's row (`source`: an id, label or kind). */
  overlay(source: string): Overlay {
    const s = findSource(this.matrixSources, source);
    return remember(this.overlays, s.id, MAX_OVERLAYS, () => overlayOf(this.estate, s, this.matrixResources));
  }

  get findings(): Finding[] {
    return (this.findingsValue ??= lint({ resources: this.resources(), estate: this.estate }));
  }

  get audit(): ExfiltrationReport {
    return (this.auditValue ??= auditExfiltration(this.estate));
  }

  get sources(): SourceOption[] {
    return this.matrixSources.map((s) => ({ id: s.id.toLowerCase(), label: s.label, kind: s.kind }));
  }

  get targets(): TargetOption[] {
    return this.matrixResources.map((r) => ({
      id: r.resource.id.toLowerCase(),
      name: r.resource.name,
      type: r.resource.type,
      host: r.host,
    }));
  }

  layout(view: ViewOptions): Promise<LaidOutDiagram> {
    const key = `${view.groupBy}|${[...view.collapsed].sort().join(",")}`;
    return remember(this.layouts, key, MAX_LAYOUTS, () => {
      const laid = layoutView(this.diagram, view, this.elk);
      // A failed layout is not kept: the next request tries again.
      laid.catch(() => this.layouts.delete(key));
      return laid;
    });
  }
}

export class EstateViews {
  private current?: VersionView;

  constructor(
    private readonly state: ArmState,
    private readonly elk: ElkLike,
  ) {}

  async now(): Promise<VersionView> {
    const snap = await this.state.snapshot();
    if (this.current?.version !== snap.version) {
      this.current = new VersionView(
        snap.version,
        snap.estate(),
        () => snap.stored.map((s) => s.resource),
        this.elk,
      );
    }
    return this.current;
  }

  /** The estate's store version (cheap: what the live-update events poll). */
  version(): Promise<number> {
    return this.state.store.version();
  }

  /** Another estate (a what-if upload), compiled with the server's regions and service tags. */
  compile(resources: readonly unknown[], file: string): Estate {
    return compileEstate(resources, {
      regions: this.state.regions,
      serviceTags: this.state.serviceTags,
      origins: resources.map(() => file),
    });
  }
}
