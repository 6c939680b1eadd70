/// <reference lib="dom" />
// What-if: load a second estate (ARM JSON, or `terraform show -json` output) and see what it changes against
// the server's estate — every (source, resource) pair whose verdict flips, with the reason, and the boxes the
// diagram would gain, lose or change. Everything it names is highlighted; each entry highlights its own.
import type { WhatIfChange } from "../../analysis/whatIf.js";
import type { DiagramDiff, WhatIfResponse } from "../api.js";
import { decidedByText } from "../diagram/overlay.js";
import { api } from "./client.js";
import { fill, h } from "./dom.js";
import type { Highlighter } from "./findingsPanel.js";
import { shortIds } from "./tracePanel.js";

const word = (v: string): string => (v === "Allow" ? "allowed" : "blocked");

export class WhatIfPanel {
  private readonly input: HTMLInputElement;
  private readonly out: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly ui: Highlighter,
  ) {
    this.input = h("input", { type: "file", id: "whatif-file", accept: ".json,application/json" });
    this.out = h("div", { class: "whatif-out", "aria-live": "polite" });
    this.input.addEventListener("change", () => {
      const file = this.input.files?.[0];
      if (file) void file.text().then((text) => this.compare(text, file.name));
    });
    fill(
      root,
      h(
        "p",
        { class: "muted" },
        "Load a second estate — ARM JSON (an export, or `vnetlab export`) or `terraform show -json` output — to see what it would change.",
      ),
      h("label", { for: "whatif-file" }, "Second estate: "),
      this.input,
      this.out,
    );
  }

  async compare(text: string, name: string): Promise<void> {
    fill(this.out, h("p", { class: "muted" }, `Comparing with ${name}…`));
    try {
      const r = await api.whatIf(text);
      fill(this.out, this.render(r, name));
      const ids = [
        ...r.report.changes.flatMap((c) => [c.resource.id, c.source.id]),
        ...r.diagram.changed.map((c) => c.id),
      ];
      if (ids.length > 0) this.ui.highlight(ids, `what-if: ${name}`);
    } catch (e) {
      fill(this.out, h("p", { class: "error", role: "alert" }, (e as Error).message));
    }
  }

  private change(c: WhatIfChange): HTMLElement {
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "item",
          onclick: () =>
            this.ui.highlight(
              [c.resource.id, c.source.id],
              `what-if: ${c.source.label} → ${c.resource.name}`,
            ),
        },
        h("strong", {}, `${c.source.label} → ${c.resource.name}`),
        h(
          "span",
          { class: `flip ${c.after.verdict === "Allow" ? "allow" : "deny"}` },
          ` ${word(c.before.verdict)} → ${word(c.after.verdict)}`,
        ),
        c.lockout ? h("span", { class: "sev sev-error" }, " lock-out") : null,
        h(
          "span",
          { class: "fix" },
          shortIds(c.reason || `now decided by ${decidedByText(c.after.decidedBy)}`),
        ),
      ),
    );
  }

  private diff(d: DiagramDiff): HTMLElement[] {
    const entry = (id: string, text: string): HTMLElement =>
      h(
        "li",
        {},
        h(
          "button",
          { type: "button", class: "item", onclick: () => this.ui.highlight([id], `what-if: ${text}`) },
          text,
        ),
      );
    return [
      h(
        "h3",
        {},
        `Diagram: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`,
      ),
      h(
        "ul",
        { class: "items diagram-diff" },
        ...d.added.map((n) => entry(n.id, `+ ${n.kind} ${n.label}`)),
        ...d.removed.map((n) => entry(n.id, `− ${n.kind} ${n.label}`)),
        ...d.changed.map((n) => entry(n.id, `~ ${n.label}: ${n.what.join("; ")}`)),
      ),
    ];
  }

  private render(r: WhatIfResponse, name: string): HTMLElement {
    const changes = r.report.changes;
    return h(
      "div",
      {},
      h(
        "p",
        { "data-testid": "whatif-summary" },
        `${name}: ${changes.length} verdict${changes.length === 1 ? "" : "s"} change.`,
      ),
      changes.length > 0
        ? h("ul", { class: "items whatif-changes" }, ...changes.map((c) => this.change(c)))
        : null,
      r.report.added.length + r.report.removed.length > 0
        ? h("p", {}, `PaaS resources added: ${r.report.added.length}, removed: ${r.report.removed.length}`)
        : null,
      ...this.diff(r.diagram),
    );
  }
}
