// vnetlab's request log: per request (or refused connection), the source, the address the service saw, the
// destination, the verdict and the deciding rule — the "validate the source IP in service diagnostics" step of
// the service endpoint docs [S1]. Kept in memory for the API (the most recent entries) and appended to a JSON
// lines file in the data directory, which `vnetlab logs` reads when no server is named.
import { createWriteStream, existsSync, readFileSync, type WriteStream } from "node:fs";

/**
 * allow: served; deny: the service firewall answered; drop: the network dropped the connection; reset: an open
 * connection was closed by a change (a service endpoint enabled on its subnet); refused: vnetlab could not serve it.
 */
export type LogVerdict = "allow" | "deny" | "drop" | "reset" | "refused" | "error";

export interface RequestLogEntry {
  /** Increasing per server run; `after` in queries. */
  seq: number;
  time: string;
  requestId?: string;
  /** The source's name and id (`vnetlab sources`). */
  source: string;
  sourceId: string;
  /** The address the service sees (after SNAT, or the private address over a service endpoint). */
  sourceIp?: string;
  /** `host:port` as the client asked for it. */
  destination: string;
  method?: string;
  path?: string;
  verdict: LogVerdict;
  /** The HTTP status the client got (none when the connection was dropped). */
  status?: number;
  /** The deciding stage and rule, as `vnetlab trace` names them. */
  stage?: string;
  rule?: string;
  reason?: string;
  /** Where an allowed request went: `azurite:blob`, an upstream URL. */
  servedBy?: string;
  ms?: number;
}

export interface LogQuery {
  /** A source's name or id (case-insensitive). */
  source?: string;
  /** Only entries after this sequence number. */
  after?: number;
  /** The most recent N (default 100). */
  limit?: number;
}

function matches(e: RequestLogEntry, q: LogQuery): boolean {
  if (q.after !== undefined && e.seq <= q.after) return false;
  if (q.source === undefined) return true;
  const s = q.source.toLowerCase();
  return e.source.toLowerCase() === s || e.sourceId.toLowerCase() === s;
}

export function queryEntries(entries: readonly RequestLogEntry[], q: LogQuery): RequestLogEntry[] {
  const out = entries.filter((e) => matches(e, q));
  return out.slice(Math.max(0, out.length - (q.limit ?? 100)));
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  private readonly stream: WriteStream | undefined;
  /** Lines not yet written: the file gets them in batches, not one write per request. */
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string | undefined,
    private readonly capacity = 10_000,
  ) {
    this.stream = file ? createWriteStream(file, { flags: "a" }) : undefined;
    this.stream?.on("error", () => undefined);
  }

  append(entry: Omit<RequestLogEntry, "seq" | "time"> & { time?: string }): RequestLogEntry {
    const e: RequestLogEntry = { seq: ++this.seq, ...entry, time: entry.time ?? new Date().toISOString() };
    this.entries.push(e);
    // Trimmed in bulk, so appending stays O(1) amortised.
    if (this.entries.length > 2 * this.capacity) this.entries = this.entries.slice(-this.capacity);
    if (this.stream) {
      this.pending.push(JSON.stringify(e));
      if (this.pending.length >= 256) this.flush();
      else this.flushTimer ??= setTimeout(() => this.flush(), 100);
    }
    return e;
  }

  query(q: LogQuery = {}): RequestLogEntry[] {
    return queryEntries(this.entries, q);
  }

  /** Writes the pending lines to the file. */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 || !this.stream) return;
    this.stream.write(`${this.pending.join("\n")}\n`);
    this.pending = [];
  }

  close(): Promise<void> {
    this.flush();
    return new Promise((resolve) => (this.stream ? this.stream.end(resolve) : resolve()));
  }
}

/** The entries of a log file (what a server wrote); lines that are not entries are skipped. */
export function readLogFile(file: string): RequestLogEntry[] {
  if (!existsSync(file)) return [];
  const out: RequestLogEntry[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as RequestLogEntry;
      if (typeof e.seq === "number" && typeof e.source === "string") out.push(e);
    } catch {
      // A line cut short by a crash.
    }
  }
  return out;
}

/** One line per entry, for `vnetlab logs`. */
export function formatEntry(e: RequestLogEntry): string {
  const what = e.method ? `${e.method} https://${e.destination}${e.path ?? ""}` : e.destination;
  const outcome = `${e.verdict.toUpperCase()}${e.status ? ` ${e.status}` : ""}`;
  const rule = e.stage ? ` — ${e.stage}: ${e.rule ?? e.reason ?? ""}` : "";
  return `${e.time}  ${e.source} (seen as ${e.sourceIp ?? "?"}) → ${what}  ${outcome}${rule}`;
}
