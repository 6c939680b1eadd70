// `serve --auth` as the server sees it: what server.ts calls, in the order ARM applies it — the identity
// endpoints, authentication with its WWW-Authenticate challenge, Microsoft.Authorization, the request's RBAC
// check, and the dispatch hook of writes (linked authorization).
import { join } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { VnetlabError } from "../../model/errors.js";
import { openPostgresStore, openStore } from "../../store/index.js";
import { parseArmPath } from "../armPath.js";
import { isPostgresUrl } from "../../store/postgresStore.js";
import type { ArmContext } from "../server.js";
import { ArmAuth } from "./auth.js";
import type { Caller } from "./caller.js";
import { identityRoutes } from "./identityRoutes.js";
import { readPrincipalsFile } from "./principals.js";

export { ArmAuth, type AuthOptions } from "./auth.js";
export { authorizationRequest, parseAuthorizationPath } from "./authorizationApi.js";
export type { Caller } from "./caller.js";
export { readPrincipalsFile } from "./principals.js";
export { missingAuthorization } from "./tokens.js";

/**
 * `serve --auth [--principals FILE]`: the signing key in the data directory and the role assignments in their own
 * SQLite store beside the estate's (`{dataDir}/auth/`), or both in memory. With `--store postgres://...` both live
 * in the database (schema `vnetlab_auth`), so that every server on it issues and accepts the same tokens and
 * applies the same role assignments.
 */
export async function openArmAuth(opts: {
  inMemory?: boolean;
  dataDir: string;
  principals?: string;
  store?: string;
}): Promise<ArmAuth> {
  const principals = opts.principals ? readPrincipalsFile(opts.principals) : undefined;
  if (opts.store && isPostgresUrl(opts.store)) {
    const store = await openPostgresStore(opts.store, { schema: "vnetlab_auth" });
    return ArmAuth.create({ principals, store, sharedKey: true });
  }
  const store = await openStore(opts.inMemory ? { inMemory: true } : { dataDir: join(opts.dataDir, "auth") });
  return ArmAuth.create({ principals, store, ...(opts.inMemory ? {} : { keyDir: opts.dataDir }) });
}

/** Registers the identity endpoints and the linked-authorization hook of writes. */
export function attachAuth(app: FastifyInstance, ctx: ArmContext, auth: ArmAuth): void {
  void app.register(async (scope) => identityRoutes(scope, auth, ctx.state));
  ctx.beforeWrite = async (req, id, type) => {
    // A deployment writes resources its own request does not name: each is authorized as its own PUT would be.
    const path = req.caller ? parseArmPath(id) : undefined;
    if (req.caller && path) auth.authorize(req.caller, "PUT", path);
    await auth.checkLinked(ctx, req, id, type);
  };
}

/**
 * ARM's authentication of one request; a refusal carries ARM's challenge [INF: the header's form follows the
 * one ARM sends for a missing token, pointing at this server's own authority].
 */
export async function authenticateRequest(
  auth: ArmAuth,
  ctx: ArmContext,
  req: FastifyRequest,
  reply: FastifyReply,
  /** The headers to authenticate, when the token came some other way (the web UI's event stream). */
  headers: FastifyRequest["headers"] = req.headers,
): Promise<Caller> {
  const baseUrl = `${req.protocol}://${req.headers.host ?? "localhost"}`;
  const pathname = new URL(req.url.replace(/^\/+/, "/"), "http://x").pathname;
  try {
    return await auth.authenticate(headers, pathname, baseUrl, ctx.state);
  } catch (e) {
    if (e instanceof VnetlabError && e.status === 401) {
      const sub = /^\/subscriptions\/([^/]+)/i.exec(pathname)?.[1];
      const tenant = sub ? (await ctx.state.snapshot()).estate().tenantOf(`/subscriptions/${sub}`) : "common";
      const description = e.message.replace(/"/g, "'");
      void reply.header(
        "WWW-Authenticate",
        `Bearer authorization_uri="${baseUrl}/${tenant}", error="invalid_token", error_description="${description}"`,
      );
    }
    throw e;
  }
}
