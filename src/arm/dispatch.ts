// Maps an ARM request onto the pipeline, provider actions and location operations, and shapes the reply
// (status codes, ETag, Azure-AsyncOperation / Location headers, nextLink paging) the way ARM does.
import type { ArmResource } from "../model/arm.js";
import { VnetlabError } from "../model/errors.js";
import { idKey, parentId } from "../model/resourceId.js";
import type { ArmPath } from "./armPath.js";
import type { Caller } from "./auth/caller.js";
import { DEPLOYMENTS, deploymentRequest } from "./deployments.js";
import type { ResourceTypeDef } from "./resourceType.js";
import type { ArmContext, ArmReply } from "./server.js";

export interface ArmRequest {
  method: string;
  path: ArmPath;
  apiVersion: string;
  query: Record<string, string>;
  body: ArmResource | undefined;
  headers: Record<string, string | undefined>;
  baseUrl: string;
  /** The request's path, for nextLink. */
  pathname: string;
  /** Who sent it, under `serve --auth` (server.ts has authenticated and authorized the request itself). */
  caller?: Caller;
}

const RG_TYPE = "Microsoft.Resources/resourceGroups";

/** A template deployment's id (deployments.ts answers for those). */
const isDeployment = (id: string): boolean =>
  id.toLowerCase().split("/").slice(-3, -1).join("/") === DEPLOYMENTS.toLowerCase();

const sameName = (a: ArmResource, id: string): boolean =>
  a.name.toLowerCase() === id.split("/").pop()!.toLowerCase();

/** The implicit child (resourceType.ts `implicit`) a GET addresses, if the type has them and it is one. */
async function implicitChild(
  ctx: ArmContext,
  def: ResourceTypeDef,
  id: string,
  apiVersion: string,
): Promise<ArmResource | undefined> {
  const pid = parentId(id);
  if (!def.implicit || !pid) return undefined;
  const snap = await ctx.state.snapshot();
  return def.implicit(pid, snap.estate(), apiVersion).find((c) => sameName(c, id));
}

/** A list of a parent's children: the stored ones, and the implicit ones nobody wrote yet. */
async function listChildren(
  ctx: ArmContext,
  req: ArmRequest,
  p: Extract<ArmPath, { kind: "collection" }>,
): Promise<ArmResource[]> {
  const items = await ctx.pipeline.list(p.type, p.scope, p.parentId);
  const def = ctx.pipeline.def(p.type);
  if (!def.implicit || !p.parentId) return items;
  const snap = await ctx.state.snapshot();
  const implicit = def
    .implicit(p.parentId, snap.estate(), req.apiVersion)
    .filter((c) => !items.some((s) => idKey(s.id) === idKey(c.id)));
  return [...items, ...implicit];
}

function page(ctx: ArmContext, req: ArmRequest, items: unknown[]): ArmReply {
  const pathname = req.pathname;
  const skip = Number(req.query.$skiptoken ?? 0) || 0;
  const top = Math.min(Number(req.query.$top ?? ctx.pageSize) || ctx.pageSize, ctx.pageSize);
  const value = items.slice(skip, skip + top);
  const more = skip + top < items.length;
  const nextLink = more
    ? `${req.baseUrl}${pathname}?api-version=${encodeURIComponent(req.apiVersion)}&$skiptoken=${skip + top}`
    : undefined;
  return { status: 200, body: nextLink ? { value, nextLink } : { value } };
}

function conditions(req: ArmRequest): { ifMatch?: string; ifNoneMatch?: string } {
  return { ifMatch: req.headers["if-match"], ifNoneMatch: req.headers["if-none-match"] };
}

function bodyOf(req: ArmRequest): ArmResource {
  const b = req.body;
  if (b === undefined || b === null || typeof b !== "object" || Array.isArray(b)) {
    throw new VnetlabError(
      "InvalidRequestContent",
      "The request content was invalid and could not be deserialized: the body must be a JSON object.",
    );
  }
  return b;
}

/** Under `serve --auth`, the items of a list the caller may read, as ARM filters resource group and resource lists. */
function readable<T extends { id: string; type: string }>(req: ArmRequest, items: T[]): T[] {
  const caller = req.caller;
  if (!caller) return items;
  const readAction = (type: string): string =>
    type === RG_TYPE ? "Microsoft.Resources/subscriptions/resourceGroups/read" : `${type}/read`;
  return items.filter((r) => caller.permissions.allows(caller.objectId, readAction(r.type), r.id));
}

export async function handle(ctx: ArmContext, req: ArmRequest): Promise<ArmReply> {
  const p = req.path;
  const { pipeline } = ctx;
  switch (p.kind) {
    case "subscriptions": {
      const snap = await ctx.state.snapshot();
      const estate = snap.estate();
      const caller = req.caller;
      // Subscriptions - List: the subscriptions of the token's tenant that the caller has access to
      // [learn/rest/api/resources/subscriptions/list "Gets all subscriptions for a tenant"].
      const subs = [...new Set(snap.stored.map((s) => s.id.split("/")[2]!.toLowerCase()))]
        .map((s) => ({ id: s, tenantId: estate.tenantOf(`/subscriptions/${s}`) }))
        .filter(
          (s) =>
            !caller ||
            (s.tenantId.toLowerCase() === caller.tenantId.toLowerCase() &&
              caller.permissions.reaches(caller.objectId, `/subscriptions/${s.id}`)),
        );
      return page(
        ctx,
        req,
        subs.map((s) => subscriptionBody(s.id, s.tenantId)),
      );
    }
    case "subscription": {
      const tenantId = (await ctx.state.snapshot()).estate().tenantOf(`/subscriptions/${p.subscriptionId}`);
      return { status: 200, body: subscriptionBody(p.subscriptionId, tenantId) };
    }
    case "resourceGroups":
      return page(
        ctx,
        req,
        readable(req, await pipeline.list(RG_TYPE, `/subscriptions/${p.subscriptionId}`)),
      );
    case "resourceGroup":
      return resourceVerb(ctx, req, p.id, RG_TYPE, "Microsoft.Resources", "global");
    case "resources": {
      const snap = await ctx.state.snapshot();
      const scope =
        `/subscriptions/${p.subscriptionId}${p.resourceGroup ? `/resourceGroups/${p.resourceGroup}` : ""}/`.toLowerCase();
      const items = snap.stored
        .filter((s) => idKey(s.id).startsWith(scope) && s.resource.type !== RG_TYPE)
        .map((s) => s.resource);
      return page(ctx, req, readable(req, items));
    }
    case "location":
      return locationOperation(ctx, req, p);
    case "collection": {
      if (req.method === "POST" && p.parentId && isDeployment(p.parentId))
        return deploymentRequest(ctx, req, p.parentId, p.type.split("/").pop());
      if (req.method === "POST" && p.parentId) return action(ctx, req, p.parentId, p.type);
      if (req.method !== "GET")
        throw new VnetlabError(
          "HttpMethodNotAllowed",
          `The requested method '${req.method}' is not allowed on a collection.`,
        );
      return page(ctx, req, await listChildren(ctx, req, p));
    }
    case "resource":
      if (isDeployment(p.id)) return deploymentRequest(ctx, req, p.id);
      return resourceVerb(ctx, req, p.id, p.type, p.type.split("/")[0]!, undefined);
    case "providerOperations":
      return { status: 200, body: { value: [] } };
  }
}

/** A subscription, in the tenant declared for it (Microsoft.Resources/subscriptions), else the default. */
function subscriptionBody(subscriptionId: string, tenantId: string): object {
  return {
    id: `/subscriptions/${subscriptionId}`,
    subscriptionId,
    displayName: `vnetlab ${subscriptionId}`,
    state: "Enabled",
    tenantId,
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "PayAsYouGo_2014-09-01",
      spendingLimit: "Off",
    },
    authorizationSource: "RoleBased",
  };
}

async function resourceVerb(
  ctx: ArmContext,
  req: ArmRequest,
  id: string,
  type: string,
  namespace: string,
  fixedLocation: string | undefined,
): Promise<ArmReply> {
  const { pipeline } = ctx;
  const def = pipeline.def(type);
  const asyncHeaders = (location: string | undefined): Record<string, string> => {
    if (!def.asyncWrites) return {};
    const op = ctx.operations.start({ status: "Succeeded" });
    const site = {
      baseUrl: req.baseUrl,
      subscriptionId: id.split("/")[2]!,
      namespace,
      location: fixedLocation ?? location ?? "global",
      apiVersion: req.apiVersion,
    };
    return ctx.operations.headers(site, op, ["status"]);
  };
  // Checks of the caller that need the body (serve --auth: the subnets the write links to), before any work.
  if (req.method === "PUT" || req.method === "PATCH") await ctx.beforeWrite?.(req, id, type);
  switch (req.method) {
    case "GET":
    case "HEAD": {
      const r = await pipeline.get(id, type).catch(async (e: unknown) => {
        const implicit =
          e instanceof VnetlabError && e.code === "ResourceNotFound"
            ? await implicitChild(ctx, def, id, req.apiVersion)
            : undefined;
        if (!implicit) throw e;
        return implicit;
      });
      return {
        status: req.method === "HEAD" ? 204 : 200,
        body: req.method === "HEAD" ? undefined : r,
        headers: r.etag ? { ETag: r.etag } : {},
      };
    }
    case "PUT": {
      const out = await pipeline.put(id, type, bodyOf(req), conditions(req), req.apiVersion);
      const body = pipeline.present(out.resource, def, out.after);
      // An implicit child existed before its first PUT: ARM answers an update.
      const existed = def
        .implicit?.(parentId(id)!, out.after.estate(), req.apiVersion)
        .some((c) => sameName(c, id));
      return {
        status: out.created && !existed ? 201 : 200,
        body,
        headers: { ...(body.etag ? { ETag: body.etag } : {}), ...asyncHeaders(body.location) },
      };
    }
    case "PATCH": {
      const out = await pipeline.patch(id, type, bodyOf(req), conditions(req), req.apiVersion);
      const body = pipeline.present(out.resource, def, out.after);
      return { status: 200, body, headers: body.etag ? { ETag: body.etag } : {} };
    }
    case "DELETE": {
      const out = await pipeline.delete(id, type, conditions(req), req.apiVersion);
      if (!out) return { status: 204 };
      if (def.asyncWrites) {
        const headers = asyncHeaders(out.resource.location);
        return { status: 202, headers: { ...headers, Location: headers["Azure-AsyncOperation"]! } };
      }
      return { status: 200 };
    }
    default:
      throw new VnetlabError("HttpMethodNotAllowed", `The requested method '${req.method}' is not allowed.`);
  }
}

async function action(
  ctx: ArmContext,
  req: ArmRequest,
  resourceId: string,
  actionType: string,
): Promise<ArmReply> {
  const parts = actionType.split("/");
  const name = parts.pop()!;
  const type = parts.join("/");
  const def = ctx.pipeline.def(type);
  const handler = def.actions?.[name.toLowerCase()];
  if (!handler)
    throw new VnetlabError(
      "InvalidResourceType",
      `The resource type '${actionType}' does not support the action '${name}'.`,
    );
  const resource = await ctx.pipeline.get(resourceId, type);
  const snap = await ctx.state.snapshot();
  const sub = resourceId.split("/")[2]!;
  const out = handler(resource, req.body, {
    estate: snap.estate(),
    apiVersion: req.apiVersion,
    subscriptionId: sub,
    baseUrl: req.baseUrl,
  });
  if (out.status === 200) {
    if (out.write) await ctx.pipeline.replace(out.write, resource.etag);
    return { status: 200, body: out.body };
  }
  const op = ctx.operations.start({ status: "Succeeded", result: out.body });
  const site = {
    baseUrl: req.baseUrl,
    subscriptionId: sub,
    namespace: type.split("/")[0]!,
    location: resource.location ?? "global",
    apiVersion: req.apiVersion,
  };
  return { status: 202, headers: ctx.operations.headers(site, op, ["result", "status"]) };
}

async function locationOperation(
  ctx: ArmContext,
  req: ArmRequest,
  p: Extract<ArmPath, { kind: "location" }>,
): Promise<ArmReply> {
  const op = p.operation.toLowerCase();
  if (op === "operations" && p.rest[0]) {
    const o = ctx.operations.get(p.rest[0]);
    return { status: 200, body: o.error ? { status: o.status, error: o.error } : { status: o.status } };
  }
  if (op === "operationresults" && p.rest[0]) {
    const o = ctx.operations.get(p.rest[0]);
    return o.result === undefined ? { status: 204 } : { status: 200, body: o.result };
  }
  const handler = ctx.pipeline.types.locationOperation(p.namespace, p.operation);
  if (!handler)
    throw new VnetlabError(
      "InvalidResourceType",
      `The resource type 'locations/${p.operation}' could not be found in the namespace '${p.namespace}'.`,
    );
  const snap = await ctx.state.snapshot();
  const out = handler({
    method: req.method,
    subscriptionId: p.subscriptionId,
    location: p.location,
    rest: p.rest,
    apiVersion: req.apiVersion,
    baseUrl: req.baseUrl,
    body: req.body,
    estate: snap.estate(),
  });
  if (
    out.status === 200 &&
    out.body &&
    typeof out.body === "object" &&
    Array.isArray((out.body as { value?: unknown }).value)
  ) {
    return page(ctx, req, (out.body as { value: unknown[] }).value);
  }
  return out;
}
