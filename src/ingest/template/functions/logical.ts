// Logical, comparison and numeric functions (template-functions-logical, -comparison, -numeric). if() evaluates
// only the branch it picks (template-functions-logical#if), so conditionally valid expressions are safe there.
import { arity, bool, type EagerFunction, FunctionError, int, type TemplateFunction } from "./args.js";
import { deepEqual, type Json } from "../json.js";

function compare(args: Json[]): number {
  arity(args, 2);
  const [a, b] = args as [Json, Json];
  if (typeof a === "number" && typeof b === "number") return a - b;
  // Strings compare ordinally (greater('A', 'a') is false).
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new FunctionError("the parameters must both be integers or both be strings");
}

function toBool(args: Json[]): boolean {
  arity(args, 1);
  const v = args[0];
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  throw new FunctionError(`cannot convert '${String(v)}' to a boolean`);
}

function toInt(args: Json[]): number {
  arity(args, 1);
  const v = args[0];
  if (typeof v === "number") return Math.trunc(v);
  if (typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
  throw new FunctionError(`cannot convert '${String(v)}' to an integer`);
}

function numbers(args: Json[]): number[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (list.length === 0) throw new FunctionError("expects at least one integer");
  return list.map((_, i) => int(list, i));
}

const arithmetic =
  (op: (a: number, b: number) => number): EagerFunction =>
  (args) => {
    arity(args, 2);
    return op(int(args, 0), int(args, 1));
  };

function nonZero(b: number): number {
  if (b === 0) throw new FunctionError("the divisor cannot be 0");
  return b;
}

export const logicalFunctions: Record<string, TemplateFunction> = {
  if: {
    lazy(args, _ctx, evaluate) {
      arity(args, 3);
      const cond = evaluate(args[0]!);
      if (typeof cond !== "boolean") throw new FunctionError("the condition must be a boolean");
      return evaluate(cond ? args[1]! : args[2]!);
    },
  },
  and: {
    lazy(args, _ctx, evaluate) {
      arity(args, 2, Infinity);
      return args.every((a) => bool([evaluate(a)], 0));
    },
  },
  or: {
    lazy(args, _ctx, evaluate) {
      arity(args, 2, Infinity);
      return args.some((a) => bool([evaluate(a)], 0));
    },
  },
  coalesce: {
    lazy(args, _ctx, evaluate) {
      arity(args, 1, Infinity);
      for (const a of args) {
        const v = evaluate(a);
        if (v !== null) return v;
      }
      return null;
    },
  },
  not: (args) => (arity(args, 1), !bool(args, 0)),
  bool: toBool,
  true: (args) => (arity(args, 0), true),
  false: (args) => (arity(args, 0), false),
  equals: (args) => (arity(args, 2), deepEqual(args[0]!, args[1]!)),
  greater: (args) => compare(args) > 0,
  greaterOrEquals: (args) => compare(args) >= 0,
  less: (args) => compare(args) < 0,
  lessOrEquals: (args) => compare(args) <= 0,
  int: toInt,
  add: arithmetic((a, b) => a + b),
  sub: arithmetic((a, b) => a - b),
  mul: arithmetic((a, b) => a * b),
  div: arithmetic((a, b) => Math.trunc(a / nonZero(b))),
  mod: arithmetic((a, b) => a % nonZero(b)),
  min: (args) => Math.min(...numbers(args)),
  max: (args) => Math.max(...numbers(args)),
};
