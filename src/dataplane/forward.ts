// Forwarding an allowed request to the service behind it — Azurite, or an upstream the user named — and its
// response back, streamed both ways with backpressure (bodies are never buffered), over keep-alive pools.
import {
  Agent as HttpAgent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request as httpRequest,
} from "node:http";
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import type { RequestListener } from "./azurite.js";

/** Hop-by-hop headers (RFC 9110 §7.6.1), which a proxy does not pass on; `expect` was answered already. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
]);

export interface ForwardTarget {
  protocol: "http:" | "https:";
  hostname: string;
  port: number;
  /** The Host header the service gets (Azurite reads the account from it, see gateway.ts). */
  hostHeader: string;
  /** Prepended to the request's path (an upstream URL's path). */
  pathPrefix?: string;
}

/**
 * What the gateway tells the service of the client, never what the client says of itself: the address the
 * service would see, and the protocol the client really used (a SAS's `spr` is checked against it).
 */
export interface Forwarded {
  for?: string;
  proto: "http" | "https";
}

export interface ForwardResult {
  /** The service's status, once it answered. */
  status?: number;
  error?: Error;
}

function copyHeaders(headers: IncomingHttpHeaders, drop: ReadonlySet<string>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || drop.has(k)) continue;
    out[k] = v;
  }
  return out;
}

const NONE: ReadonlySet<string> = new Set();
const REWRITTEN: ReadonlySet<string> = new Set([
  "host",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
]);

/** Keep-alive pools, one per protocol: the gateway's connections to services. */
export class UpstreamPools {
  readonly http = new HttpAgent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: "lifo" });
  readonly https = new HttpsAgent({
    keepAlive: true,
    maxSockets: 256,
    maxFreeSockets: 64,
    scheduling: "lifo",
  });

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/**
 * Sends `req` to `target` with the address the service would see in X-Forwarded-For, and streams the answer
 * into `res`. Resolves when the exchange ends (either side may end it); never rejects.
 */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: ForwardTarget,
  forwarded: Forwarded & { host?: string },
  pools: UpstreamPools,
): Promise<ForwardResult> {
  return new Promise((resolve) => {
    const headers = copyHeaders(req.headers, REWRITTEN);
    headers.host = target.hostHeader;
    // The source address the service would see, for its logs (Azurite's access log prints it, see azurite.ts).
    if (forwarded.for) headers["x-forwarded-for"] = forwarded.for;
    // Not for Azurite: under "trust proxy" express would read the account from X-Forwarded-Host.
    if (forwarded.host) headers["x-forwarded-host"] = forwarded.host;
    headers["x-forwarded-proto"] = forwarded.proto;
    const secure = target.protocol === "https:";
    const up = (secure ? httpsRequest : httpRequest)({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: `${target.pathPrefix ?? ""}${req.url ?? "/"}`,
      headers,
      agent: secure ? pools.https : pools.http,
    });
    let settled = false;
    const done = (r: ForwardResult): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    let answer: IncomingMessage | undefined;
    up.on("response", (a) => {
      answer = a;
      res.writeHead(a.statusCode ?? 502, a.statusMessage, copyHeaders(a.headers, NONE));
      a.pipe(res);
      a.on("error", () => res.destroy());
      res.on("finish", () => done({ status: a.statusCode }));
    });
    up.on("error", (error) => {
      if (res.headersSent) res.destroy();
      done({ status: answer?.statusCode, error });
    });
    // A client that goes away mid-exchange takes the upstream request (and its response) with it.
    res.on("close", () => {
      if (res.writableFinished) return;
      up.destroy();
      answer?.destroy();
      done({ status: answer?.statusCode, error: new Error("the client closed the connection") });
    });
    req.pipe(up);
  });
}

/**
 * Hands `req` to a request listener in this process (Azurite's), as the server it belongs to would, with the
 * Host it reads the account from and the address the service would see in X-Forwarded-For. Resolves when the
 * exchange ends; never rejects (a listener that throws ends it with an error).
 */
export function handOver(
  listener: RequestListener,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Forwarded & { host: string },
): Promise<ForwardResult> {
  return new Promise((resolve) => {
    req.headers.host = headers.host;
    // The client's own X-Forwarded-* never reach the service, only what the gateway knows: the address the
    // service would see, and the protocol the client really used (Azurite checks a SAS's `spr` against it).
    if (headers.for) req.headers["x-forwarded-for"] = headers.for;
    else delete req.headers["x-forwarded-for"];
    req.headers["x-forwarded-proto"] = headers.proto;
    // Not for Azurite: under "trust proxy" express would read the account from X-Forwarded-Host.
    delete req.headers["x-forwarded-host"];
    // The proxy's own headers end here; the rest describe this very message (its framing) and stay.
    for (const h of ["proxy-connection", "proxy-authorization", "proxy-authenticate"]) delete req.headers[h];
    res.once("close", () =>
      resolve(
        res.writableFinished
          ? { status: res.statusCode }
          : {
              status: res.headersSent ? res.statusCode : undefined,
              error: new Error("the exchange ended early"),
            },
      ),
    );
    try {
      listener(req, res);
    } catch (e) {
      // Before an answer began, the gateway answers 502 itself; after, the exchange can only be cut.
      if (!res.headersSent) resolve({ error: e as Error });
      else res.destroy();
    }
  });
}

/** A raw byte tunnel between two sockets (services that speak their own protocol), ending as either side ends. */
export function splice(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const end = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on("error", end);
  b.on("error", end);
  a.on("close", end);
  b.on("close", end);
}
