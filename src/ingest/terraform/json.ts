// JSON values as `terraform show -json` prints them, and the small guards the ingest reads them with.

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** A step into a value: an attribute name or a list (block) index. */
export type PathStep = string | number;
export type Path = readonly PathStep[];

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function objectOr(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

export function arrayOr(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}

export function stringOr(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** The value at a path (undefined where the path leaves the value). */
export function at(v: Json | undefined, path: Path): Json | undefined {
  let node: Json | undefined = v;
  for (const step of path) {
    if (typeof step === "number") node = Array.isArray(node) ? node[step] : undefined;
    else node = isObject(node) ? node[step] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** Drops undefined properties (recursively), so that what is written is what is known. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => compact(v)) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = compact(v);
    return out as T;
  }
  return value;
}

/** `a.b[0].c` for a path, as Terraform names attributes in its messages. */
export function pathText(path: Path): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}
