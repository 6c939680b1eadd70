// `serve --auth`: the UI's API asks what ARM asks — a bearer token this server issued (the same checks and
// 401s as ARM, src/arm/auth) — and, since every answer it gives is computed over the whole estate, read access
// to all of it (403 AuthorizationFailed otherwise). The page, its script and stylesheet stay public: they hold
// no estate data, and the page is what signs in.
import type { FastifyReply, FastifyRequest } from "fastify";
import { type ArmAuth, authenticateRequest, missingAuthorization } from "../../arm/auth/index.js";
import type { ArmContext } from "../../arm/server.js";
import { API } from "../api.js";

/** A route's `onRequest` hook: throws ARM's 401 or 403, answered in ARM's error shape. */
export type UiGuard = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function uiGuard(auth: ArmAuth, ctx: ArmContext): UiGuard {
  return async (req, reply) => {
    let headers = req.headers;
    // EventSource cannot send headers: the event stream alone takes the token in its URL (as SignalR does).
    const fromQuery = (req.query as Record<string, string | undefined> | undefined)?.access_token;
    if (req.routeOptions.url === API.events && headers.authorization === undefined && fromQuery)
      headers = { ...headers, authorization: `Bearer ${fromQuery}` };
    if (!/^Bearer\s+\S+/i.test(headers.authorization ?? "")) throw missingAuthorization();
    const caller = await authenticateRequest(auth, ctx, req, reply, headers);
    auth.authorizeEstateRead(caller, (await ctx.state.snapshot()).estate());
  };
}
