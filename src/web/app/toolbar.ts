/// <reference lib="dom" />
// The toolbar: search (highlights what matches; Enter brings the first match into view, `/` focuses it),
// the overlay's source, grouping and collapsing, zoom, exports and the live-update status.
import type { GroupBy } from "../diagram/types.js";
import type { Canvas } from "./canvas.js";
import { $, fill, h } from "./dom.js";
import { type ExportFormat, exportView } from "./exports.js";
import type { Store } from "./state.js";

export interface ToolbarActions {
  setSource(source: string | undefined): void;
  setView(view: { groupBy: GroupBy; collapsed: string[] }): void;
}

export class Toolbar {
  private readonly search = $<HTMLInputElement>("#search");
  private readonly source = $<HTMLSelectElement>("#source");
  private readonly groupBy = $<HTMLSelectElement>("#group-by");
  private matches: string[] = [];
  private timer: number | undefined;

  constructor(
    private readonly store: Store,
    private readonly canvas: Canvas,
    private readonly actions: ToolbarActions,
  ) {
    this.search.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.find(), 120);
    });
    this.search.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && this.find()[0]) {
        e.preventDefault();
        this.canvas.focus(this.matches[0]!, true);
      } else if (e.key === "Escape") {
        this.search.value = "";
        this.find();
      }
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "/" && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement)) {
        e.preventDefault();
        this.search.focus();
      }
    });
    this.source.addEventListener("change", () => this.actions.setSource(this.source.value || undefined));
    this.groupBy.addEventListener("change", () =>
      this.actions.setView({ groupBy: this.groupBy.value as GroupBy, collapsed: [] }),
    );
    $("#collapse-all").addEventListener("click", () => {
      const groups = this.store.state.diagram?.nodes.filter((n) => n.collapsible).map((n) => n.id) ?? [];
      const view = this.store.state.view;
      if (view.groupBy === "none") this.actions.setView({ groupBy: "resourceGroup", collapsed: ["*"] });
      else this.actions.setView({ ...view, collapsed: [...new Set([...view.collapsed, ...groups])] });
    });
    $("#expand-all").addEventListener("click", () =>
      this.actions.setView({ ...this.store.state.view, collapsed: [] }),
    );
    $("#zoom-in").addEventListener("click", () => this.canvas.zoom(1.25));
    $("#zoom-out").addEventListener("click", () => this.canvas.zoom(0.8));
    $("#zoom-fit").addEventListener("click", () => this.canvas.fit());
    for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>("[data-export]")))
      b.addEventListener("click", () => void exportView(this.store.state, b.dataset.export as ExportFormat));
    store.on((s, changed) => {
      if (changed.has("sources")) this.sources();
      if (changed.has("source")) this.source.value = s.source ?? "";
      if (changed.has("view")) this.groupBy.value = s.view.groupBy;
      if (changed.has("diagram") && this.search.value) this.find();
    });
  }

  live(text: string, on: boolean): void {
    const el = $("#live");
    el.textContent = text;
    el.classList.toggle("on", on);
  }

  private sources(): void {
    const s = this.store.state;
    fill(
      this.source,
      h("option", { value: "" }, "— pick one to colour by verdict —"),
      ...s.sources.map((o) => h("option", { value: o.id }, `${o.label} (${o.kind})`)),
    );
    this.source.value = s.source ?? "";
  }

  /** Highlights the boxes whose name or facts contain the search text. */
  private find(): string[] {
    const q = this.search.value.trim().toLowerCase();
    const d = this.store.state.diagram;
    if (!q || !d) {
      this.matches = [];
      if (this.store.state.highlightReason?.startsWith("search"))
        this.store.set({ highlighted: new Set(), highlightReason: undefined });
      $("#status").textContent = "";
      return this.matches;
    }
    this.matches = d.nodes
      .filter((n) => n.label.toLowerCase().includes(q) || n.lines.some((l) => l.toLowerCase().includes(q)))
      .map((n) => n.id);
    this.store.set({ highlighted: new Set(this.matches), highlightReason: `search: ${q}` });
    $("#status").textContent =
      `search “${q}”: ${this.matches.length} match${this.matches.length === 1 ? "" : "es"}`;
    return this.matches;
  }
}
