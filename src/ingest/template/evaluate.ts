// Evaluates template values: expression strings, and arrays and objects (with property loops) around them.
import { VnetlabError } from "../../model/errors.js";
import { at, type EvalContext } from "./context.js";
import { expandPropertyCopies, hasPropertyCopies } from "./copy.js";
import { childPath, templateError } from "./errors.js";
import { type Expr, ExpressionSyntaxError, parseExpression, stringForm } from "./expressions.js";
import { templateFunction } from "./functions/index.js";
import { isObject, type Json, propertyOf } from "./json.js";

function describe(v: Json): string {
  return JSON.stringify(v)?.slice(0, 60) ?? "null";
}

function member(target: Json, key: Json, ctx: EvalContext): Json {
  if (Array.isArray(target)) {
    if (typeof key !== "number" || !Number.isInteger(key)) {
      throw templateError(ctx.path, `an array is indexed by an integer, not ${describe(key)}`);
    }
    if (key < 0 || key >= target.length) {
      throw templateError(
        ctx.path,
        `The language expression property array index '${key}' is out of bounds.`,
      );
    }
    return target[key]!;
  }
  if (isObject(target) && typeof key === "string") {
    const v = propertyOf(target, key);
    if (v === undefined) {
      throw templateError(
        ctx.path,
        `The language expression property '${key}' doesn't exist, available properties are '${Object.keys(target).join(", ")}'.`,
      );
    }
    return v;
  }
  throw templateError(
    ctx.path,
    `The language expression property '${String(key)}' can't be evaluated on ${describe(target)}.`,
  );
}

export function evaluateExpr(e: Expr, ctx: EvalContext): Json {
  switch (e.kind) {
    case "string":
    case "number":
      return e.value;
    case "property":
      return member(evaluateExpr(e.target, ctx), e.name, ctx);
    case "index":
      return member(evaluateExpr(e.target, ctx), evaluateExpr(e.index, ctx), ctx);
    case "call": {
      const fn = templateFunction(e.name);
      if (!fn) {
        throw templateError(
          ctx.path,
          `The template function '${e.name}' is not valid (vnetlab does not support it).`,
        );
      }
      try {
        if (typeof fn === "function")
          return fn(
            e.args.map((a) => evaluateExpr(a, ctx)),
            ctx,
          );
        return fn.lazy(e.args, ctx, (a) => evaluateExpr(a, ctx));
      } catch (err) {
        // FunctionError carries ARM's wording; any other failure inside a function (a bad URI, a string too long)
        // is reported the same way, so that every template error names its path.
        if (err instanceof Error && !(err instanceof VnetlabError)) {
          throw templateError(
            ctx.path,
            `Unable to evaluate the template language function '${e.name}': ${err.message}.`,
          );
        }
        throw err;
      }
    }
  }
}

/** A JSON string: an expression's value, or the literal (with `[[` unescaped). */
export function evaluateString(s: string, ctx: EvalContext): Json {
  const form = stringForm(s);
  if ("literal" in form) return form.literal;
  let expr: Expr;
  try {
    expr = parseExpression(form.expression);
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) {
      throw templateError(
        ctx.path,
        `The language expression '${form.expression}' is not valid: ${err.message}.`,
      );
    }
    throw err;
  }
  return evaluateExpr(expr, ctx);
}

/** Any template value, evaluated deeply; objects with `"copy": [...]` get their property loops expanded. */
export function evaluateValue(v: Json, ctx: EvalContext): Json {
  if (typeof v === "string") return evaluateString(v, ctx);
  if (Array.isArray(v)) return v.map((x, i) => evaluateValue(x, at(ctx, childPath(ctx.path, i))));
  if (isObject(v)) {
    if (hasPropertyCopies(v)) return expandPropertyCopies(v, ctx, evaluateValue);
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) out[k] = evaluateValue(x, at(ctx, childPath(ctx.path, k)));
    return out;
  }
  return v;
}

/** A value that must evaluate to a string (names, types, api-versions). */
export function evaluateText(v: Json | undefined, ctx: EvalContext, what: string): string {
  const s = v === undefined ? undefined : evaluateValue(v, ctx);
  if (typeof s !== "string" || s === "") throw templateError(ctx.path, `${what} must be a non-empty string`);
  return s;
}
