// The UI's JSON API (paths in ../api.ts): the laid-out topology, one source's matrix row, a trace, the
// findings, the exfiltration audit, a what-if against an uploaded estate, and the live-update stream. Errors
// are VnetlabErrors, answered in ARM's error shape by the server's own error handler.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { whatIf } from "../../analysis/whatIf.js";
import { type Flow, parseDestination, parseSource, trace } from "../../engine/index.js";
import { ingestTerraform, isTerraformJson } from "../../ingest/terraform/index.js";
import { estateResourcesOf } from "../../model/compileEstate.js";
import { VnetlabError } from "../../model/errors.js";
import {
  API,
  type AuditResponse,
  type FindingsResponse,
  type ReachResponse,
  type TopologyResponse,
  type TraceResponse,
  type WhatIfResponse,
} from "../api.js";
import { buildDiagram } from "../diagram/build.js";
import { diffDiagrams } from "../diagram/diff.js";
import type { ViewOptions } from "../diagram/types.js";
import { parseGroupBy } from "../view.js";
import type { EstateViews, VersionView } from "./estateViews.js";
import type { VersionEvents } from "./events.js";
import type { UiGuard } from "./uiAuth.js";

/** A what-if upload may be a whole estate export: larger than ARM's 4 MB request limit. */
const UPLOAD_LIMIT = 64 * 1024 * 1024;

type Query = Record<string, string | undefined>;

function query(req: FastifyRequest): Query {
  return (req.query ?? {}) as Query;
}

function required(q: Query, name: string): string {
  const v = q[name]?.trim();
  if (!v) throw new VnetlabError("InvalidViewOption", `the query parameter '${name}' is required`);
  return v;
}

function viewOf(q: Query): ViewOptions {
  const collapsed = (q.collapsed ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  return { groupBy: parseGroupBy(q.groupBy), collapsed };
}

/** A flow from what the UI sends: a matrix source id and a PaaS resource id, or anything `trace` takes. */
function flowOf(v: VersionView, from: string, to: string): Flow {
  const source = v.matrixSources.find((s) => s.id.toLowerCase() === from.toLowerCase())?.flow;
  const target = v.matrixResources.find((r) => r.resource.id.toLowerCase() === to.toLowerCase());
  return {
    source: source ?? parseSource(v.estate, from),
    destination: target?.destination ?? parseDestination(v.estate, to),
    protocol: "Tcp",
  };
}

/** The resources of an uploaded estate: ARM JSON (array, `resources`, `value`) or `terraform show -json`. */
function uploadedResources(body: unknown): unknown[] {
  if (body === undefined || body === null)
    throw new VnetlabError("InvalidEstate", "send the second estate as the request body (ARM JSON)");
  return isTerraformJson(body)
    ? ingestTerraform(body, { file: "upload" }).resources
    : estateResourcesOf(body, "upload");
}

/** `guard` (serve --auth) runs before every route: the token and read access to the whole estate. */
export function registerApi(
  app: FastifyInstance,
  views: EstateViews,
  events: VersionEvents,
  guard?: UiGuard,
): void {
  const opts = guard ? { onRequest: guard } : {};
  app.get(API.topology, opts, async (req): Promise<TopologyResponse> => {
    const v = await views.now();
    const view = viewOf(query(req));
    const diagram = await v.layout(view);
    return { version: v.version, view, diagram, sources: v.sources, targets: v.targets };
  });

  app.get(API.reach, opts, async (req): Promise<ReachResponse> => {
    const v = await views.now();
    return { version: v.version, overlay: v.overlay(required(query(req), "source")) };
  });

  app.get(API.trace, opts, async (req): Promise<TraceResponse> => {
    const q = query(req);
    const [from, to] = [required(q, "from"), required(q, "to")];
    const v = await views.now();
    return { version: v.version, from, to, trace: trace(v.estate, flowOf(v, from, to)) };
  });

  app.get(API.findings, opts, async (): Promise<FindingsResponse> => {
    const v = await views.now();
    return { version: v.version, findings: v.findings };
  });

  app.get(API.audit, opts, async (): Promise<AuditResponse> => {
    const v = await views.now();
    return { version: v.version, report: v.audit };
  });

  app.post(API.whatIf, { ...opts, bodyLimit: UPLOAD_LIMIT }, async (req): Promise<WhatIfResponse> => {
    const v = await views.now();
    const after = views.compile(uploadedResources(req.body), "upload");
    return {
      version: v.version,
      report: whatIf(v.estate, after),
      diagram: diffDiagrams(v.diagram, buildDiagram(after)),
    };
  });

  app.get(API.events, opts, (req, reply) => events.attach(req, reply));

  // An ARM write may have changed the estate: tell the browsers now rather than at the next poll.
  app.addHook("onResponse", async (req) => {
    if (req.method !== "GET" && req.method !== "HEAD" && events.listeners > 0) void events.check();
  });
}
