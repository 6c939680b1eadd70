// The data plane beside the ARM server, with nothing changed in the server itself: two read-only routes
// (the sources with their proxy ports, and the request log) and the estate kept current. A write through the
// server reaches the data plane before the server answers (a Fastify onSend hook on non-GET requests, after
// the write is durable), so a client that changes a firewall sees the change on its next request; writes by
// other processes sharing the store are picked up by polling the store's version.
import type { FastifyInstance } from "fastify";
import type { ArmState } from "../arm/armState.js";
import type { Dataplane } from "./dataplane.js";

export const SOURCES_PATH = "/vnetlab/dataplane/sources";
export const LOGS_PATH = "/vnetlab/dataplane/logs";

function intOf(v: unknown): number | undefined {
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

/** Registers the data plane's routes and keeps it in step with the server's estate; returns a stop function. */
export function attachDataplane(
  app: FastifyInstance,
  state: ArmState,
  dataplane: Dataplane,
  opts: { pollMs?: number } = {},
): () => void {
  app.get(SOURCES_PATH, async () => ({
    value: dataplane.sources(),
    ca: dataplane.ca.certPath,
    azurite: dataplane.knownAzuritePorts(),
  }));
  app.get(LOGS_PATH, async (req) => {
    const q = req.query as Record<string, unknown>;
    return {
      value: dataplane.log.query({
        source: typeof q.source === "string" ? q.source : undefined,
        after: intOf(q.after),
        limit: intOf(q.limit),
      }),
    };
  });

  let seen: number | undefined;
  const refresh = async (): Promise<void> => {
    const snap = await state.snapshot();
    if (snap.version === seen) return;
    seen = snap.version;
    await dataplane.update(snap.estate());
  };
  app.addHook("onSend", async (req, _reply, payload) => {
    if (req.method !== "GET" && req.method !== "HEAD") await refresh().catch(() => undefined);
    return payload;
  });
  const timer = setInterval(() => void refresh().catch(() => undefined), opts.pollMs ?? 1000);
  timer.unref();
  void refresh().catch(() => undefined);
  return () => clearInterval(timer);
}
