// Shared by the semantics tests: compile ARM resources and trace one flow, the way the CLI does.
import { type Trace, traceBetween } from "../../src/engine/index.js";
import type { ArmResource } from "../../src/model/arm.js";
import { compileEstate } from "../../src/model/compileEstate.js";

export function traceIn(resources: ArmResource[], from: string, to: string): Trace {
  return traceBetween(compileEstate(resources), from, to);
}

/** The stage kinds in order, e.g. ["source", "dns", "nsg", "route", "path", "firewall"]. */
export function stageKinds(t: Trace): string[] {
  return t.stages.map((s) => s.stage);
}

export function stage<K extends Trace["stages"][number]["stage"]>(
  t: Trace,
  kind: K,
): Extract<Trace["stages"][number], { stage: K }> | undefined {
  return t.stages.find((s) => s.stage === kind) as Extract<Trace["stages"][number], { stage: K }> | undefined;
}

export function stagesOf<K extends Trace["stages"][number]["stage"]>(
  t: Trace,
  kind: K,
): Extract<Trace["stages"][number], { stage: K }>[] {
  return t.stages.filter((s) => s.stage === kind) as Extract<Trace["stages"][number], { stage: K }>[];
}
