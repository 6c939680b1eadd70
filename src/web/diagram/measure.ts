// Text and box sizes, estimated without a DOM: layout runs in Node (the server, the CLI), where no text can be
// measured, and every renderer must agree with it. Widths are generous per-character estimates for the sans
// fonts the renderers ask for; a label longer than a box allows is cut with an ellipsis (the full name stays
// in the node's title and ARIA label).
import type { DiagramNode } from "./types.js";

export const LABEL_PX = 12;
export const LINE_PX = 11;
export const BADGE_PX = 10;
export const PAD = 8;
export const LABEL_H = 16;
export const LINE_H = 14;
export const BADGE_H = 16;
export const BADGE_GAP = 4;
const MIN_W = 120;
const MAX_W = 300;

/** Average advance of a sans-serif character, in em (bold labels a little wider). */
const EM = 0.6;

export function textWidth(text: string, px: number): number {
  return Math.ceil(text.length * px * EM);
}

export function badgeWidth(text: string): number {
  return textWidth(text, BADGE_PX) + 8;
}

/** Cuts `text` so that it fits `width` px at `px`. */
export function fit(text: string, width: number, px: number): string {
  const max = Math.max(3, Math.floor(width / (px * EM)));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Badges wrap onto rows of the box's inner width: the rows, as lists of badge indexes. */
export function badgeRows(n: DiagramNode, inner: number): number[][] {
  const rows: number[][] = [];
  let x = 0;
  n.badges.forEach((b, i) => {
    const w = badgeWidth(b.text);
    if (rows.length === 0 || x + w > inner) {
      rows.push([]);
      x = 0;
    }
    rows[rows.length - 1]!.push(i);
    x += w + BADGE_GAP;
  });
  return rows;
}

/** The width a node's own text asks for (label, lines, badges on one row), clamped. */
export function naturalWidth(n: DiagramNode): number {
  const badges = n.badges.reduce((w, b) => w + badgeWidth(b.text) + BADGE_GAP, 0);
  // Room beside the label for what the overlay writes there ("✗ blocked", "● source") or a group's toggle.
  const mark = n.kind === "paas" ? 72 : n.sources ? 62 : n.collapsible ? 16 : 0;
  const widest = Math.max(
    textWidth(n.label, LABEL_PX) + 18 + mark,
    ...n.lines.map((l) => textWidth(l, LINE_PX)),
    Math.min(badges, MAX_W - 2 * PAD),
  );
  return Math.min(MAX_W, Math.max(MIN_W, widest + 2 * PAD));
}

/** The height of a node's header (a leaf's whole height) at a given width. */
export function headerHeight(n: DiagramNode, width: number): number {
  const rows = badgeRows(n, width - 2 * PAD).length;
  return PAD + LABEL_H + n.lines.length * LINE_H + rows * (BADGE_H + BADGE_GAP) + PAD / 2;
}
