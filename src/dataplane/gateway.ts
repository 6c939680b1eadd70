// The enforcing gateway behind every egress proxy: it opens connections (drop, refuse or open, see
// pipeline.ts), serves each request on an open connection (the service's denial, or the request forwarded to
// Azurite or to a configured upstream), writes the request log, and applies estate changes to open connections.
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { connect as tcpConnect, type Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Estate } from "../model/estate.js";
import { paasServiceByType } from "../model/serviceCatalog.js";
import type { AzuriteService, RequestListener } from "./azurite.js";
import type { ConnectionChange, ConnectionTracker, TrackedConnection } from "./connections.js";
import {
  type Forwarded,
  type ForwardResult,
  type ForwardTarget,
  forward,
  handOver,
  splice,
  type UpstreamPools,
} from "./forward.js";
import { checkRequest, type FlowDecision, type OpenFlow, openFlow } from "./pipeline.js";
import type { LogVerdict, RequestLog, RequestLogEntry } from "./requestLog.js";
import { type DropMode, dropConnection, sendRefusal, sendServiceResponse } from "./responses.js";
import type { Source } from "./sources.js";

export interface GatewayOptions {
  drop: DropMode;
  /** How long a dropped connection is held in `timeout` mode before it is let go. */
  dropHoldMs: number;
  /** Upstreams for services without a local emulator, by sub-resource (`file`, `dfs`) or kind (`keyVault`). */
  upstreams: ReadonlyMap<string, URL>;
}

export interface GatewayDeps {
  log: RequestLog;
  tracker: ConnectionTracker;
  pools: UpstreamPools;
  /** The request listener of an Azurite service, once Azurite has the latest accounts. */
  azurite(service: AzuriteService): Promise<RequestListener>;
  options: GatewayOptions;
}

type Route =
  | { kind: "azurite"; service: AzuriteService }
  | { kind: "upstream"; url: URL }
  | { kind: "none"; message: string };

const AZURITE_SERVICES: ReadonlySet<string> = new Set(["blob", "queue", "table"]);

/** Request headers as one string each, for firewalls that read them (App Service [S19]). */
function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

export class Gateway {
  constructor(
    private estate: Estate,
    private readonly deps: GatewayDeps,
  ) {}

  current(): Estate {
    return this.estate;
  }

  get options(): GatewayOptions {
    return this.deps.options;
  }

  /** Opens a connection from `source` to `host:port`; what does not open is logged here. */
  open(source: Source, host: string, port: number): FlowDecision {
    const d = openFlow(this.estate, source, host, port);
    const destination = `${host}:${port}`;
    if (d.kind === "drop") {
      const by = d.trace.decidedBy;
      this.write(source, destination, "drop", {
        sourceIp: d.trace.sourceIpSeenByService ?? source.ip,
        stage: by.stage,
        rule: by.rule,
        reason: by.reason,
      });
    } else if (d.kind !== "open") {
      this.write(source, destination, "refused", {
        sourceIp: source.ip,
        stage: d.trace?.decidedBy.stage,
        reason: d.message,
      });
    }
    return d;
  }

  /** Where an allowed request of this flow goes. */
  routeOf(flow: OpenFlow): Route {
    const sub = flow.subresource?.replace(/_secondary$/i, "").toLowerCase();
    const url =
      (sub && this.deps.options.upstreams.get(sub)) ||
      this.deps.options.upstreams.get(flow.kind.toLowerCase());
    if (url) return { kind: "upstream", url };
    if (flow.kind === "storage" && sub && AZURITE_SERVICES.has(sub))
      return { kind: "azurite", service: sub as AzuriteService };
    const name = paasServiceByType(flow.trace.destination.resourceType ?? "")?.displayName ?? flow.kind;
    const key = flow.kind === "storage" && sub ? sub : flow.kind;
    return {
      kind: "none",
      message: `no emulator for ${name}${sub && flow.kind === "storage" ? ` (${sub})` : ""} at ${flow.host}: the network and the service firewall allow the request, but vnetlab serves only Azurite's blob, queue and table; name an upstream with --dataplane-upstream ${key}=URL`,
    };
  }

  /** One HTTP request on an open connection: the firewall of the estate as it is now, then deny or forward. */
  async serve(conn: TrackedConnection, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const { flow, source } = conn;
    const requestId = randomUUID();
    const headers = flow.kind === "appService" ? flatHeaders(req.headers) : undefined;
    const secure = (req.socket as TLSSocket).encrypted === true;
    const result = checkRequest(this.estate, flow, { secure, headers, requestId, time: new Date() });
    const at = { method: req.method, path: req.url, sourceIp: flow.sourceIp, requestId };
    const destination = `${flow.host}:${flow.port}`;
    if (!result) {
      // The resource is gone, and its name with it: the connection cannot carry on [INF].
      this.write(source, destination, "reset", { ...at, reason: `${flow.resourceName} no longer exists` });
      dropConnection(conn.socket, "reset", 0);
      return;
    }
    const decided = { stage: "firewall", rule: result.rule, reason: result.reason };
    if (result.decision === "Deny") {
      sendServiceResponse(req, res, result.response);
      const ms = performance.now() - started;
      this.write(source, destination, "deny", { ...at, ...decided, status: result.response.status, ms });
      return;
    }
    const route = this.routeOf(flow);
    if (route.kind === "none") {
      sendRefusal(res, 502, "no-emulator", route.message);
      this.write(source, destination, "refused", { ...at, ...decided, status: 502, reason: route.message });
      return;
    }
    const forwarded: Forwarded = { for: flow.sourceIp, proto: secure ? "https" : "http" };
    let out: ForwardResult;
    let servedBy: string;
    if (route.kind === "azurite") {
      const secondary = /_secondary$/i.test(flow.subresource ?? "");
      // Azurite's production-style URL: the account is the Host's first label and the path stays as the client
      // signed it (SharedKey signs `/account/path`; Azurite's path-style URL would need `/account/account/path`).
      const account = `${flow.resourceName.toLowerCase()}${secondary ? "-secondary" : ""}`;
      servedBy = `azurite:${route.service}`;
      out = await handOver(await this.deps.azurite(route.service), req, res, {
        host: `${account}.${route.service}.localhost`,
        ...forwarded,
      });
    } else {
      const u = route.url;
      const port = Number(u.port) || (u.protocol === "https:" ? 443 : 80);
      const target: ForwardTarget = {
        protocol: u.protocol === "https:" ? "https:" : "http:",
        hostname: u.hostname.replace(/^\[|\]$/g, ""),
        port,
        hostHeader: u.host,
        pathPrefix: u.pathname.replace(/\/+$/, ""),
      };
      servedBy = u.origin;
      out = await forward(req, res, target, { ...forwarded, host: flow.host }, this.deps.pools);
    }
    const ms = performance.now() - started;
    if (out.error && out.status === undefined) {
      sendRefusal(res, 502, "upstream-failed", `${servedBy} did not answer: ${out.error.message}`);
      this.write(source, destination, "error", {
        ...at,
        ...decided,
        status: 502,
        servedBy,
        reason: out.error.message,
        ms,
      });
      return;
    }
    this.write(source, destination, out.error ? "error" : "allow", {
      ...at,
      ...decided,
      status: out.status,
      servedBy,
      ms,
    });
  }

  /**
   * A connection to a service that speaks its own protocol (SQL, PostgreSQL, MySQL): the firewall decides at
   * once; vnetlab cannot speak TDS, so a refused login shows as a closed connection and the service's error
   * (40914, 40615, ...) goes to the request log. Allowed, it is tunnelled to the configured upstream.
   */
  raw(conn: TrackedConnection, client: Socket): void {
    const { flow, source } = conn;
    const destination = `${flow.host}:${flow.port}`;
    // SQL-like protocols carry their own TLS inside the tunnel: secure transfer is storage's alone.
    const result = checkRequest(this.estate, flow, {
      secure: true,
      requestId: randomUUID(),
      time: new Date(),
    });
    const route = this.routeOf(flow);
    if (!result || result.decision === "Deny") {
      const reason =
        result?.decision === "Deny" ? `${result.response.code}: ${result.response.message}` : "resource gone";
      this.write(source, destination, "deny", {
        sourceIp: flow.sourceIp,
        stage: "firewall",
        rule: result?.rule,
        reason,
      });
      client.destroy();
      return;
    }
    if (route.kind !== "upstream") {
      const message = route.kind === "none" ? route.message : "no emulator";
      this.write(source, destination, "refused", { sourceIp: flow.sourceIp, reason: message });
      client.destroy();
      return;
    }
    const port = Number(route.url.port);
    const upstream = tcpConnect({ host: route.url.hostname.replace(/^\[|\]$/g, ""), port });
    splice(client, upstream);
    this.write(source, destination, "allow", {
      sourceIp: flow.sourceIp,
      stage: "firewall",
      rule: result.rule,
      reason: result.reason,
      servedBy: route.url.href,
    });
  }

  /** Adopts a new estate and ends the open connections it breaks (see connections.ts). */
  update(next: Estate): ConnectionChange[] {
    const before = this.estate;
    this.estate = next;
    if (before === next) return [];
    const changes = this.deps.tracker.changes(before, next, (c) =>
      openFlow(next, c.source, c.flow.host, c.flow.port),
    );
    for (const ch of changes) {
      const { connection: c } = ch;
      this.write(c.source, `${c.flow.host}:${c.flow.port}`, ch.action === "reset" ? "reset" : "drop", {
        sourceIp: c.flow.sourceIp,
        reason: ch.why,
      });
      if (ch.action === "reset") dropConnection(c.socket, "reset", 0);
      else dropConnection(c.socket, this.deps.options.drop, this.deps.options.dropHoldMs);
    }
    return changes;
  }

  private write(
    source: Source,
    destination: string,
    verdict: LogVerdict,
    rest: Partial<Omit<RequestLogEntry, "seq" | "source" | "sourceId" | "destination" | "verdict">>,
  ): void {
    const ms = rest.ms === undefined ? undefined : Math.round(rest.ms * 100) / 100;
    this.deps.log.append({ source: source.name, sourceId: source.id, destination, verdict, ...rest, ms });
  }
}
