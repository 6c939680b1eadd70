// Template variables (syntax#variables, copy-variables): evaluated on first use; `"copy": [{ name, count, input }]`
// at the top of the section declares array variables built by loops.
import type { EvalContext } from "./context.js";
import { copySpecOf, loopArray } from "./copy.js";
import { childPath, templateError } from "./errors.js";
import { evaluateValue } from "./evaluate.js";
import { isObject, type Json, type JsonObject } from "./json.js";
import { LazyTable } from "./lazyTable.js";

export function variableTable(section: Json | undefined, ctx: (path: string) => EvalContext): LazyTable {
  if (section !== undefined && !isObject(section))
    throw templateError("variables", "the variables section is an object");
  const vars: JsonObject = section ?? {};
  const loops = new Map<string, { path: string; raw: Json }>();
  const copies = vars.copy;
  if (copies !== undefined) {
    if (!Array.isArray(copies)) throw templateError("variables.copy", "variable loops are an array");
    copies.forEach((raw, i) => {
      const path = childPath("variables.copy", i);
      loops.set(copySpecOf(raw, path, true).name!, { path, raw });
    });
  }
  const plain = Object.keys(vars).filter((k) => k !== "copy");
  return new LazyTable("variable", [...plain, ...loops.keys()], (name) => {
    const loop = loops.get(name);
    if (loop) return loopArray(copySpecOf(loop.raw, loop.path, true), ctx(loop.path), evaluateValue);
    const path = childPath("variables", name);
    return evaluateValue(vars[name]!, ctx(path));
  });
}
