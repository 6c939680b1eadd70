// Template outputs (outputs): a value, or a `copy` loop of values, of a declared type; an output whose
// condition is false is left out. Types are reported as the deployment's outputs report them ("String", ...).
import { at, type EvalContext } from "./context.js";
import { copySpecOf, loopArray } from "./copy.js";
import { childPath, templateError } from "./errors.js";
import { evaluateValue } from "./evaluate.js";
import { isObject, type Json, type JsonObject, typeName } from "./json.js";
import { declaredType } from "./parameters.js";

export interface TemplateOutput {
  type: string;
  value: Json;
}

const REPORTED: Record<string, string> = {
  string: "String",
  securestring: "SecureString",
  int: "Int",
  bool: "Bool",
  object: "Object",
  secureobject: "SecureObject",
  array: "Array",
};

export function evaluateOutputs(section: Json | undefined, ctx: EvalContext): Record<string, TemplateOutput> {
  const out: Record<string, TemplateOutput> = {};
  if (section === undefined) return out;
  if (!isObject(section)) throw templateError("outputs", "the outputs section is an object");
  for (const [name, raw] of Object.entries(section)) {
    const path = childPath("outputs", name);
    if (!isObject(raw)) throw templateError(path, "an output is an object with a 'type' and a 'value'");
    const decl: JsonObject = raw;
    const here = at(ctx, path);
    if (decl.condition !== undefined) {
      const c = evaluateValue(decl.condition, at(here, childPath(path, "condition")));
      if (c === false) continue;
    }
    let value: Json;
    if (decl.copy !== undefined) {
      value = loopArray(
        copySpecOf(decl.copy, childPath(path, "copy"), false),
        at(here, childPath(path, "copy")),
        evaluateValue,
      );
    } else if (decl.value !== undefined) {
      value = evaluateValue(decl.value, at(here, childPath(path, "value")));
    } else {
      throw templateError(path, "an output needs a 'value' or a 'copy'");
    }
    const expected = declaredType(decl);
    if (expected && typeName(value) !== expected && value !== null) {
      throw templateError(
        path,
        `The template output '${name}' is not valid: the value is of type '${typeName(value)}', not '${expected}'.`,
      );
    }
    const t = typeof decl.type === "string" ? decl.type : "object";
    out[name] = { type: REPORTED[t.toLowerCase()] ?? t, value };
  }
  return out;
}
