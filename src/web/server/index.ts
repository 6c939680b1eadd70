// The web UI, mounted on the ARM server by `vnetlab serve`: the page at `/`, its script and stylesheet under
// `/ui/`, and the UI's JSON API under `/vnetlab/`. Fastify matches these static paths before the ARM
// catch-all (`/*` in arm/server.ts), so the ARM routes are untouched and the server needs no hook of its own.
// Without --auth the UI's API takes no bearer token, as the ARM API takes any: it is the same local estate the
// CLI reads. With it, the page signs in against the server's own token endpoint and uiAuth.ts guards the API.
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ArmAuth } from "../../arm/auth/index.js";
import type { ArmContext } from "../../arm/server.js";
import { DEFAULT_VIEW } from "../diagram/types.js";
import { ElkThread } from "../elk.js";
import { type Asset, appScript, staticAsset } from "./assets.js";
import { EstateViews } from "./estateViews.js";
import { VersionEvents } from "./events.js";
import { registerApi } from "./routes.js";
import { uiGuard } from "./uiAuth.js";

export interface WebUi {
  /** Settles when the app is bundled and the current estate laid out: the first page then renders at once. */
  ready: Promise<void>;
}

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="1" width="14" height="14" rx="3" fill="#2f6db5"/><path d="M4 8h8M8 4v8" stroke="#fff" stroke-width="2"/></svg>';

function send(reply: FastifyReply, asset: Asset): FastifyReply {
  return reply.header("content-type", asset.type).header("cache-control", "no-cache").send(asset.body);
}

/** Registers the UI on `app`; call before `listen`. With `auth` (serve --auth) its API needs a token. */
export function mountWebUi(app: FastifyInstance, ctx: ArmContext, auth?: ArmAuth): WebUi {
  const elk = new ElkThread();
  const views = new EstateViews(ctx.state, elk);
  const events = new VersionEvents(() => views.version());

  app.get("/", async (_req, reply) => send(reply, await staticAsset("index.html")));
  app.get("/ui/app.js", async (_req, reply) => send(reply, await appScript()));
  app.get("/ui/app.css", async (_req, reply) => send(reply, await staticAsset("app.css")));
  app.get("/favicon.ico", async (_req, reply) => send(reply, { type: "image/svg+xml", body: FAVICON }));
  registerApi(app, views, events, auth && uiGuard(auth, ctx));

  app.addHook("preClose", async () => events.close());
  app.addHook("onClose", async () => elk.close());

  const warm = async (): Promise<void> => {
    await (await views.now()).layout(DEFAULT_VIEW);
  };
  const ready = Promise.all([appScript(), staticAsset("index.html"), staticAsset("app.css"), warm()]).then(
    () => undefined,
  );
  // Warming up is an optimisation: if it fails, the first request fails the same way and says why.
  ready.catch(() => undefined);
  return { ready };
}
