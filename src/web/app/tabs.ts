/// <reference lib="dom" />
// The side panel's tabs, in the ARIA tabs pattern: one tab stop, the arrow keys (and Home, End) move between
// tabs, the selected tab's panel is the only one shown.
import { $ } from "./dom.js";

export type TabName = "details" | "trace" | "findings" | "audit" | "whatif";

export class Tabs {
  private readonly tabs: HTMLButtonElement[];
  onShow: (name: TabName) => void = () => undefined;

  constructor(root: HTMLElement) {
    this.tabs = Array.from(root.querySelectorAll<HTMLButtonElement>('[role="tab"]'));
    for (const t of this.tabs) {
      t.addEventListener("click", () => this.show(nameOf(t)));
      t.addEventListener("keydown", (e) => this.key(e, t));
    }
    this.show("details", false);
  }

  show(name: TabName, focus = false): void {
    for (const t of this.tabs) {
      const on = nameOf(t) === name;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      $(`#${t.getAttribute("aria-controls")}`).hidden = !on;
      if (on && focus) t.focus();
    }
    this.onShow(name);
  }

  private key(e: KeyboardEvent, t: HTMLButtonElement): void {
    const i = this.tabs.indexOf(t);
    const n = this.tabs.length;
    const next: Record<string, number> = {
      ArrowRight: (i + 1) % n,
      ArrowLeft: (i - 1 + n) % n,
      Home: 0,
      End: n - 1,
    };
    const j = next[e.key];
    if (j === undefined) return;
    e.preventDefault();
    this.show(nameOf(this.tabs[j]!), true);
  }
}

const nameOf = (t: HTMLElement): TabName => t.id.replace(/^tab-/, "") as TabName;
