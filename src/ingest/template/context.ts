// What an expression is evaluated in: the deployment it belongs to (parameters, variables, resources, the target
// scope), the template path of the value, the copy loops around it, and whether reference() may be used there.
import type { ArmResource } from "../../model/arm.js";
import type { Json } from "./json.js";

export interface EvaluateOptions {
  /** Parameter values, already unwrapped from `{ "value": ... }`. */
  parameters?: Record<string, Json>;
  subscriptionId: string;
  resourceGroup: string;
  /** The resource group's location when the estate does not say (`--location`). */
  location?: string;
  tenantId?: string;
  /** deployment().name; `az deployment group create` defaults it to the template file's base name. */
  deploymentName?: string;
  /** An existing resource of the target estate, by id (case-insensitive), for reference() and `existing`. */
  lookup?(id: string): ArmResource | undefined;
}

/** One copy loop around a value: a resource, property, variable or output loop. */
export interface LoopFrame {
  name?: string;
  index: number;
  /** Resource loops answer copyIndex() without a name. */
  resource?: boolean;
}

/** The deployment an expression belongs to; implemented by the evaluator of a whole template. */
export interface TemplateScope {
  readonly options: EvaluateOptions;
  parameter(name: string, path: string): Json;
  variable(name: string, path: string): Json;
  /** reference(nameOrId, apiVersion?, 'Full'?): a template resource deployed before, or one of the estate. */
  reference(target: string, full: boolean, ctx: EvalContext): Json;
  resourceGroup(path: string): Json;
  subscription(): Json;
  deployment(): Json;
}

export interface EvalContext {
  readonly scope: TemplateScope;
  /** The template path of the value being evaluated, e.g. `resources[2].properties.subnets[0].name`. */
  readonly path: string;
  readonly loops: readonly LoopFrame[];
  /** Set where ARM forbids reference(): names, dependsOn, counts, conditions, parameters, variables. */
  readonly noReference?: string;
}

export function at(ctx: EvalContext, path: string): EvalContext {
  return { ...ctx, path };
}

export function inLoop(ctx: EvalContext, frame: LoopFrame): EvalContext {
  return { ...ctx, loops: [...ctx.loops, frame] };
}
