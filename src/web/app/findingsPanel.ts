/// <reference lib="dom" />
// Findings (lint) and the exfiltration audit as lists. Each entry is a button: choosing it highlights the
// resources it names in the topology (the rest dims) and brings the first of them into view. Both lists are
// fetched when their tab is first shown and again after the estate changes.
import type { ExfiltrationPath, ExfiltrationReport } from "../../analysis/audit/exfiltration.js";
import type { Finding } from "../../analysis/lint/index.js";
import { decidedByText, pathLabel } from "../diagram/overlay.js";
import { nodesNaming } from "../diagram/types.js";
import { api } from "./client.js";
import { fill, h, lastName } from "./dom.js";
import type { Store } from "./state.js";
import { shortIds } from "./tracePanel.js";

export interface Highlighter {
  /** Picks out the nodes naming these ARM ids; says why in the status line. */
  highlight(ids: string[], reason: string): void;
}

abstract class ListPanel<T> {
  private loaded = -1;
  protected readonly out: HTMLElement;

  constructor(
    protected readonly root: HTMLElement,
    protected readonly store: Store,
    protected readonly ui: Highlighter,
  ) {
    this.out = h("div", { class: "list-out", "aria-live": "polite" });
    fill(root, this.out);
  }

  /** Loads the list unless it is current. */
  async show(): Promise<void> {
    const version = this.store.state.version;
    if (this.loaded === version) return;
    this.loaded = version;
    fill(this.out, h("p", { class: "muted" }, "Loading…"));
    try {
      fill(this.out, this.render(await this.fetch()));
    } catch (e) {
      this.loaded = -1;
      fill(this.out, h("p", { class: "error", role: "alert" }, (e as Error).message));
    }
  }

  protected item(
    label: Node[],
    ids: string[],
    reason: string,
    attrs: Record<string, string> = {},
  ): HTMLElement {
    const known = this.store.state.diagram ? nodesNaming(this.store.state.diagram, ids).length : 0;
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "item",
          onclick: () => this.ui.highlight(ids, reason),
          ...attrs,
          ...(known === 0 ? { "data-unplaced": "true" } : {}),
        },
        ...label,
      ),
    );
  }

  protected abstract fetch(): Promise<T>;
  protected abstract render(value: T): HTMLElement;
}

export class FindingsPanel extends ListPanel<Finding[]> {
  protected fetch(): Promise<Finding[]> {
    return api.findings().then((r) => r.findings);
  }

  protected render(findings: Finding[]): HTMLElement {
    if (findings.length === 0) return h("p", {}, "No findings.");
    return h(
      "ul",
      { class: "items findings", "aria-label": `${findings.length} findings` },
      ...findings.map((f) =>
        this.item(
          [
            h("span", { class: `sev sev-${f.severity}` }, f.severity),
            h("strong", {}, ` ${f.ruleId} `),
            h("span", {}, shortIds(f.message)),
            h("span", { class: "fix" }, `Fix: ${shortIds(f.fix)}`),
          ],
          [f.resourceId, ...(f.related ?? [])],
          `${f.ruleId} on ${lastName(f.resourceId)}`,
          { "data-rule": f.ruleId },
        ),
      ),
    );
  }
}

function destinationText(p: ExfiltrationPath): string {
  const d = p.destination;
  return d.kind === "rogue"
    ? `any ${lastName(d.resourceType)} in ${d.region} (outside the estate)`
    : lastName(d.resourceId);
}

export class AuditPanel extends ListPanel<ExfiltrationReport> {
  protected fetch(): Promise<ExfiltrationReport> {
    return api.audit().then((r) => r.report);
  }

  protected render(r: ExfiltrationReport): HTMLElement {
    const paths = r.paths.map((p) =>
      this.item(
        [
          h("strong", {}, shortIds(p.subnetId)),
          h("span", {}, ` → ${destinationText(p)} `),
          h("span", { class: "path" }, pathLabel(p.path, p.viaAppliance)),
          h("span", { class: "fix" }, `allowed by ${shortIds(decidedByText(p.decidedBy))}`),
        ],
        [p.subnetId, ...(p.destination.kind === "estate" ? [p.destination.resourceId] : [])],
        `exfiltration path from ${lastName(p.subnetId)}`,
      ),
    );
    const unprotected = r.unprotectedSubnets.map((u) =>
      this.item(
        [
          h("strong", {}, shortIds(u.subnetId)),
          h("span", {}, ` (${u.endpoints.join(", ")}) has no endpoint policy`),
        ],
        [u.subnetId],
        `${lastName(u.subnetId)} without an endpoint policy`,
      ),
    );
    const proposals = r.proposals.map((p) =>
      this.item(
        [h("strong", {}, shortIds(p.subnetId)), h("span", {}, `: ${shortIds(p.recommendation)}`)],
        [p.subnetId],
        `proposal for ${lastName(p.subnetId)}`,
      ),
    );
    return h(
      "div",
      {},
      h("p", { class: "muted" }, `Trusted subscriptions: ${r.trusted.subscriptions.join(", ") || "—"}`),
      h("h3", {}, `Paths out of the trusted set (${r.paths.length})`),
      paths.length > 0 ? h("ul", { class: "items audit-paths" }, ...paths) : h("p", {}, "None."),
      h("h3", {}, `Storage endpoints without a policy (${r.unprotectedSubnets.length})`),
      unprotected.length > 0 ? h("ul", { class: "items" }, ...unprotected) : h("p", {}, "None."),
      h("h3", {}, `Proposed endpoint policies (${r.proposals.length})`),
      proposals.length > 0 ? h("ul", { class: "items" }, ...proposals) : h("p", {}, "None."),
    );
  }
}
