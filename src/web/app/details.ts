/// <reference lib="dom" />
// The details pane: what the selected box is (its facts and badges spelled out) and, with a source picked,
// its verdict from that source — the path, the deciding rule and the address the service sees — with a
// button that traces the flow.
import { decidedByText, pathLabel } from "../diagram/overlay.js";
import type { DiagramNode } from "../diagram/types.js";
import { describeNode } from "../render/common.js";
import { fill, h } from "./dom.js";
import type { Store } from "./state.js";
import { shortIds } from "./tracePanel.js";

export interface DetailsActions {
  trace(from: string, to: string): void;
  useAsSource(source: string): void;
}

export class DetailsPane {
  constructor(
    private readonly root: HTMLElement,
    private readonly store: Store,
    private readonly actions: DetailsActions,
  ) {
    store.on((_s, changed) => {
      if (changed.has("selected") || changed.has("overlay") || changed.has("diagram")) this.render();
    });
    this.render();
  }

  private render(): void {
    const s = this.store.state;
    const node = s.diagram?.nodes.find((n) => n.id === s.selected);
    if (!node) {
      fill(
        this.root,
        h("h2", {}, "Nothing selected"),
        h(
          "p",
          { class: "muted" },
          "Select a VM, subnet, on-premises network or the internet to colour every PaaS resource by its verdict from there; select a PaaS resource to trace the flow to it.",
        ),
      );
      return;
    }
    fill(
      this.root,
      h("h2", {}, node.label),
      h("p", { class: "muted" }, describeNode(node)),
      ...this.facts(node),
    );
  }

  private facts(node: DiagramNode): HTMLElement[] {
    const s = this.store.state;
    const out: HTMLElement[] = [];
    if (node.badges.length > 0)
      out.push(
        h(
          "div",
          { class: "badges", "aria-label": "badges" },
          ...node.badges.map((b) => h("span", { title: b.title }, b.title)),
        ),
      );
    const row = s.overlay?.rows.find((r) => r.resource.toLowerCase() === node.id);
    if (row && s.overlay) {
      out.push(
        h("h3", {}, `From ${s.overlay.sourceLabel}`),
        h(
          "dl",
          { "data-testid": "details-verdict" },
          h("dt", {}, "verdict"),
          h(
            "dd",
            { class: row.verdict === "Allow" ? "verdict allow" : "verdict deny" },
            row.verdict === "Allow" ? "✓ allowed" : "✗ blocked",
          ),
          h("dt", {}, "path"),
          h("dd", {}, pathLabel(row.path, row.viaAppliance)),
          h("dt", {}, "decided by"),
          h("dd", {}, shortIds(decidedByText(row.decidedBy))),
          h("dt", {}, "service sees"),
          h("dd", {}, row.sourceIpSeenByService ?? "—"),
        ),
        h(
          "button",
          { type: "button", onclick: () => this.actions.trace(s.overlay!.source, node.id) },
          "Trace this flow",
        ),
      );
    }
    const source = node.sources?.[0];
    if (source && s.source !== source)
      out.push(
        h(
          "p",
          {},
          h(
            "button",
            { type: "button", onclick: () => this.actions.useAsSource(source) },
            "Colour by verdicts from here",
          ),
        ),
      );
    if (node.refs.length > 0)
      out.push(
        h("h3", {}, "Resources"),
        h(
          "ul",
          { class: "plain" },
          ...node.refs.slice(0, 50).map((r) => h("li", {}, h("code", {}, shortIds(r)))),
        ),
      );
    return out;
  }
}
