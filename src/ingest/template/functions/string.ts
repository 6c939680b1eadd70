// String functions (learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-string).
// ARM's indexOf, lastIndexOf, startsWith and endsWith ignore case; replace, contains and equals do not.
import { arity, type EagerFunction, FunctionError, int, str, strOrArr } from "./args.js";
import { isObject, type Json, toArmString } from "../json.js";

/** .NET composite formatting as format() uses it: {index[,alignment][:format]} and {{ }} escapes. */
export function formatComposite(template: string, values: readonly Json[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^}]*))?\}/g, (m, i, align, fmt) => {
    if (m === "{{") return "{";
    if (m === "}}") return "}";
    const v = values[Number(i)];
    if (v === undefined)
      throw new FunctionError(`the format string refers to argument {${i}}, which is missing`);
    let s = formatOne(v, fmt as string | undefined);
    if (align !== undefined) {
      const width = Number(align);
      s = width < 0 ? s.padEnd(-width) : s.padStart(width);
    }
    return s;
  });
}

function formatOne(v: Json, fmt: string | undefined): string {
  if (typeof v !== "number" || !fmt) return toArmString(v);
  const m = /^([NnDdXxFf])(\d*)$/.exec(fmt);
  if (!m) return String(v);
  const digits = m[2] ? Number(m[2]) : undefined;
  switch (m[1]!.toUpperCase()) {
    case "N":
      return v.toLocaleString("en-US", {
        minimumFractionDigits: digits ?? 2,
        maximumFractionDigits: digits ?? 2,
      });
    case "F":
      return v.toFixed(digits ?? 2);
    case "D":
      return (v < 0 ? "-" : "") + String(Math.abs(v)).padStart(digits ?? 0, "0");
    default: {
      const hex = (v >>> 0).toString(16).padStart(digits ?? 0, "0");
      return m[1] === "X" ? hex.toUpperCase() : hex;
    }
  }
}

/** Concatenation of strings (other scalars as string() writes them) or of arrays. */
const concat: EagerFunction = (args) => {
  arity(args, 1, Infinity);
  if (args.every((a) => Array.isArray(a))) return (args as Json[][]).flat(1);
  return args
    .map((a, i) => {
      if (Array.isArray(a) || isObject(a))
        throw new FunctionError(`the parameter at position ${i + 1} must be a string or an integer`);
      return toArmString(a);
    })
    .join("");
};

function substring(args: Json[]): string {
  arity(args, 1, 3);
  const s = str(args, 0);
  const start = args.length > 1 ? int(args, 1) : 0;
  const length = args.length > 2 ? int(args, 2) : s.length - start;
  if (start < 0 || start > s.length)
    throw new FunctionError(`the index parameter '${start}' is outside the string (length ${s.length})`);
  if (length < 0 || start + length > s.length)
    throw new FunctionError(
      `the index and length parameters must refer to a location within the string: index '${start}', length '${length}', string length '${s.length}'`,
    );
  return s.substring(start, start + length);
}

function padLeft(args: Json[]): string {
  arity(args, 2, 3);
  const v = args[0];
  if (typeof v !== "string" && typeof v !== "number")
    throw new FunctionError("the value to pad must be a string or an integer");
  const pad = args.length > 2 ? str(args, 2) : " ";
  if (pad.length !== 1) throw new FunctionError("the padding character must be a single character");
  return String(v).padStart(int(args, 1), pad);
}

function split(args: Json[]): Json[] {
  arity(args, 2);
  const s = str(args, 0);
  const d = args[1];
  const delimiters = Array.isArray(d) ? d : [d];
  if (!delimiters.every((x): x is string => typeof x === "string"))
    throw new FunctionError("the delimiter must be a string or an array of strings");
  const re = new RegExp(delimiters.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return delimiters.length === 0 ? [s] : s.split(re);
}

function base64ToString(args: Json[]): string {
  arity(args, 1);
  return Buffer.from(str(args, 0), "base64").toString("utf8");
}

export const stringFunctions: Record<string, EagerFunction> = {
  concat,
  format: (args) => {
    arity(args, 1, Infinity);
    return formatComposite(str(args, 0), args.slice(1));
  },
  string: (args) => {
    arity(args, 1);
    return toArmString(args[0]!);
  },
  toLower: (args) => (arity(args, 1), str(args, 0).toLowerCase()),
  toUpper: (args) => (arity(args, 1), str(args, 0).toUpperCase()),
  trim: (args) => (arity(args, 1), str(args, 0).trim()),
  replace: (args) => (arity(args, 3), str(args, 0).split(str(args, 1)).join(str(args, 2))),
  split,
  substring,
  padLeft,
  startsWith: (args) => (arity(args, 2), str(args, 0).toLowerCase().startsWith(str(args, 1).toLowerCase())),
  endsWith: (args) => (arity(args, 2), str(args, 0).toLowerCase().endsWith(str(args, 1).toLowerCase())),
  lastIndexOf: (args) => {
    arity(args, 2);
    const c = strOrArr(args, 0);
    if (Array.isArray(c)) return c.map((x) => JSON.stringify(x)).lastIndexOf(JSON.stringify(args[1]));
    return c.toLowerCase().lastIndexOf(str(args, 1).toLowerCase());
  },
  base64: (args) => (arity(args, 1), Buffer.from(str(args, 0), "utf8").toString("base64")),
  base64ToString,
  base64ToJson: (args) => {
    const text = base64ToString(args);
    try {
      return JSON.parse(text) as Json;
    } catch {
      throw new FunctionError("the decoded value is not valid JSON");
    }
  },
  uri: (args) => (arity(args, 2), new URL(str(args, 1), str(args, 0)).toString()),
};
