// The ARM-compatible HTTP(S) front door: ARM's URL scheme, api-version checks, ARM's error shape and headers,
// dispatching to the generic resource pipeline and to provider actions.
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { ArmResource } from "../model/arm.js";
import { VnetlabError } from "../model/errors.js";
import type { ResourceStore } from "../store/types.js";
import { checkApiVersion } from "./apiVersions.js";
import { parseArmPath } from "./armPath.js";
import { ArmState } from "./armState.js";
import { type ArmRequest, handle } from "./dispatch.js";
import {
  type ArmAuth,
  attachAuth,
  authenticateRequest,
  authorizationRequest,
  missingAuthorization,
  parseAuthorizationPath,
} from "./auth/index.js";
import { metadataEndpoints } from "./metadata.js";
import { Operations } from "./operations.js";
import { defaultRegistry } from "./providers/index.js";
import type { TypeRegistry } from "./registry.js";
import { ResourcePipeline } from "./resources.js";

export interface ArmServerOptions {
  store: ResourceStore;
  https?: { key: string; cert: string };
  /** Items per page of a list before ARM's nextLink. */
  pageSize?: number;
  registry?: TypeRegistry;
  /** Largest accepted request body, bytes (ARM refuses bodies over 4 MB). */
  bodyLimit?: number;
  logger?: boolean;
  /** `serve --auth`: tokens, RBAC and Microsoft.Authorization (src/arm/auth). Absent, every bearer token will do. */
  auth?: ArmAuth;
}

export interface ArmContext {
  state: ArmState;
  pipeline: ResourcePipeline;
  operations: Operations;
  pageSize: number;
  /** Called before a PUT or PATCH reaches the pipeline (`serve --auth`: linked authorization, auth/auth.ts). */
  beforeWrite?: (req: ArmRequest, id: string, type: string) => Promise<void>;
}

export interface ArmReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function sendError(reply: FastifyReply, e: VnetlabError): void {
  void reply.code(e.status).header("x-ms-failure-cause", "gateway").send(e.toArm());
}

function sendReply(reply: FastifyReply, out: ArmReply): FastifyReply {
  for (const [k, v] of Object.entries(out.headers ?? {})) void reply.header(k, v);
  void reply.code(out.status);
  return out.body === undefined ? reply.send() : reply.send(out.body);
}

export function createArmServer(opts: ArmServerOptions): { app: FastifyInstance; ctx: ArmContext } {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 4 * 1024 * 1024,
    ...(opts.https ? { https: { key: opts.https.key, cert: opts.https.cert } } : {}),
  }) as unknown as FastifyInstance;
  const state = new ArmState(opts.store);
  const registry = opts.registry ?? defaultRegistry();
  const ctx: ArmContext = {
    state,
    pipeline: new ResourcePipeline(state, registry),
    operations: new Operations(),
    pageSize: opts.pageSize ?? 100,
  };
  if (opts.auth) attachAuth(app, ctx, opts.auth);

  // ARM answers malformed JSON with InvalidRequestContent; an empty body is an empty object.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(
        new VnetlabError(
          "InvalidRequestContent",
          `The request content was invalid and could not be deserialized: '${(e as Error).message}'.`,
        ),
        undefined,
      );
    }
  });

  app.addHook("onRequest", async (req, reply) => {
    const requestId = randomUUID();
    void reply.header("x-ms-request-id", requestId);
    void reply.header(
      "x-ms-correlation-request-id",
      (req.headers["x-ms-correlation-request-id"] as string | undefined) ?? requestId,
    );
    if (req.headers["x-ms-client-request-id"])
      void reply.header("x-ms-client-request-id", req.headers["x-ms-client-request-id"] as string);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof VnetlabError) return sendError(reply, err);
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return sendError(
        reply,
        new VnetlabError(
          "RequestEntityTooLarge",
          "The request content size exceeds the maximum allowed size of 4 MB.",
        ),
      );
    }
    if (err.statusCode && err.statusCode < 500) {
      return sendError(reply, new VnetlabError("InvalidRequestContent", err.message));
    }
    reply.log.error(err);
    void reply.code(500).send({
      error: {
        code: "InternalServerError",
        message: "vnetlab hit an internal error; the request changed nothing.",
      },
    });
  });

  app.get("/metadata/endpoints", async (req) =>
    metadataEndpoints(baseUrlOf(req), req.query as Record<string, string>, opts.auth !== undefined),
  );

  app.all("/*", async (req, reply) => {
    // ARM without a bearer token: 401, as Azure does. Any token is accepted by default.
    if (!/^Bearer\s+\S+/i.test(req.headers.authorization ?? "")) {
      void reply.header(
        "WWW-Authenticate",
        'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
      );
      throw missingAuthorization();
    }
    // `serve --auth`: ARM's token checks (401) first; Microsoft.Authorization is served beside the pipeline.
    const caller = opts.auth ? await authenticateRequest(opts.auth, ctx, req, reply) : undefined;
    // ARM tolerates repeated slashes (the SDK's create-by-id sends //subscriptions/...).
    const url = new URL(req.url.replace(/^\/+/, "/"), "http://x");
    const authz = caller && parseAuthorizationPath(url.pathname);
    if (authz) {
      const query = Object.fromEntries(url.searchParams);
      const request = { method: req.method, path: authz, query, body: req.body };
      return sendReply(reply, await authorizationRequest(opts.auth!, caller, ctx.state, request));
    }
    const path = parseArmPath(url.pathname);
    if (!path)
      throw new VnetlabError(
        "InvalidResourceType",
        `The request path '${url.pathname}' is not an Azure Resource Manager path.`,
      );
    const query = Object.fromEntries(url.searchParams);
    const namespace =
      "namespace" in path
        ? path.namespace
        : "type" in path
          ? path.type.split("/")[0]!
          : "Microsoft.Resources";
    const apiVersion = checkApiVersion(
      namespace,
      "type" in path ? path.type : namespace,
      query["api-version"],
    );
    if (caller) opts.auth!.authorize(caller, req.method, path); // the request's own action (403)
    const out = await handle(ctx, {
      method: req.method,
      path,
      apiVersion,
      query,
      body: req.body as ArmResource | undefined,
      headers: req.headers as Record<string, string | undefined>,
      baseUrl: baseUrlOf(req),
      pathname: url.pathname,
      ...(caller ? { caller } : {}),
    });
    return sendReply(reply, out);
  });

  return { app, ctx };
}

function baseUrlOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? "localhost"}`;
}
