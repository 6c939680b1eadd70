/// <reference lib="dom" />
// The trace panel: pick a source and a destination and read the flow stage by stage — the NSG rule that
// matched, the route that won and why, the path and the source IP the service sees, the endpoint policy,
// the firewall's rule — with the stage that decided the verdict highlighted and its rule spelled out.
import type { Stage, Trace } from "../../engine/trace.js";
import { api } from "./client.js";
import { fill, h } from "./dom.js";
import type { Store } from "./state.js";

/** ARM ids shortened for reading, as the CLI prints them: `.../virtualNetworks/v/subnets/a` → `v/subnets/a`. */
export function shortIds(text: string): string {
  return text.replace(
    /\/subscriptions\/[^/\s\]]+(?:\/resourceGroups\/[^/\s\]]+)?\/providers\/[^/\s\]]+\/[^/\s\]]+\/([^\s\]]+)/gi,
    "$1",
  );
}

/** The facts of a stage beyond its summary: the rule, the route, the path, the address seen. */
function facts(s: Stage): [string, string][] {
  switch (s.stage) {
    case "source":
      return [["address", s.ip]];
    case "dns":
      return [["answer", `${s.answer ?? "no answer"} (${s.via})`]];
    case "nsg":
      return [
        ["rule", `${s.rule} (priority ${s.priority}, ${s.access})`],
        [
          "NSG",
          `${s.direction.toLowerCase()} ${s.association === "subnet" ? "subnet" : "NIC"} ${shortIds(s.nsgId)}`,
        ],
      ];
    case "route":
      return [
        [
          "route",
          `${s.route.addressPrefix} → ${s.route.nextHopType}${s.route.nextHopIpAddress ? ` ${s.route.nextHopIpAddress}` : ""} (${s.route.source})`,
        ],
        ["why it won", s.why],
      ];
    case "path":
      return [
        ["path", s.path],
        ...(s.sourceIpSeenByService ? [["service sees", s.sourceIpSeenByService] as [string, string]] : []),
      ];
    case "policy":
      return [["policies", s.policyIds.map(shortIds).join(", ") || "none"]];
    case "firewall":
      return [
        ["rule", shortIds(s.result.rule)],
        ["decision", s.result.decision],
      ];
  }
}

/** The stage that decided: the last one of the deciding kind (and resource, when the decision names one). */
function decidingIndex(t: Trace): number {
  const d = t.decidedBy;
  const id = d.resourceId?.toLowerCase();
  for (let i = t.stages.length - 1; i >= 0; i--) {
    const s = t.stages[i]!;
    if (s.stage !== d.stage) continue;
    const own = s.stage === "nsg" ? s.nsgId : s.stage === "firewall" ? s.resourceId : undefined;
    if (!id || !own || own.toLowerCase() === id) return i;
  }
  return -1;
}

export function renderTrace(t: Trace): HTMLElement {
  const deciding = decidingIndex(t);
  const allow = t.verdict === "Allow";
  const d = t.decidedBy;
  const rule = d.rule ? shortIds(d.rule) : d.resourceId ? shortIds(d.resourceId) : d.stage;
  return h(
    "div",
    { class: "trace-result" },
    h(
      "p",
      { class: `verdict ${allow ? "allow" : "deny"}`, "data-testid": "trace-verdict" },
      allow ? "✓ ALLOW" : "✗ DENY",
      ` — decided by the ${d.stage}`,
    ),
    h(
      "p",
      { class: "deciding" },
      h("span", { class: "k" }, "Deciding rule: "),
      h("code", { "data-testid": "deciding-rule" }, rule),
    ),
    h("p", { class: "reason" }, shortIds(d.reason)),
    t.sourceIpSeenByService
      ? h(
          "p",
          {},
          h("span", { class: "k" }, "Source IP the service sees: "),
          h("code", { "data-testid": "seen-ip" }, t.sourceIpSeenByService),
        )
      : null,
    t.blockers.length > 1
      ? h(
          "p",
          { class: "blockers" },
          `Also blocking: ${t.blockers
            .slice(1)
            .map((b) => `${b.stage} ${shortIds(b.rule ?? "")}`)
            .join("; ")}`,
        )
      : null,
    h(
      "ol",
      { class: "steps", "aria-label": "stages of the flow" },
      ...t.stages.map((s, i) =>
        h(
          "li",
          {
            class: `step step-${s.stage}${i === deciding ? " decided" : ""}`,
            "data-stage": s.stage,
            ...(i === deciding ? { "aria-current": "step" } : {}),
          },
          h(
            "div",
            { class: "step-head" },
            h("strong", {}, s.stage),
            i === deciding ? h("span", { class: "tag" }, "decided here") : null,
          ),
          h("div", { class: "summary" }, shortIds(s.summary)),
          h("dl", {}, ...facts(s).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
        ),
      ),
    ),
  );
}

export class TracePanel {
  private readonly from: HTMLSelectElement;
  private readonly to: HTMLSelectElement;
  private readonly out: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly store: Store,
  ) {
    this.from = h("select", { id: "trace-from", "aria-label": "trace from" });
    this.to = h("select", { id: "trace-to", "aria-label": "trace to" });
    this.out = h("div", { class: "trace-out", "aria-live": "polite" });
    const form = h(
      "form",
      { class: "trace-form" },
      h("label", { for: "trace-from" }, "From"),
      this.from,
      h("label", { for: "trace-to" }, "To"),
      this.to,
      h("button", { type: "submit" }, "Trace"),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.run(this.from.value, this.to.value);
    });
    fill(root, form, this.out);
    store.on((s, changed) => {
      if (changed.has("sources") || changed.has("targets")) this.options();
      if (changed.has("source") && s.source) this.from.value = s.source;
    });
  }

  private options(): void {
    const s = this.store.state;
    const [from, to] = [this.from.value, this.to.value];
    fill(this.from, ...s.sources.map((o) => h("option", { value: o.id }, `${o.label} (${o.kind})`)));
    fill(this.to, ...s.targets.map((o) => h("option", { value: o.id }, `${o.name} — ${o.host}`)));
    if (from) this.from.value = from;
    if (to) this.to.value = to;
  }

  async run(from: string, to: string): Promise<void> {
    this.from.value = from;
    this.to.value = to;
    fill(this.out, h("p", { class: "muted" }, "Tracing…"));
    try {
      const r = await api.trace(from, to);
      fill(this.out, renderTrace(r.trace));
    } catch (e) {
      fill(this.out, h("p", { class: "error", role: "alert" }, (e as Error).message));
    }
  }
}
