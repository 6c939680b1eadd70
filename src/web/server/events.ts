// Live updates: a server-sent event `version` whenever the estate's store version moves. This process's own
// ARM writes announce themselves at once (the onResponse hook in routes.ts calls `check`); a poll, running
// only while a browser listens, catches writes by other processes sharing the database.
import type { ServerResponse } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { VersionEvent } from "../api.js";

const POLL_MS = 1000;
/** A comment line now and then keeps proxies and idle timeouts from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

export class VersionEvents {
  private readonly clients = new Set<ServerResponse>();
  private last: number | undefined;
  private poll: NodeJS.Timeout | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(private readonly version: () => Promise<number>) {}

  /** Takes over the reply: an event stream that starts with the current version. */
  attach(req: FastifyRequest, reply: FastifyReply): void {
    void reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
    });
    res.write("retry: 1000\n\n");
    this.clients.add(res);
    req.raw.on("close", () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopTimers();
    });
    if (this.last !== undefined) this.send(res, { version: this.last });
    void this.check();
    this.startTimers();
  }

  /** Compares the store version with the last one announced, and announces a change. */
  check(): Promise<void> {
    // One check at a time; a check asked for during one runs after it (a write may have just landed).
    const run = (this.checking ?? Promise.resolve()).then(async () => {
      const v = await this.version();
      if (v === this.last) return;
      this.last = v;
      for (const res of this.clients) this.send(res, { version: v });
    });
    this.checking = run.catch(() => undefined);
    return this.checking;
  }

  get listeners(): number {
    return this.clients.size;
  }

  /** Ends every stream: a server cannot close while a browser holds one open. */
  close(): void {
    this.stopTimers();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private send(res: ServerResponse, event: VersionEvent): void {
    res.write(`event: version\ndata: ${JSON.stringify(event)}\n\n`);
  }

  private startTimers(): void {
    this.poll ??= setInterval(() => void this.check(), POLL_MS).unref();
    this.keepalive ??= setInterval(() => {
      for (const res of this.clients) res.write(": keepalive\n\n");
    }, KEEPALIVE_MS).unref();
  }

  private stopTimers(): void {
    clearInterval(this.poll);
    clearInterval(this.keepalive);
    this.poll = undefined;
    this.keepalive = undefined;
  }
}
