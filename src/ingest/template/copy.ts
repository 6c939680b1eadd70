// Copy loops (copy-resources, copy-properties, copy-variables, copy-outputs): a loop's count, and property
// loops, where `"copy": [{ "name", "count", "input" }]` inside an object adds the array property `name`.
import { at, type EvalContext, inLoop } from "./context.js";
import { childPath, templateError } from "./errors.js";
import { isObject, type Json, type JsonObject } from "./json.js";

export type Walk = (value: Json, ctx: EvalContext) => Json;

// A loop has 0 to 800 iterations (copy-resources#iteration-for-a-resource: "count can't exceed 800").
const MAX_COPY = 800;

export interface CopySpec {
  name?: string;
  count: Json;
  input?: Json;
}

/** Checks a copy block's shape; `mode` and `batchSize` (serial deployment) are accepted and change nothing. */
export function copySpecOf(raw: Json | undefined, path: string, needsName: boolean): CopySpec {
  if (!isObject(raw) || raw.count === undefined) {
    throw templateError(path, "a copy block is an object with a 'count'");
  }
  if (needsName && (typeof raw.name !== "string" || raw.name === "")) {
    throw templateError(childPath(path, "name"), "a copy loop needs a name");
  }
  const mode = raw.mode;
  if (mode !== undefined && !(typeof mode === "string" && /^(serial|parallel|\[.*\])$/i.test(mode))) {
    throw templateError(childPath(path, "mode"), "the copy mode is 'serial' or 'parallel'");
  }
  return {
    ...(typeof raw.name === "string" ? { name: raw.name } : {}),
    count: raw.count,
    ...(raw.input !== undefined ? { input: raw.input } : {}),
  };
}

/** The evaluated count of a loop (names, counts and conditions may not use reference()). */
export function loopCount(spec: CopySpec, ctx: EvalContext, walk: Walk): number {
  const path = childPath(ctx.path, "count");
  const n = walk(spec.count, { ...at(ctx, path), noReference: ctx.noReference ?? "a copy count" });
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > MAX_COPY) {
    throw templateError(
      path,
      `the copy count must be an integer from 0 to ${MAX_COPY}, not ${JSON.stringify(n)}`,
    );
  }
  return n;
}

/** The array a named loop produces: its input evaluated once per index, with copyIndex('name'). */
export function loopArray(spec: CopySpec, ctx: EvalContext, walk: Walk): Json[] {
  const count = loopCount(spec, ctx, walk);
  const inputPath = childPath(ctx.path, "input");
  if (spec.input === undefined) throw templateError(ctx.path, "a copy loop needs an 'input'");
  return Array.from({ length: count }, (_, index) =>
    walk(spec.input!, inLoop(at(ctx, inputPath), { ...(spec.name ? { name: spec.name } : {}), index })),
  );
}

/** An object whose `copy` array defines properties by loops: the object with those properties filled in. */
export function expandPropertyCopies(o: JsonObject, ctx: EvalContext, walk: Walk): JsonObject {
  const copies = o.copy;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) {
    if (k !== "copy") out[k] = walk(v, at(ctx, childPath(ctx.path, k)));
  }
  if (!Array.isArray(copies)) return out;
  copies.forEach((raw, i) => {
    const path = childPath(childPath(ctx.path, "copy"), i);
    const spec = copySpecOf(raw, path, true);
    out[spec.name!] = loopArray(spec, at(ctx, path), walk);
  });
  return out;
}

/** Whether an object carries property loops (`"copy": [ ... ]`). */
export function hasPropertyCopies(o: JsonObject): boolean {
  return Array.isArray(o.copy);
}
