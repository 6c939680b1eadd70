// A matrix cell's outcome: what a trace concludes, without its stages. Outcomes repeat a great deal, so each
// distinct one is kept once and cells refer to it by number.
import type { DecidingStage, PathKind, Trace, Verdict } from "../../engine/trace.js";

export interface CellOutcome {
  verdict: Verdict;
  /** How the flow ended: the last path it took (`none` when it never left, e.g. NXDOMAIN). */
  path: PathKind | "none";
  /** It passed a virtual appliance on the way. */
  viaAppliance: boolean;
  decidedBy: { stage: DecidingStage; rule?: string; resourceId?: string };
}

export function outcomeOf(t: Trace): CellOutcome {
  const { path, viaAppliance } = pathOf(t);
  const d = t.decidedBy;
  return {
    verdict: t.verdict,
    path,
    viaAppliance,
    decidedBy: {
      stage: d.stage,
      ...(d.rule !== undefined ? { rule: d.rule } : {}),
      ...(d.resourceId !== undefined ? { resourceId: d.resourceId } : {}),
    },
  };
}

function pathOf(t: Trace): { path: PathKind | "none"; viaAppliance: boolean } {
  let path: PathKind | "none" = "none";
  let viaAppliance = false;
  for (const st of t.stages) {
    if (st.stage !== "path") continue;
    if (st.path === "virtualAppliance") viaAppliance = true;
    path = st.path;
  }
  return { path, viaAppliance };
}

export function decisionKey(d: { stage: string; rule?: string; resourceId?: string }): string {
  return `${d.stage}|${d.rule ?? ""}|${d.resourceId ?? ""}`;
}

export class Outcomes {
  private readonly list: CellOutcome[] = [];
  /** By verdict, path and appliance flag, then stage, rule and resource: no long key strings are built. */
  private readonly ids = new Map<string, Map<string, Map<string, number>>>();

  /** The number of a trace's outcome (the outcome is built only the first time it is seen). */
  intern(t: Trace): number {
    const { path, viaAppliance } = pathOf(t);
    const d = t.decidedBy;
    const head = `${t.verdict}|${path}|${viaAppliance ? 1 : 0}|${d.stage}`;
    const byRule = level(this.ids, head);
    const byResource = level(byRule, d.rule ?? "");
    let id = byResource.get(d.resourceId ?? "");
    if (id === undefined) {
      id = this.list.length;
      this.list.push(outcomeOf(t));
      byResource.set(d.resourceId ?? "", id);
    }
    return id;
  }

  get(id: number): CellOutcome {
    return this.list[id]!;
  }
}

function level<V>(m: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let next = m.get(key);
  if (!next) {
    next = new Map();
    m.set(key, next);
  }
  return next;
}
