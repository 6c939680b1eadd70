// An egress proxy per source: a loopback HTTP proxy port (plain proxying of absolute-form requests, and
// CONNECT) whose traffic the gateway treats as coming from that source. A CONNECT tunnel to an HTTP service
// is terminated here — TLS with a leaf of the local CA for the name the client asked for — and its requests
// go to the gateway one by one; SQL-like services' tunnels are handed over whole.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import type { LeafCertificates } from "./ca.js";
import type { ConnectionTracker, TrackedConnection } from "./connections.js";
import type { Gateway } from "./gateway.js";
import { RAW_PROTOCOL_KINDS } from "./pipeline.js";
import { dropConnection, sendRefusal, writeSocketRefusal } from "./responses.js";
import type { Source } from "./sources.js";

export interface ProxyDeps {
  gateway: Gateway;
  tracker: ConnectionTracker;
  leafs: LeafCertificates;
  /** Idle and header timeouts of client connections, ms (default 60 s / 15 s). */
  idleTimeoutMs?: number;
  headersTimeoutMs?: number;
}

/** The connection a socket (raw or TLS) carries, for requests inside tunnels. */
const tunnels = new WeakMap<Socket, TrackedConnection>();

/** `host:port` of a CONNECT request (authority form, RFC 9110 §9.3.6); IPv6 in brackets. */
export function parseAuthority(text: string | undefined): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:/\s[\]]+)):(\d{1,5})$/i.exec(text ?? "");
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2]!).toLowerCase(), port };
}

/** The one HTTP server that parses the requests inside every terminated tunnel (it never listens). */
export function tunnelServer(gateway: Gateway, deps: Pick<ProxyDeps, "idleTimeoutMs">): Server {
  const inner = createHttpServer({ keepAliveTimeout: 5_000, requestTimeout: 0 }, (req, res) => {
    const conn = tunnels.get(req.socket);
    if (!conn) return void res.destroy();
    void gateway.serve(conn, req, res).catch(() => res.destroy());
  });
  inner.timeout = deps.idleTimeoutMs ?? 60_000;
  inner.on("clientError", (_e, socket: Socket) => badRequest(socket));
  return inner;
}

function badRequest(socket: Socket): void {
  if (socket.writable)
    socket.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
  socket.destroy();
}

export class SourceProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(
    /** Replaced when the estate changes the source (its address, its subnet); open connections keep theirs. */
    public source: Source,
    private readonly deps: ProxyDeps,
    private readonly inner: Server,
  ) {
    this.server = createHttpServer({ requestTimeout: 0 }, (req, res) => {
      this.onRequest(req, res).catch(() => res.destroy());
    });
    this.server.headersTimeout = deps.headersTimeoutMs ?? 15_000;
    this.server.timeout = deps.idleTimeoutMs ?? 60_000;
    this.server.keepAliveTimeout = 5_000;
    this.server.on(
      "connect",
      (req: IncomingMessage, socket: Socket, head: Buffer) => void this.onConnect(req, socket, head),
    );
    this.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    // Garbage, a request line too long, a client that stops half-way: 400 and close, never a crash.
    this.server.on("clientError", (_e, socket: Socket) => badRequest(socket));
  }

  /** Listens on 127.0.0.1 (port 0 for a free one); resolves with the port. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen({ host: "127.0.0.1", port }, () => {
        this.server.off("error", reject);
        const a = this.server.address();
        this.port = typeof a === "object" && a ? a.port : port;
        resolve(this.port);
      });
    });
  }

  get listeningPort(): number {
    return this.port;
  }

  /** Stops listening and ends every connection through this proxy. */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async onConnect(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on("error", () => socket.destroy());
    const target = parseAuthority(req.url);
    if (!target) return writeSocketRefusal(socket, 400, "name-not-resolved", `'${req.url}' is not host:port`);
    const { gateway, tracker, leafs } = this.deps;
    const d = gateway.open(this.source, target.host, target.port);
    if (d.kind === "drop") return dropConnection(socket, gateway.options.drop, gateway.options.dropHoldMs);
    if (d.kind === "unresolved") return writeSocketRefusal(socket, 502, "name-not-resolved", d.message);
    if (d.kind === "notService") return writeSocketRefusal(socket, 502, "not-a-service", d.message);
    const conn = tracker.track(this.source, d.flow, socket);
    const raw = RAW_PROTOCOL_KINDS.has(d.flow.kind);
    // Made before the tunnel opens, so the client's handshake never waits on it.
    const context =
      raw || target.port === 80 ? undefined : await leafs.context(target.host).catch(() => undefined);
    if (socket.destroyed) return;
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    if (raw) return gateway.raw(conn, socket);
    // A tunnel that stays silent or stalls in its handshake is let go; then the HTTP server's timeouts apply.
    socket.setTimeout(this.deps.idleTimeoutMs ?? 60_000, () => socket.destroy());
    // TLS or plain HTTP inside the tunnel: the first byte tells (0x16 opens a TLS handshake, RFC 8446 §5.1).
    socket.once("data", (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      if (chunk[0] !== 0x16 || !context) return this.serveInside(socket, conn);
      // The certificate names the host the client CONNECTed to, whatever its SNI says: the gateway never mints
      // certificates for names it does not serve.
      const tls = new TLSSocket(socket, {
        isServer: true,
        secureContext: context,
        ALPNProtocols: ["http/1.1"],
      });
      tls.on("error", () => socket.destroy());
      tls.once("secure", () => this.serveInside(tls, conn));
    });
    socket.resume();
  }

  private serveInside(socket: Socket, conn: TrackedConnection): void {
    conn.socket.setTimeout(0);
    tunnels.set(socket, conn);
    this.inner.emit("connection", socket);
    socket.resume();
  }

  /** A plain proxy request (`GET http://host/path`): one flow per client connection and destination. */
  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? "");
      if (url.protocol !== "http:") throw new Error("not http");
    } catch {
      return sendRefusal(
        res,
        400,
        "name-not-resolved",
        `this is a proxy: send absolute http:// URLs, or CONNECT for https`,
      );
    }
    const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    const port = Number(url.port) || 80;
    const socket = req.socket;
    const key = `${host}:${port}`;
    let flows = plainFlows.get(socket);
    let conn = flows?.get(key);
    if (!conn) {
      const { gateway, tracker } = this.deps;
      const d = gateway.open(this.source, host, port);
      if (d.kind === "drop") return dropConnection(socket, gateway.options.drop, gateway.options.dropHoldMs);
      if (d.kind !== "open")
        return sendRefusal(
          res,
          502,
          d.kind === "unresolved" ? "name-not-resolved" : "not-a-service",
          d.message,
        );
      if (RAW_PROTOCOL_KINDS.has(d.flow.kind))
        return sendRefusal(res, 502, "not-a-service", `${host} speaks its own protocol: use CONNECT`);
      conn = tracker.track(this.source, d.flow, socket);
      if (!flows) plainFlows.set(socket, (flows = new Map()));
      flows.set(key, conn);
    }
    // The gateway sees the origin-form path, as a direct client would send it.
    req.url = `${url.pathname}${url.search}`;
    await this.deps.gateway.serve(conn, req, res);
  }
}

/** Per client connection of plain proxying, its open flows by `host:port`. */
const plainFlows = new WeakMap<Socket, Map<string, TrackedConnection>>();
