// JSON values as ARM template expressions see them, and the few operations every function family needs.

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The type names ARM uses in its messages (Newtonsoft's JTokenType). */
export function typeName(v: Json | undefined): string {
  if (v === undefined || v === null) return "Null";
  if (Array.isArray(v)) return "Array";
  if (typeof v === "object") return "Object";
  if (typeof v === "number") return Number.isInteger(v) ? "Integer" : "Float";
  if (typeof v === "boolean") return "Boolean";
  return "String";
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k]!, b[k]!));
  }
  return false;
}

/**
 * A property of an object, exactly named or else case-insensitively: ARM's property access ignores case, as its
 * JSON names do elsewhere (reference(...).primaryEndpoints works as .PrimaryEndpoints) [INF].
 */
export function propertyOf(o: JsonObject, name: string): Json | undefined {
  if (Object.hasOwn(o, name)) return o[name];
  const lower = name.toLowerCase();
  const key = Object.keys(o).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : o[key];
}

/**
 * A value as ARM's string() writes it: strings as they are, booleans as .NET's "True"/"False", arrays and
 * objects as compact JSON, null as "" (template-functions-string#string).
 */
export function toArmString(v: Json): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return String(v);
  return JSON.stringify(v);
}

/** A deep copy of JSON data (template values are never shared between resources). */
export function copyJson<T extends Json>(v: T): T {
  return structuredClone(v);
}
