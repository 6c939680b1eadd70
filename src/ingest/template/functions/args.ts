// The shape of a template function and the argument checks every family shares. A FunctionError carries ARM's
// wording; the evaluator prefixes the template path and the function name.
import type { EvalContext } from "../context.js";
import type { Expr } from "../expressions.js";
import { isObject, type Json, type JsonObject, typeName } from "../json.js";

export class FunctionError extends Error {}

/** Most functions see their evaluated arguments. */
export type EagerFunction = (args: Json[], ctx: EvalContext) => Json;
/** if(), and(), or() and coalesce() evaluate only the arguments they need. */
export interface LazyFunction {
  lazy(args: readonly Expr[], ctx: EvalContext, evaluate: (e: Expr) => Json): Json;
}
export type TemplateFunction = EagerFunction | LazyFunction;

export function arity(args: readonly unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected =
      min === max ? `${min}` : max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
    throw new FunctionError(`expects ${expected} parameter(s) but got ${args.length}`);
  }
}

function wrongType(i: number, expected: string, v: Json | undefined): FunctionError {
  return new FunctionError(
    `the parameter at position ${i + 1} must be of type ${expected}, not ${typeName(v)}`,
  );
}

export function str(args: readonly Json[], i: number): string {
  const v = args[i];
  if (typeof v !== "string") throw wrongType(i, "String", v);
  return v;
}

export function int(args: readonly Json[], i: number): number {
  const v = args[i];
  if (typeof v !== "number" || !Number.isInteger(v)) throw wrongType(i, "Integer", v);
  return v;
}

export function bool(args: readonly Json[], i: number): boolean {
  const v = args[i];
  if (typeof v !== "boolean") throw wrongType(i, "Boolean", v);
  return v;
}

export function arr(args: readonly Json[], i: number): Json[] {
  const v = args[i];
  if (!Array.isArray(v)) throw wrongType(i, "Array", v);
  return v;
}

export function obj(args: readonly Json[], i: number): JsonObject {
  const v = args[i];
  if (!isObject(v)) throw wrongType(i, "Object", v);
  return v;
}

/** A string or an array: the functions that work on both (first, last, skip, take, ...). */
export function strOrArr(args: readonly Json[], i: number): string | Json[] {
  const v = args[i];
  if (typeof v !== "string" && !Array.isArray(v)) throw wrongType(i, "String or Array", v);
  return v;
}
