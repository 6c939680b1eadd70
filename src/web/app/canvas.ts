/// <reference lib="dom" />
// The topology view: the shared SVG renderer's markup (put in place by painter.ts) in a pannable, zoomable
// stage. Zoom and pan move the stage with a CSS transform (composited: no re-layout, no redraw of the SVG's
// 500 boxes per frame); a redraw happens only when the diagram, the overlay, the selection or the highlight
// changes, at most once per frame. Keyboard: Tab walks the boxes in reading order, Enter or Space activates one, + and − zoom,
// 0 fits, the arrows pan when the view itself has focus, Escape clears the selection.
import { placeOverlay } from "../diagram/overlay.js";
import { perFrame } from "./dom.js";
import { Painter } from "./painter.js";
import type { AppState, Store } from "./state.js";

export interface CanvasActions {
  /** A box was clicked, or Enter / Space pressed on it. */
  activate(id: string): void;
  clear(): void;
}

const REDRAW_ON: (keyof AppState)[] = ["diagram", "overlay", "selected", "highlighted"];
const MIN_K = 0.05;
const MAX_K = 4;

export class Canvas {
  private k = 1;
  private tx = 0;
  private ty = 0;
  private fitted = false;
  private drag: { x: number; y: number; moved: boolean } | undefined;
  private readonly stage: HTMLElement;
  private readonly painter: Painter;
  private readonly redraw = perFrame(() => void this.render());
  /** Called after each redraw (the first-render mark, tests' readiness flag). */
  onRender: () => void = () => undefined;

  constructor(
    private readonly host: HTMLElement,
    private readonly store: Store,
    private readonly actions: CanvasActions,
  ) {
    this.stage = host.querySelector<HTMLElement>(".stage") ?? host;
    this.painter = new Painter(this.stage);
    store.on((_s, changed) => {
      if (REDRAW_ON.some((k) => changed.has(k))) this.redraw();
    });
    host.addEventListener("click", (e) => {
      if (this.drag?.moved) return;
      const id = nodeIdOf(e.target);
      if (id) this.actions.activate(id);
    });
    host.addEventListener("keydown", (e) => this.key(e));
    host.addEventListener("wheel", (e) => this.wheel(e), { passive: false });
    host.addEventListener("pointerdown", (e) => this.pointerDown(e));
    host.addEventListener("pointermove", (e) => this.pointerMove(e));
    host.addEventListener("pointerup", () => setTimeout(() => (this.drag = undefined), 0));
    host.addEventListener("focusin", (e) => {
      const id = nodeIdOf(e.target);
      if (id) this.reveal(id);
    });
  }

  async render(): Promise<void> {
    const s = this.store.state;
    if (!s.diagram) return;
    if (!this.fitted) {
      this.fitted = true;
      this.fit();
    }
    await this.painter.paint(s.diagram, {
      overlay: placeOverlay(s.diagram, s.overlay),
      ...(s.selected ? { selected: s.selected } : {}),
      highlighted: s.highlighted,
      interactive: true,
    });
    if (s === this.store.state) this.onRender();
  }

  /** The whole diagram in view (never enlarged beyond its natural size). */
  fit(): void {
    const d = this.store.state.diagram;
    if (!d) return;
    const { width, height } = this.host.getBoundingClientRect();
    this.k = Math.min(1, (width - 16) / Math.max(1, d.width), (height - 16) / Math.max(1, d.height));
    this.k = Math.max(MIN_K, this.k);
    this.tx = (width - d.width * this.k) / 2;
    this.ty = Math.max(8, (height - d.height * this.k) / 2);
    this.apply();
  }

  zoom(factor: number, at?: { x: number; y: number }): void {
    const r = this.host.getBoundingClientRect();
    const cx = at?.x ?? r.width / 2;
    const cy = at?.y ?? r.height / 2;
    const k = Math.min(MAX_K, Math.max(MIN_K, this.k * factor));
    this.tx = cx - ((cx - this.tx) * k) / this.k;
    this.ty = cy - ((cy - this.ty) * k) / this.k;
    this.k = k;
    this.apply();
  }

  /** Moves a box into the middle of the view and gives it focus. */
  focus(id: string, center = false): void {
    const el = this.stage.querySelector<SVGGElement>(`[data-id="${CSS.escape(id)}"]`);
    if (!el) return;
    if (center) this.center(id);
    el.focus({ preventScroll: true });
  }

  private center(id: string): void {
    const b = this.store.state.diagram?.boxes[id];
    if (!b) return;
    const r = this.host.getBoundingClientRect();
    this.tx = r.width / 2 - (b.x + b.width / 2) * this.k;
    this.ty = r.height / 2 - (b.y + b.height / 2) * this.k;
    this.apply();
  }

  /** Pans just enough to show a box that took focus off-screen (tabbing through a large estate). */
  private reveal(id: string): void {
    const b = this.store.state.diagram?.boxes[id];
    if (!b) return;
    const r = this.host.getBoundingClientRect();
    const x0 = b.x * this.k + this.tx;
    const y0 = b.y * this.k + this.ty;
    const x1 = x0 + Math.min(b.width * this.k, r.width);
    const y1 = y0 + Math.min(b.height * this.k, r.height);
    if (x0 >= 0 && y0 >= 0 && x1 <= r.width && y1 <= r.height) return;
    this.center(id);
  }

  private apply(): void {
    this.stage.style.transform = `translate(${this.tx}px, ${this.ty}px) scale(${this.k})`;
    this.host.dataset.zoom = this.k.toFixed(3);
    // Level of detail: text too small to read is not painted (app.css), which is most of the cost of drawing
    // a few hundred boxes; zooming in brings the labels back, then the rest.
    const lod = this.k < 0.3 ? "far" : this.k < 0.6 ? "mid" : "near";
    if (this.host.dataset.lod !== lod) this.host.dataset.lod = lod;
  }

  private key(e: KeyboardEvent): void {
    const id = nodeIdOf(e.target);
    if ((e.key === "Enter" || e.key === " ") && id) {
      e.preventDefault();
      this.actions.activate(id);
      return;
    }
    const pans: Record<string, [number, number]> = {
      ArrowLeft: [60, 0],
      ArrowRight: [-60, 0],
      ArrowUp: [0, 60],
      ArrowDown: [0, -60],
    };
    const pan = pans[e.key];
    if (pan && e.target === this.host) {
      this.tx += pan[0];
      this.ty += pan[1];
      this.apply();
    } else if (e.key === "+" || e.key === "=") this.zoom(1.25);
    else if (e.key === "-" || e.key === "_") this.zoom(0.8);
    else if (e.key === "0") this.fit();
    else if (e.key === "Escape") this.actions.clear();
    else return;
    e.preventDefault();
  }

  private wheel(e: WheelEvent): void {
    e.preventDefault();
    const r = this.host.getBoundingClientRect();
    this.zoom(Math.exp(-e.deltaY * 0.0015), { x: e.clientX - r.left, y: e.clientY - r.top });
  }

  private pointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.drag = { x: e.clientX, y: e.clientY, moved: false };
  }

  private pointerMove(e: PointerEvent): void {
    if (!this.drag || (e.buttons & 1) === 0) return;
    const dx = e.clientX - this.drag.x;
    const dy = e.clientY - this.drag.y;
    if (!this.drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!this.drag.moved) this.host.setPointerCapture(e.pointerId);
    this.drag = { x: e.clientX, y: e.clientY, moved: true };
    this.tx += dx;
    this.ty += dy;
    this.apply();
  }
}

function nodeIdOf(target: EventTarget | null): string | undefined {
  return target instanceof Element
    ? (target.closest("[data-id]")?.getAttribute("data-id") ?? undefined)
    : undefined;
}
