// Template parameters (syntax#parameters, parameters): types, defaults (which may be expressions), allowedValues,
// minValue/maxValue and minLength/maxLength, checked as ARM checks them before anything is deployed; and the
// parameter sources of a deployment: a deploymentParameters.json file and `name=value` overrides.
import { VnetlabError } from "../../model/errors.js";
import type { EvalContext } from "./context.js";
import { childPath, templateError } from "./errors.js";
import { evaluateValue } from "./evaluate.js";
import { deepEqual, isObject, type Json, type JsonObject, toArmString, typeName } from "./json.js";
import { LazyTable } from "./lazyTable.js";

const TYPES: Record<string, string> = {
  string: "String",
  securestring: "String",
  int: "Integer",
  bool: "Boolean",
  object: "Object",
  secureobject: "Object",
  array: "Array",
};

/** The JSON type (as typeName() writes it) that a declared parameter or output type takes. */
export function declaredType(decl: JsonObject): string | undefined {
  return typeof decl.type === "string" ? TYPES[decl.type.toLowerCase()] : undefined;
}

function checkValue(name: string, decl: JsonObject, value: Json, path: string): void {
  if (value === null && decl.nullable === true) return;
  const expected = declaredType(decl);
  const actual = typeName(value);
  if (expected && actual !== expected) {
    throw templateError(
      path,
      `Template parameter '${name}' was provided an invalid value. Expected a value of type '${expected}', but received a value of type '${actual}'.`,
    );
  }
  const allowed = decl.allowedValues;
  if (Array.isArray(allowed)) {
    // An array parameter's allowedValues constrain each element (parameters#allowed-values).
    const items = Array.isArray(value) && expected === "Array" ? value : [value];
    const bad = items.find((v) => !allowed.some((a) => deepEqual(a, v)));
    if (bad !== undefined) {
      throw templateError(
        path,
        `The provided value '${toArmString(bad)}' for the template parameter '${name}' is not valid. The parameter value is not part of the allowed value(s): '${allowed.map(toArmString).join(",")}'.`,
      );
    }
  }
  const bound = (key: string, ok: (limit: number) => boolean, what: string): void => {
    const limit = decl[key];
    if (typeof limit === "number" && !ok(limit)) {
      throw templateError(
        path,
        `The provided value for the template parameter '${name}' is not valid. ${what} '${limit}'.`,
      );
    }
  };
  if (typeof value === "number") {
    bound("minValue", (l) => value >= l, "The value should be greater than or equal to");
    bound("maxValue", (l) => value <= l, "The value should be less than or equal to");
  }
  if (typeof value === "string" || Array.isArray(value)) {
    bound("minLength", (l) => value.length >= l, "Length of the value should be greater than or equal to");
    bound("maxLength", (l) => value.length <= l, "Length of the value should be less than or equal to");
  }
}

/** The parameters of one deployment: provided values checked against the declarations, defaults on demand. */
export function parameterTable(
  declarations: JsonObject,
  provided: Record<string, Json>,
  ctx: (path: string) => EvalContext,
): LazyTable {
  const byName = new Map(Object.keys(provided).map((k) => [k.toLowerCase(), k]));
  const table = new LazyTable("parameter", Object.keys(declarations), (name) => {
    const path = childPath("parameters", name);
    const decl = declarations[name];
    if (!isObject(decl)) throw templateError(path, "a parameter declaration is an object with a 'type'");
    const given = byName.get(name.toLowerCase());
    let value: Json;
    if (given !== undefined) value = provided[given]!;
    else if (decl.defaultValue !== undefined) {
      value = evaluateValue(decl.defaultValue, {
        ...ctx(childPath(path, "defaultValue")),
        noReference: "a parameter's default value",
      });
    } else if (decl.nullable === true) value = null;
    else throw templateError(path, `The value for the template parameter '${name}' is not provided.`);
    checkValue(name, decl, value, path);
    return value;
  });
  const unknown = Object.keys(provided).filter((k) => table.resolve(k) === undefined);
  if (unknown.length > 0) {
    throw templateError(
      "parameters",
      `The template parameters '${unknown.join("', '")}' are not valid; they are not present in the original template and can therefore not be provided at deployment time.`,
    );
  }
  return table;
}

/** The values of a deploymentParameters.json document (`{ "parameters": { "x": { "value": ... } } }`). */
export function parametersFileValues(content: unknown, file?: string): Record<string, Json> {
  const root = isObject(content as Json) ? (content as JsonObject) : undefined;
  const params = root && isObject(root.parameters) ? root.parameters : root;
  if (!params) {
    throw new VnetlabError(
      "InvalidTemplate",
      'a parameters file is { "parameters": { "name": { "value": ... } } }',
      {
        file,
      },
    );
  }
  const out: Record<string, Json> = {};
  for (const [name, entry] of Object.entries(params)) {
    if (name === "$schema" || name === "contentVersion") continue;
    if (isObject(entry) && entry.reference !== undefined) {
      throw new VnetlabError(
        "InvalidTemplate",
        `parameters.${name}: Key Vault references are not supported; give the value itself`,
        { file },
      );
    }
    if (!isObject(entry) || !("value" in entry)) {
      throw new VnetlabError(
        "InvalidTemplate",
        `parameters.${name}: a parameter is given as { "value": ... }`,
        {
          file,
        },
      );
    }
    out[name] = entry.value!;
  }
  return out;
}

/**
 * A `name=value` override typed by the template's declaration, as `az deployment group create --parameters`
 * reads it: text for strings, JSON for numbers, booleans, arrays and objects.
 */
export function parameterFromText(template: unknown, name: string, text: string): Json {
  const decls = isObject(template as Json) ? (template as JsonObject).parameters : undefined;
  const declKey = isObject(decls)
    ? Object.keys(decls).find((k) => k.toLowerCase() === name.toLowerCase())
    : undefined;
  const decl = declKey !== undefined && isObject(decls) ? decls[declKey] : undefined;
  const type = isObject(decl) ? declaredType(decl) : undefined;
  if (type === "String" || type === undefined) return text;
  try {
    return JSON.parse(text) as Json;
  } catch {
    // Not JSON: leave it a string, and the type check names the parameter and the expected type.
    return text;
  }
}
