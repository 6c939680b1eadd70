/// <reference lib="dom" />
// The app's state in one place: the laid-out topology, the view options, the overlay source and its row,
// the selection and the highlighted nodes. Panels read it and ask for changes; the canvas redraws on change.
import type { SourceOption, TargetOption } from "../api.js";
import type { Overlay } from "../diagram/overlay.js";
import { DEFAULT_VIEW, type LaidOutDiagram, type ViewOptions } from "../diagram/types.js";

export interface AppState {
  version: number;
  diagram?: LaidOutDiagram;
  sources: SourceOption[];
  targets: TargetOption[];
  view: ViewOptions;
  /** The overlay's source (a matrix source id) and its row. */
  source?: string;
  overlay?: Overlay;
  selected?: string;
  /** Nodes picked out by search, a finding, an audit path or a what-if change. */
  highlighted: ReadonlySet<string>;
  /** Why they are highlighted, for the status line ("search: stg", "finding VNL012"). */
  highlightReason?: string;
}

export type Listener = (s: AppState, changed: ReadonlySet<keyof AppState>) => void;

export class Store {
  private value: AppState = {
    version: -1,
    sources: [],
    targets: [],
    view: DEFAULT_VIEW,
    highlighted: new Set(),
  };
  private readonly listeners: Listener[] = [];

  get state(): AppState {
    return this.value;
  }

  set(patch: Partial<AppState>): void {
    const changed = new Set(Object.keys(patch) as (keyof AppState)[]);
    this.value = { ...this.value, ...patch };
    for (const l of this.listeners) l(this.value, changed);
  }

  on(listener: Listener): void {
    this.listeners.push(listener);
  }
}
