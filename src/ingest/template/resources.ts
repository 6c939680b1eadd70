// The resources a template declares, expanded before anything is deployed: copy loops unrolled, conditions
// evaluated, nested child resources given their composed type and name (child-resource-name-type), and every
// instance given the id ARM gives it in the target resource group. Names, types, counts and dependsOn may not
// use reference(): ARM must know them when the deployment starts.
import { at, type EvalContext, inLoop } from "./context.js";
import { copySpecOf, loopCount } from "./copy.js";
import { childPath, templateError } from "./errors.js";
import { evaluateText, evaluateValue } from "./evaluate.js";
import { FunctionError } from "./functions/index.js";
import { providerPath } from "./functions/resource.js";
import { isObject, type Json, type JsonObject } from "./json.js";

export interface ResourceInstance {
  /** Template path of the declaration: `resources[2]`, `resources.stg`, `resources[0].resources[1]`. */
  path: string;
  /** The symbolic name (languageVersion 2.0). */
  symbol?: string;
  /** The copy loop that made this instance. */
  loopName?: string;
  body: JsonObject;
  ctx: EvalContext;
  type: string;
  /** Full name, segments joined by '/' (`vnet1/snet1`). */
  name: string;
  id: string;
  apiVersion: string;
  /** False when `condition` is false: not deployed, and dependencies on it are dropped. */
  deploy: boolean;
  /** A languageVersion 2.0 `existing` resource: read from the estate, never deployed. */
  existing: boolean;
  parent?: ResourceInstance;
  dependsOn: { entry: string; path: string }[];
}

const NESTED_DEPLOYMENTS = "microsoft.resources/deployments";

function fullType(own: string, parent: ResourceInstance | undefined, path: string): string {
  if (!parent) return own;
  if (!own.includes("/")) return `${parent.type}/${own}`;
  if (own.toLowerCase().startsWith(`${parent.type.toLowerCase()}/`)) return own;
  throw templateError(path, `the nested resource type '${own}' is not a child of '${parent.type}'`);
}

function fullName(own: string, type: string, parent: ResourceInstance | undefined): string {
  if (!parent) return own;
  return own.split("/").length === type.split("/").length - 1 ? own : `${parent.name}/${own}`;
}

/** The id of an instance: in the target resource group, at another `scope` (extension resources), or, for a
 *  2.0 `existing` resource, in the subscription and resource group it names. */
function idOf(body: JsonObject, type: string, name: string, ctx: EvalContext, path: string): string {
  let tail: string;
  try {
    tail = providerPath(type, [name]);
  } catch (e) {
    if (!(e instanceof FunctionError)) throw e;
    throw templateError(
      childPath(path, "name"),
      `The resource name '${name}' for type '${type}' has incorrect segment lengths. A nested resource type must have identical number of segments as its resource name.`,
    );
  }
  const opts = ctx.scope.options;
  if (body.scope !== undefined) {
    // Bicep writes a scope in the same resource group as `Type/name` (a resource id without its prefix).
    const scope = evaluateText(body.scope, at(ctx, childPath(path, "scope")), "scope").replace(/\/+$/, "");
    const full = scope.startsWith("/")
      ? scope
      : `/subscriptions/${opts.subscriptionId}/resourceGroups/${opts.resourceGroup}/providers/${scope}`;
    return `${full}/providers/${tail}`;
  }
  if (body.existing !== true && (body.subscriptionId !== undefined || body.resourceGroup !== undefined)) {
    // Only nested deployments and `existing` resources reach outside the target resource group (deploy-to-resource-group#cross-resource-groups).
    throw templateError(path, "a deployed resource cannot name another subscription or resource group");
  }
  const sub =
    body.subscriptionId !== undefined
      ? evaluateText(body.subscriptionId, ctx, "subscriptionId")
      : opts.subscriptionId;
  const rg =
    body.resourceGroup !== undefined
      ? evaluateText(body.resourceGroup, ctx, "resourceGroup")
      : opts.resourceGroup;
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${tail}`;
}

function instanceOf(
  body: JsonObject,
  path: string,
  ctx: EvalContext,
  parent: ResourceInstance | undefined,
  extra: { symbol?: string; loopName?: string },
): ResourceInstance {
  const fixed = { ...ctx, noReference: "a resource's name, type or dependsOn" };
  const type = fullType(
    evaluateText(body.type, at(fixed, childPath(path, "type")), "the resource type"),
    parent,
    path,
  );
  if (type.toLowerCase() === NESTED_DEPLOYMENTS) {
    throw templateError(
      childPath(path, "type"),
      "nested deployments (Microsoft.Resources/deployments) are not supported",
    );
  }
  const name = fullName(
    evaluateText(body.name, at(fixed, childPath(path, "name")), "the resource name"),
    type,
    parent,
  );
  const apiVersion = evaluateText(body.apiVersion, at(fixed, childPath(path, "apiVersion")), "apiVersion");
  // A parent's condition does not cascade to its children (conditional-resource-deployment).
  let deploy = true;
  if (body.condition !== undefined) {
    const c = evaluateValue(body.condition, at(ctx, childPath(path, "condition")));
    if (typeof c !== "boolean")
      throw templateError(childPath(path, "condition"), "a condition must be a boolean");
    deploy = c;
  }
  const raw = body.dependsOn ?? [];
  if (!Array.isArray(raw)) throw templateError(childPath(path, "dependsOn"), "dependsOn is an array");
  const dependsOn = raw.map((d, i) => {
    const p = childPath(childPath(path, "dependsOn"), i);
    return { entry: evaluateText(d, at(fixed, p), "a dependsOn entry"), path: p };
  });
  return {
    path,
    ...extra,
    body,
    ctx: at(ctx, path),
    type,
    name,
    id: idOf(body, type, name, at(fixed, path), path),
    apiVersion,
    deploy,
    existing: body.existing === true,
    ...(parent ? { parent } : {}),
    dependsOn,
  };
}

function expand(
  raw: Json,
  path: string,
  ctx: EvalContext,
  parent: ResourceInstance | undefined,
  symbol: string | undefined,
  out: ResourceInstance[],
): void {
  if (!isObject(raw)) throw templateError(path, "a resource is an object");
  const frames: { loopName?: string; ctx: EvalContext }[] = [];
  if (raw.copy !== undefined) {
    // A nested child resource cannot loop; declare it at the top level (copy-resources#iteration-for-a-child-resource).
    if (parent)
      throw templateError(
        childPath(path, "copy"),
        "a nested child resource cannot have a copy loop; declare it at the top level",
      );
    const spec = copySpecOf(raw.copy, childPath(path, "copy"), true);
    const count = loopCount(spec, at(ctx, childPath(path, "copy")), evaluateValue);
    for (let index = 0; index < count; index++) {
      frames.push({ loopName: spec.name!, ctx: inLoop(ctx, { name: spec.name!, index, resource: true }) });
    }
  } else {
    frames.push({ ctx });
  }
  for (const f of frames) {
    const inst = instanceOf(raw, path, f.ctx, parent, {
      ...(symbol ? { symbol } : {}),
      ...(f.loopName ? { loopName: f.loopName } : {}),
    });
    out.push(inst);
    const children = raw.resources;
    if (children === undefined) continue;
    if (!Array.isArray(children))
      throw templateError(childPath(path, "resources"), "nested resources are an array");
    children.forEach((c, j) =>
      expand(c, childPath(childPath(path, "resources"), j), f.ctx, inst, undefined, out),
    );
  }
}

/** Every resource instance of the template, parents before their nested children, in template order. */
export function expandResources(
  section: Json | undefined,
  ctx: EvalContext,
  symbolic: boolean,
): ResourceInstance[] {
  const out: ResourceInstance[] = [];
  if (section === undefined) return out;
  if (symbolic) {
    if (!isObject(section))
      throw templateError(
        "resources",
        "languageVersion 2.0 declares resources as an object by symbolic name",
      );
    for (const [symbol, raw] of Object.entries(section))
      expand(raw, childPath("resources", symbol), ctx, undefined, symbol, out);
  } else {
    if (!Array.isArray(section))
      throw templateError("resources", "resources is an array (or, with languageVersion 2.0, an object)");
    section.forEach((raw, i) => expand(raw, childPath("resources", i), ctx, undefined, undefined, out));
  }
  return out;
}
