// Array and object functions (template-functions-array, template-functions-object).
import { arity, arr, type EagerFunction, FunctionError, int, obj, str, strOrArr } from "./args.js";
import { deepEqual, isObject, type Json, type JsonObject, propertyOf } from "../json.js";

function unionOf(values: Json[]): Json {
  if (values.every(Array.isArray)) {
    const out: Json[] = [];
    for (const a of values as Json[][]) for (const x of a) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  }
  if (values.every(isObject)) {
    // Nested objects and arrays merge too; otherwise the last value wins (template-functions-object#union).
    const out: JsonObject = {};
    for (const o of values as JsonObject[]) {
      for (const [k, v] of Object.entries(o)) {
        const prev = out[k];
        out[k] =
          prev !== undefined && ((isObject(prev) && isObject(v)) || (Array.isArray(prev) && Array.isArray(v)))
            ? unionOf([prev, v])
            : v;
      }
    }
    return out;
  }
  throw new FunctionError("the parameters must all be arrays or all be objects");
}

function intersectionOf(values: Json[]): Json {
  if (values.every(Array.isArray)) {
    const [first, ...rest] = values as Json[][];
    const out: Json[] = [];
    for (const x of first!) {
      if (rest.every((a) => a.some((y) => deepEqual(x, y))) && !out.some((y) => deepEqual(x, y))) out.push(x);
    }
    return out;
  }
  if (values.every(isObject)) {
    const [first, ...rest] = values as JsonObject[];
    return Object.fromEntries(
      Object.entries(first!).filter(([k, v]) => rest.every((o) => k in o && deepEqual(o[k]!, v))),
    );
  }
  throw new FunctionError("the parameters must all be arrays or all be objects");
}

function lengthOf(v: Json | undefined): number {
  if (typeof v === "string" || Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  throw new FunctionError("the parameter must be a string, an array or an object");
}

function contains(args: Json[]): boolean {
  arity(args, 2);
  const [container, item] = args as [Json, Json];
  if (typeof container === "string") return container.includes(String(item));
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
  if (isObject(container)) return propertyOf(container, str(args, 1)) !== undefined;
  throw new FunctionError("the container must be a string, an array or an object");
}

function indexOf(args: Json[]): number {
  arity(args, 2);
  const c = strOrArr(args, 0);
  if (Array.isArray(c)) return c.findIndex((x) => deepEqual(x, args[1]!));
  return c.toLowerCase().indexOf(str(args, 1).toLowerCase());
}

/** skip/take on strings and arrays, with counts clamped as ARM does. */
function slice(args: Json[], fromStart: boolean): Json {
  arity(args, 2);
  const v = strOrArr(args, 0);
  const n = Math.max(0, Math.min(int(args, 1), v.length));
  return fromStart ? v.slice(n) : v.slice(0, n);
}

function createObject(args: Json[]): JsonObject {
  if (args.length % 2 !== 0)
    throw new FunctionError("expects an even number of parameters (key, value, ...)");
  const out: JsonObject = {};
  for (let i = 0; i < args.length; i += 2) out[str(args, i)] = args[i + 1]!;
  return out;
}

export const arrayFunctions: Record<string, EagerFunction> = {
  createArray: (args) => [...args],
  createObject,
  array: (args) => (arity(args, 1), Array.isArray(args[0]) ? args[0] : [args[0]!]),
  first: (args) => {
    arity(args, 1);
    const v = strOrArr(args, 0);
    return typeof v === "string" ? v.slice(0, 1) : (v[0] ?? null);
  },
  last: (args) => {
    arity(args, 1);
    const v = strOrArr(args, 0);
    return typeof v === "string" ? v.slice(-1) : (v[v.length - 1] ?? null);
  },
  skip: (args) => slice(args, true),
  take: (args) => slice(args, false),
  range: (args) => {
    arity(args, 2);
    const start = int(args, 0);
    const count = int(args, 1);
    if (count < 0 || count > 10_000) throw new FunctionError("the count must be between 0 and 10000");
    return Array.from({ length: count }, (_, i) => start + i);
  },
  union: (args) => (arity(args, 1, Infinity), unionOf(args)),
  intersection: (args) => (arity(args, 1, Infinity), intersectionOf(args)),
  contains,
  indexOf,
  length: (args) => (arity(args, 1), lengthOf(args[0])),
  empty: (args) => {
    arity(args, 1);
    const v = args[0]!;
    return (
      v === null ||
      v === "" ||
      (Array.isArray(v) && v.length === 0) ||
      (isObject(v) && !Object.keys(v).length)
    );
  },
  json: (args) => {
    arity(args, 1);
    try {
      return JSON.parse(str(args, 0)) as Json;
    } catch {
      throw new FunctionError("the parameter is not valid JSON");
    }
  },
  // items() lists an object's properties as {key, value}, sorted by key (template-functions-object#items).
  items: (args) => {
    arity(args, 1);
    return Object.entries(obj(args, 0))
      .sort(([a], [b]) =>
        a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
      )
      .map(([key, value]) => ({ key, value }));
  },
  objectKeys: (args) => (arity(args, 1), Object.keys(obj(args, 0))),
  join: (args) => {
    arity(args, 2);
    return arr(args, 0)
      .map((x) => (typeof x === "string" || typeof x === "number" ? String(x) : JSON.stringify(x)))
      .join(str(args, 1));
  },
  tryGet: (args) => {
    arity(args, 2);
    const v = args[0]!;
    const k = args[1]!;
    if (Array.isArray(v) && typeof k === "number") return v[k] ?? null;
    if (isObject(v) && typeof k === "string") return propertyOf(v, k) ?? null;
    return null;
  },
  null: (args) => (arity(args, 0), null),
};
