// Resource functions (template-functions-resource): the resource id builders and reference().
import type { EvalContext } from "../context.js";
import { arity, type EagerFunction, FunctionError, str } from "./args.js";
import type { Json } from "../json.js";

/** `{type}/{names}` after /providers/, checking that the names fill the type's segments. */
export function providerPath(type: string, names: readonly string[]): string {
  const types = type.split("/").filter(Boolean);
  const nameSegs = names.flatMap((n) => n.split("/"));
  if (types.length < 2) {
    throw new FunctionError(`'${type}' is not a resource type: a type includes its provider namespace`);
  }
  if (nameSegs.length !== types.length - 1) {
    throw new FunctionError(
      `the resource type '${type}' takes ${types.length - 1} name segment(s) but was given ${nameSegs.length} ('${names.join("', '")}')`,
    );
  }
  return `${types[0]}/${types
    .slice(1)
    .map((t, i) => `${t}/${nameSegs[i]}`)
    .join("/")}`;
}

function strings(args: Json[]): string[] {
  return args.map((_, i) => str(args, i));
}

/**
 * The index of the resource type among resourceId()'s arguments: the optional subscription id and resource group
 * name come first and have no '/', the type does (template-functions-resource#resourceid).
 */
function typeIndex(args: readonly string[], optionalBefore: number): number {
  for (let i = 0; i <= optionalBefore && i < args.length; i++) if (args[i]!.includes("/")) return i;
  throw new FunctionError("one argument must be a resource type including its provider namespace");
}

/** resourceId([subscriptionId], [resourceGroupName], resourceType, resourceName1, ...). */
const resourceId: EagerFunction = (args, ctx) => {
  arity(args, 2, Infinity);
  const a = strings(args);
  const t = typeIndex(a, 2);
  const opts = ctx.scope.options;
  const sub = t === 2 ? a[0]! : opts.subscriptionId;
  const rg = t === 2 ? a[1]! : t === 1 ? a[0]! : opts.resourceGroup;
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${providerPath(a[t]!, a.slice(t + 1))}`;
};

/** subscriptionResourceId([subscriptionId], resourceType, resourceName1, ...). */
const subscriptionResourceId: EagerFunction = (args, ctx) => {
  arity(args, 2, Infinity);
  const a = strings(args);
  const t = typeIndex(a, 1);
  const sub = t === 1 ? a[0]! : ctx.scope.options.subscriptionId;
  return `/subscriptions/${sub}/providers/${providerPath(a[t]!, a.slice(t + 1))}`;
};

const tenantResourceId: EagerFunction = (args) => {
  arity(args, 2, Infinity);
  const a = strings(args);
  return `/providers/${providerPath(a[0]!, a.slice(1))}`;
};

/** extensionResourceId(resourceId, resourceType, resourceName1, ...): an extension resource on any scope. */
const extensionResourceId: EagerFunction = (args) => {
  arity(args, 3, Infinity);
  const a = strings(args);
  return `${a[0]!.replace(/\/+$/, "")}/providers/${providerPath(a[1]!, a.slice(2))}`;
};

/** reference(resourceNameOrId, [apiVersion], ['Full']): a resource's properties, or the whole resource. */
function reference(args: Json[], ctx: EvalContext): Json {
  arity(args, 1, 3);
  if (ctx.noReference) {
    throw new FunctionError(`reference() cannot be used in ${ctx.noReference}`);
  }
  const target = str(args, 0);
  const full = args.length === 3 && str(args, 2).toLowerCase() === "full";
  return ctx.scope.reference(target, full, ctx);
}

export const resourceFunctions: Record<string, EagerFunction> = {
  resourceId,
  subscriptionResourceId,
  tenantResourceId,
  extensionResourceId,
  reference,
};
