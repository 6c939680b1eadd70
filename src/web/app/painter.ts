/// <reference lib="dom" />
// Puts the shared renderer's SVG into the page without jank at a few hundred boxes. A new diagram is drawn in
// chunks, one per animation frame, so no single task lays out all the text at once. After that only boxes
// whose markup would change are replaced (picking a source re-colours the PaaS boxes; selecting one touches
// two), and highlighting dims through a stylesheet rule instead of rewriting every box.
import type { PlacedOverlay } from "../diagram/overlay.js";
import { type DiagramNode, type LaidOutDiagram, readingOrder } from "../diagram/types.js";
import { litSet, type SvgOptions, svgEdges, svgNode, svgOverlayEdges, svgShell } from "../render/svg.js";

/** Boxes per frame when a whole diagram is drawn. */
const CHUNK = 150;

function stateKey(n: DiagramNode, o: SvgOptions, lit: Set<string> | undefined): string {
  const overlay: PlacedOverlay | undefined = o.overlay;
  return [
    overlay?.tones.get(n.id) ?? "",
    overlay?.notes.get(n.id) ?? "",
    overlay?.sourceNode === n.id,
    o.selected === n.id,
    o.highlighted?.has(n.id) ?? false,
    lit?.has(n.id) ?? false,
  ].join("|");
}

const nextFrame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

/** SVG markup parsed off the page (no style or layout yet): its top-level elements. */
function parseSvg(markup: string): Element[] {
  const g = document.createElementNS("http://www.w3.org/2000/svg", "g");
  g.innerHTML = markup;
  return Array.from(g.children);
}

/**
 * Makes `a` look like `b` by copying what differs — attributes and text — and replacing only elements whose
 * shape changed. A re-coloured box then costs a style change, not a new layout of its text; a focused box
 * keeps its focus.
 */
function morph(a: Element, b: Element): void {
  if (a.tagName !== b.tagName || a.childNodes.length !== b.childNodes.length) {
    a.replaceWith(b);
    return;
  }
  for (const attr of Array.from(b.attributes))
    if (a.getAttribute(attr.name) !== attr.value) a.setAttribute(attr.name, attr.value);
  for (const attr of Array.from(a.attributes)) if (!b.hasAttribute(attr.name)) a.removeAttribute(attr.name);
  const [xs, ys] = [Array.from(a.childNodes), Array.from(b.childNodes)];
  xs.forEach((x, i) => {
    const y = ys[i]!;
    if (x instanceof Element && y instanceof Element) morph(x, y);
    else if (x.nodeType === y.nodeType && x.nodeType === Node.TEXT_NODE) {
      if (x.nodeValue !== y.nodeValue) x.nodeValue = y.nodeValue;
    } else x.replaceWith(y);
  });
}

/** A layer's children made like `next`, pair by pair (a layer of another length is replaced). */
function morphChildren(layer: Element, next: Element[]): void {
  const now = Array.from(layer.children);
  if (now.length !== next.length) layer.replaceChildren(...next);
  else now.forEach((el, i) => morph(el, next[i]!));
}

export class Painter {
  private diagram: LaidOutDiagram | undefined;
  private order: DiagramNode[] = [];
  private keys: string[] = [];
  private content = new WeakMap<DiagramNode, string>();
  private generation = 0;
  private nodes: SVGGElement | undefined;
  private edges: SVGGElement | undefined;
  private overlay: SVGGElement | undefined;

  constructor(private readonly stage: HTMLElement) {}

  /** Draws `d` with `o`; resolves once every box is in the page (or a newer paint took over). */
  async paint(d: LaidOutDiagram, o: SvgOptions): Promise<void> {
    const gen = ++this.generation;
    const lit = litSet(d, o.highlighted);
    this.stage.classList.toggle("dimmed", lit !== undefined);
    const order = readingOrder(d).filter((n) => d.boxes[n.id]);
    const keyOf = (n: DiagramNode): string => `${this.contentKey(n, d)}#${stateKey(n, o, lit)}`;
    if (!this.samePlaces(d, order)) {
      await this.drawAll(d, o, order, lit, keyOf, gen);
      return;
    }
    const changed: number[] = [];
    order.forEach((n, i) => {
      const key = keyOf(n);
      if (this.keys[i] === key) return;
      this.keys[i] = key;
      changed.push(i);
    });
    if (changed.length > 0) {
      const fresh = parseSvg(changed.map((i) => svgNode(d, order[i]!, o, lit)).join(""));
      const old = changed.map((i) => this.nodes!.children[i]);
      old.forEach((el, j) => el && morph(el, fresh[j]!));
    }
    if (d !== this.diagram) this.edges!.innerHTML = svgEdges(d);
    morphChildren(this.overlay!, parseSvg(svgOverlayEdges(d, o.overlay)));
    this.diagram = d;
  }

  /** A box's own content and place (cached per node object: a diagram is immutable once laid out). */
  private contentKey(n: DiagramNode, d: LaidOutDiagram): string {
    let k = this.content.get(n);
    if (k === undefined) {
      k = `${JSON.stringify(n)}@${JSON.stringify(d.boxes[n.id])}`;
      this.content.set(n, k);
    }
    return k;
  }

  /** The same boxes in the same order on a canvas of the same size: then patching box by box is enough. */
  private samePlaces(d: LaidOutDiagram, order: DiagramNode[]): boolean {
    const was = this.diagram;
    if (!was || !this.nodes || was.width !== d.width || was.height !== d.height) return false;
    return order.length === this.order.length && order.every((n, i) => n.id === this.order[i]!.id);
  }

  private async drawAll(
    d: LaidOutDiagram,
    o: SvgOptions,
    order: DiagramNode[],
    lit: Set<string> | undefined,
    keyOf: (n: DiagramNode) => string,
    gen: number,
  ): Promise<void> {
    // Until every chunk is in, a paint that comes along must draw afresh rather than patch.
    this.diagram = undefined;
    this.stage.innerHTML = svgShell(d, o, {
      nodes: "",
      edges: svgEdges(d),
      overlay: svgOverlayEdges(d, o.overlay),
    });
    const nodes = this.stage.querySelector<SVGGElement>("g.nodes")!;
    this.nodes = nodes;
    this.edges = this.stage.querySelector<SVGGElement>("g.edges")!;
    this.overlay = this.stage.querySelector<SVGGElement>("g.overlay")!;
    for (let i = 0; i < order.length; i += CHUNK) {
      if (i > 0) await nextFrame();
      if (gen !== this.generation) return;
      const markup = order
        .slice(i, i + CHUNK)
        .map((n) => svgNode(d, n, o, lit))
        .join("");
      nodes.insertAdjacentHTML("beforeend", markup);
    }
    this.diagram = d;
    this.order = order;
    this.keys = order.map(keyOf);
  }
}
