// Microsoft.Resources/deployments in a resource group: PUT deploys a template (incremental mode) by PUTting
// each of its resources in dependency order through the pipeline, as ARM does — a resource that fails stops
// the deployment and those before it stay [ARM: deployment modes, "incremental"]; POST .../validate checks the
// template and every resource against the estate as it would be, writing nothing; POST .../whatIf answers
// ARM's WhatIfOperationResult (Create / Modify / NoChange / Ignore with property deltas) and, beyond Azure,
// the (source, resource) pairs whose reachability the deployment changes.
import { randomUUID } from "node:crypto";
import { whatIf } from "../analysis/whatIf.js";
import { evaluateTemplate, type Json, type TemplateResult } from "../ingest/template/index.js";
import type { ArmResource } from "../model/arm.js";
import { VnetlabError } from "../model/errors.js";
import type { Estate } from "../model/estate.js";
import { idKey } from "../model/resourceId.js";
import type { ArmRequest } from "./dispatch.js";
import type { OperationSite } from "./operations.js";
import { resourceGroupOf } from "./resourceParts.js";
import type { ArmContext, ArmReply } from "./server.js";

export const DEPLOYMENTS = "Microsoft.Resources/deployments";

interface DeploymentBody {
  location?: string;
  properties?: {
    template?: unknown;
    templateLink?: unknown;
    parameters?: Record<string, { value?: Json; reference?: unknown }>;
    mode?: string;
  };
}

function bodyOf(req: ArmRequest): DeploymentBody {
  const b = req.body as DeploymentBody | undefined;
  const p = b?.properties;
  if (!b || typeof b !== "object" || !p || typeof p !== "object") {
    throw new VnetlabError(
      "InvalidRequestContent",
      "The request content was invalid: 'properties' is required.",
    );
  }
  if (p.templateLink !== undefined && p.template === undefined) {
    // vnetlab runs offline: it cannot fetch a linked template.
    throw new VnetlabError(
      "InvalidTemplate",
      "Deployment template links are not supported offline: send the template inline.",
    );
  }
  if ((p.mode ?? "Incremental").toLowerCase() !== "incremental") {
    throw new VnetlabError(
      "InvalidTemplate",
      `Deployment mode '${p.mode}' is not supported: vnetlab deploys in Incremental mode.`,
    );
  }
  return b;
}

/** Evaluates the body's template for the resource group the deployment id names. */
async function evaluate(ctx: ArmContext, id: string, body: DeploymentBody): Promise<TemplateResult> {
  const snap = await ctx.state.snapshot();
  const sub = id.split("/")[2]!;
  const rg = resourceGroupOf(id);
  const group = snap.lookup(`/subscriptions/${sub}/resourceGroups/${rg}`);
  if (!group) throw new VnetlabError("ResourceGroupNotFound", `Resource group '${rg}' could not be found.`);
  const parameters: Record<string, Json> = {};
  for (const [k, v] of Object.entries(body.properties?.parameters ?? {})) {
    if (v && typeof v === "object" && "value" in v && v.value !== undefined) parameters[k] = v.value;
  }
  return evaluateTemplate(body.properties!.template, {
    parameters,
    subscriptionId: sub,
    resourceGroup: rg,
    location: group.resource.location,
    deploymentName: id.split("/").pop()!,
    lookup: (rid) => snap.lookup(rid)?.resource,
  });
}

/** GET, PUT and DELETE of a deployment, and POST validate / whatIf. */
export async function deploymentRequest(
  ctx: ArmContext,
  req: ArmRequest,
  id: string,
  action?: string,
): Promise<ArmReply> {
  if (action) return deploymentAction(ctx, req, id, action.toLowerCase());
  if (req.method === "PUT") return deploy(ctx, req, id);
  if (req.method === "GET") {
    const r = await ctx.pipeline.get(id, DEPLOYMENTS);
    return { status: 200, body: r };
  }
  if (req.method === "DELETE") {
    const out = await ctx.pipeline.delete(id, DEPLOYMENTS, {}, req.apiVersion);
    return { status: out ? 200 : 204 };
  }
  throw new VnetlabError("HttpMethodNotAllowed", `The requested method '${req.method}' is not allowed.`);
}

async function deploy(ctx: ArmContext, req: ArmRequest, id: string): Promise<ArmReply> {
  const body = bodyOf(req);
  const started = Date.now();
  const result = await evaluate(ctx, id, body);
  const outputResources: { id: string }[] = [];
  let error:
    | { code: string; message: string; details?: { code: string; message: string; target?: string }[] }
    | undefined;
  for (const step of result.steps) {
    try {
      // Under --auth each resource needs its own write permission and linked checks, as a PUT of it would.
      await ctx.beforeWrite?.(
        { ...req, method: "PUT", body: step.resource },
        step.resource.id,
        step.resource.type,
      );
      await ctx.pipeline.put(step.resource.id, step.resource.type, step.resource, {}, step.apiVersion);
      outputResources.push({ id: step.resource.id });
    } catch (e) {
      if (!(e instanceof VnetlabError)) throw e;
      // ARM's deployment error: the operation that failed, inside DeploymentFailed [ARM deployment errors].
      error = {
        code: "DeploymentFailed",
        message:
          "At least one resource deployment operation failed. Please list deployment operations for details.",
        details: [{ code: e.code, message: e.message, target: step.resource.id }],
      };
      break;
    }
  }
  const state = error ? "Failed" : "Succeeded";
  const record: ArmResource = {
    id,
    name: id.split("/").pop()!,
    type: DEPLOYMENTS,
    properties: {
      provisioningState: state,
      mode: "Incremental",
      correlationId: randomUUID(),
      timestamp: new Date().toISOString(),
      duration: `PT${((Date.now() - started) / 1000).toFixed(3)}S`,
      parameters: body.properties?.parameters ?? {},
      outputs: error ? undefined : result.outputs,
      outputResources,
      ...(error ? { error } : {}),
    },
  };
  const out = await ctx.pipeline.put(id, DEPLOYMENTS, record, {}, req.apiVersion);
  const op = ctx.operations.start(error ? { status: "Failed", error } : { status: "Succeeded" });
  return {
    status: out.created ? 201 : 200,
    body: out.resource,
    headers: ctx.operations.headers(siteOf(req, id), op, ["status"]),
  };
}

/** Every template resource planned in turn on the estate as the earlier ones leave it; nothing is written. */
async function plan(
  ctx: ArmContext,
  result: TemplateResult,
): Promise<{
  planned: ArmResource[];
  before: Estate;
  after: Estate;
  existing: Map<string, ArmResource | undefined>;
}> {
  const base = await ctx.state.snapshot();
  let snap = base;
  const planned: ArmResource[] = [];
  const existing = new Map<string, ArmResource | undefined>();
  for (const step of result.steps) {
    existing.set(idKey(step.resource.id), base.lookup(step.resource.id)?.resource);
    const p = ctx.pipeline.planPut(
      snap,
      step.resource.id,
      step.resource.type,
      step.resource,
      {},
      step.apiVersion,
    );
    planned.push(p.result);
    snap = ctx.state.advance(snap, p.changes, p.estate);
  }
  return { planned, before: base.estate(), after: snap.estate(), existing };
}

async function deploymentAction(
  ctx: ArmContext,
  req: ArmRequest,
  id: string,
  action: string,
): Promise<ArmReply> {
  if (req.method !== "POST")
    throw new VnetlabError("HttpMethodNotAllowed", `The requested method '${req.method}' is not allowed.`);
  const body = bodyOf(req);
  const result = await evaluate(ctx, id, body);
  if (action === "validate") {
    const { planned } = await plan(ctx, result);
    return {
      status: 200,
      body: {
        id,
        name: id.split("/").pop()!,
        type: DEPLOYMENTS,
        properties: {
          provisioningState: "Succeeded",
          mode: "Incremental",
          parameters: body.properties?.parameters ?? {},
          validatedResources: planned.map((r) => ({ id: r.id })),
        },
      },
    };
  }
  if (action !== "whatif") {
    throw new VnetlabError(
      "InvalidResourceType",
      `The resource type 'deployments/${action}' does not support POST.`,
    );
  }
  const { planned, before, after, existing } = await plan(ctx, result);
  const changes = planned.map((r) => whatIfChange(r, existing.get(idKey(r.id))));
  const reachability = whatIf(before, after).changes;
  const op = ctx.operations.start({
    status: "Succeeded",
    result: { status: "Succeeded", properties: { changes, vnetlabReachability: reachability } },
  });
  return { status: 202, headers: ctx.operations.headers(siteOf(req, id), op, ["result"]) };
}

/** Deployments are polled under Microsoft.Resources, location global. */
function siteOf(req: ArmRequest, id: string): OperationSite {
  return {
    baseUrl: req.baseUrl,
    subscriptionId: id.split("/")[2]!,
    namespace: "Microsoft.Resources",
    location: "global",
    apiVersion: req.apiVersion,
  };
}

/** Properties ARM fills in itself: left out of what-if deltas, as ARM's what-if leaves them out. */
const READ_ONLY = new Set(["etag", "provisioningState", "resourceGuid"]);

interface PropertyChange {
  path: string;
  propertyChangeType: "Create" | "Delete" | "Modify" | "Array";
  before?: unknown;
  after?: unknown;
}

function whatIfChange(after: ArmResource, before: ArmResource | undefined): Record<string, unknown> {
  if (!before) return { resourceId: after.id, changeType: "Create", after: clean(after) };
  const delta: PropertyChange[] = [];
  diff("", clean(before), clean(after), delta);
  return delta.length === 0
    ? { resourceId: after.id, changeType: "NoChange", before: clean(before), after: clean(after) }
    : { resourceId: after.id, changeType: "Modify", before: clean(before), after: clean(after), delta };
}

function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (!v || typeof v !== "object") return v;
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>)
      .filter(([k]) => !READ_ONLY.has(k))
      .map(([k, x]) => [k, clean(x)]),
  );
}

function diff(path: string, x: unknown, y: unknown, out: PropertyChange[]): void {
  if (JSON.stringify(x) === JSON.stringify(y)) return;
  const isObj = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === "object" && !Array.isArray(v);
  if (isObj(x) && isObj(y)) {
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)]))
      diff(path ? `${path}.${k}` : k, x[k], y[k], out);
    return;
  }
  if (x === undefined) out.push({ path, propertyChangeType: "Create", after: y });
  else if (y === undefined) out.push({ path, propertyChangeType: "Delete", before: x });
  else if (Array.isArray(x) && Array.isArray(y))
    out.push({ path, propertyChangeType: "Array", before: x, after: y });
  else out.push({ path, propertyChangeType: "Modify", before: x, after: y });
}
