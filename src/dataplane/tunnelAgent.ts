// A Node HTTPS agent that goes through an egress proxy with CONNECT and verifies the service's certificate
// against a given CA — what `HTTPS_PROXY` plus NODE_EXTRA_CA_CERTS do for a client, in-process, with
// keep-alive pooling. For Node programs without a proxy library; the tests and bench/dataplane use it.
import type { ClientRequestArgs } from "node:http";
import { Agent, type AgentOptions, type RequestOptions } from "node:https";
import { isIP, connect as tcpConnect } from "node:net";
import type { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";

export interface TunnelAgentOptions extends AgentOptions {
  /** The proxy's port on 127.0.0.1 (`vnetlab sources`). */
  proxyPort: number;
  /** PEM: the local CA (the data plane's `ca.pem`). */
  ca: string;
}

export class TunnelAgent extends Agent {
  private readonly proxyPort: number;

  constructor(opts: TunnelAgentOptions) {
    super({ keepAlive: true, ...opts });
    this.proxyPort = opts.proxyPort;
  }

  override createConnection(
    options: RequestOptions | ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const host = String(options.hostname ?? options.host ?? "localhost");
    const port = Number(options.port ?? 443);
    const authority = `${host.includes(":") ? `[${host}]` : host}:${port}`;
    const raw = tcpConnect(this.proxyPort, "127.0.0.1");
    let head = Buffer.alloc(0);
    let settled = false;
    const settle = (e: Error | null, stream: Duplex): void => {
      if (settled) return;
      settled = true;
      raw.off("end", onEnd);
      if (e) stream.destroy();
      callback?.(e, stream);
    };
    const onEnd = (): void => settle(new Error("the proxy closed the connection"), raw);
    raw.once("error", (e) => settle(e, raw));
    raw.once("end", onEnd);
    raw.once("connect", () => raw.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`));
    const onData = (d: Buffer): void => {
      head = Buffer.concat([head, d]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      raw.off("data", onData);
      const line = head.subarray(0, end).toString("latin1");
      if (!/^HTTP\/1\.[01] 200/.test(line))
        return settle(new Error(`proxy answered CONNECT with ${line}`), raw);
      // SNI carries names only (RFC 6066 §3).
      const servername = isIP(host) ? undefined : host;
      const tls = tlsConnect({ socket: raw, servername, ca: this.options.ca, ALPNProtocols: ["http/1.1"] });
      tls.once("secureConnect", () => settle(null, tls));
      tls.once("error", (e) => settle(e, tls));
    };
    raw.on("data", onData);
    return undefined;
  }
}
