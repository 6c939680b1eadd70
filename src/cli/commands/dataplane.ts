// The data plane on the command line: `serve --dataplane` (started beside the ARM server), `vnetlab sources`
// (every source's egress proxy) and `vnetlab logs` (the request log: source, address seen, destination,
// verdict, deciding rule). Both read a running server's API (--server) or the files it keeps in --data-dir.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import type { ArmState } from "../../arm/armState.js";
import {
  attachDataplane,
  Dataplane,
  type DropMode,
  formatEntry,
  LOGS_PATH,
  queryEntries,
  readLogFile,
  type RequestLogEntry,
  type SourceInfo,
  SOURCES_PATH,
} from "../../dataplane/index.js";
import { VnetlabError } from "../../model/errors.js";
import { EXIT, type Io } from "../io.js";
import { table } from "../table.js";

export interface ServeDataplaneOptions {
  dataplane?: boolean;
  /** With an in-memory store the data plane keeps nothing either (a temporary directory). */
  inMemory?: boolean;
  dataplaneDrop?: string;
  dataplaneUpstream?: string[];
  dataplaneInternetIp?: string;
}

export interface ServedDataplane {
  /** Prints the sources and how to trust the local CA (`url`: the ARM endpoint, for --server). */
  announce(io: Io, url: string): void;
  close(): Promise<void>;
}

/** Starts the data plane on the server's current estate and keeps it in step (dataplane/armHooks.ts). */
export async function startServeDataplane(
  app: FastifyInstance,
  state: ArmState,
  opts: ServeDataplaneOptions,
  dataDir: string,
  io: Io,
  armCertPath?: string,
): Promise<ServedDataplane> {
  const dir = opts.inMemory ? mkdtempSync(join(tmpdir(), "vnetlab-dataplane-")) : join(dataDir, "dataplane");
  const dataplane = await Dataplane.start((await state.snapshot()).estate(), {
    dataDir: dir,
    drop: opts.dataplaneDrop as DropMode | undefined,
    upstreams: opts.dataplaneUpstream ?? [],
    internetIp: opts.dataplaneInternetIp,
    onError: (e) => io.err(`vnetlab data plane: ${e instanceof Error ? e.message : String(e)}`),
  });
  const detach = attachDataplane(app, state, dataplane);
  // NODE_EXTRA_CA_CERTS takes one file: the ARM server's certificate and the local CA together.
  const trust = join(dir, "trust.pem");
  const armCert = armCertPath && existsSync(armCertPath) ? readFileSync(armCertPath, "utf8") : "";
  writeFileSync(trust, `${armCert.trim()}\n${dataplane.ca.cert.trim()}\n`.trimStart());
  return {
    announce(out: Io, url: string) {
      const ca = dataplane.ca.certPath;
      const where = opts.inMemory ? `--server ${url}` : `--data-dir ${dataDir}`;
      out.out(`data plane:  one egress proxy per source (HTTPS_PROXY, or the SDK's proxyOptions):`);
      for (const s of dataplane.sources()) out.out(`  ${s.name.padEnd(20)} ${s.ip.padEnd(15)} ${s.proxy}`);
      out.out(`             vnetlab sources ${where}; the request log: vnetlab logs ${where}`);
      out.out(`local CA:    ${ca} (TLS to *.core.windows.net and the other service names)`);
      out.out(`trust it:    export NODE_EXTRA_CA_CERTS=${trust}   (this server's certificate and the CA)`);
      out.out(
        `             curl --cacert ${ca} --proxy http://127.0.0.1:PORT https://ACCOUNT.blob.core.windows.net/...`,
      );
      out.out(
        `             system-wide (Debian): cp ${ca} /usr/local/share/ca-certificates/vnetlab.crt && update-ca-certificates`,
      );
    },
    async close() {
      detach();
      await dataplane.close();
      if (opts.inMemory) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** GETs JSON from a running server; its own certificate is trusted when --data-dir holds it. */
function getJson(url: string, dataDir: string): Promise<unknown> {
  const u = new URL(url);
  const certFile = join(dataDir, "vnetlab-cert.pem");
  const ca = u.protocol === "https:" && existsSync(certFile) ? readFileSync(certFile, "utf8") : undefined;
  return new Promise((resolvePromise, reject) => {
    const req = (u.protocol === "https:" ? httpsRequest : httpRequest)(
      u,
      { ...(ca ? { ca } : {}) },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => {
          if ((res.statusCode ?? 500) >= 400)
            return reject(
              new VnetlabError(
                "InvalidDataplaneOption",
                `${url} answered ${res.statusCode}: ${body.slice(0, 200)}`,
              ),
            );
          try {
            resolvePromise(JSON.parse(body));
          } catch {
            reject(new VnetlabError("InvalidDataplaneOption", `${url} did not answer JSON`));
          }
        });
      },
    );
    req.on("error", (e) => {
      const hint = /certificate/i.test(e.message)
        ? " (set NODE_EXTRA_CA_CERTS to the server's certificate)"
        : "";
      reject(new VnetlabError("InvalidDataplaneOption", `cannot reach ${url}: ${e.message}${hint}`));
    });
    req.end();
  });
}

export interface DataplaneCliOptions {
  server?: string;
  dataDir: string;
  json?: boolean;
}

function noDataplane(dataDir: string): VnetlabError {
  return new VnetlabError(
    "InvalidDataplaneOption",
    `no data plane has run with --data-dir ${dataDir}: start one with vnetlab serve --dataplane, or name it with --server URL`,
  );
}

export async function sourcesCommand(opts: DataplaneCliOptions, io: Io): Promise<number> {
  const dataDir = resolve(opts.dataDir);
  let sources: SourceInfo[];
  if (opts.server) {
    sources = (
      (await getJson(`${opts.server.replace(/\/+$/, "")}${SOURCES_PATH}`, dataDir)) as { value: SourceInfo[] }
    ).value;
  } else {
    const file = join(dataDir, "dataplane", "sources.json");
    if (!existsSync(file)) throw noDataplane(dataDir);
    sources = (JSON.parse(readFileSync(file, "utf8")) as { value: SourceInfo[] }).value;
  }
  if (opts.json) io.out(JSON.stringify(sources, null, 2));
  else
    io.out(
      table(
        ["SOURCE", "KIND", "ADDRESS", "PROXY"],
        sources.map((s) => [s.name, s.kind, s.ip, s.proxy]),
      ),
    );
  return EXIT.ok;
}

export interface LogsOptions extends DataplaneCliOptions {
  source?: string;
  limit?: string;
  follow?: boolean;
}

function limitOf(text: string | undefined): number {
  const n = text === undefined ? 100 : Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new VnetlabError("InvalidDataplaneOption", `--limit ${text}: a positive integer`);
  return n;
}

export async function logsCommand(opts: LogsOptions, io: Io, stop?: AbortSignal): Promise<number> {
  const dataDir = resolve(opts.dataDir);
  const limit = limitOf(opts.limit);
  const print = (entries: RequestLogEntry[]): void => {
    for (const e of entries) io.out(opts.json ? JSON.stringify(e) : formatEntry(e));
  };
  const file = join(dataDir, "dataplane", "requests.jsonl");
  const fetchEntries = async (after?: number): Promise<RequestLogEntry[]> => {
    if (!opts.server) return queryEntries(readLogFile(file), { source: opts.source, limit });
    const q = new URLSearchParams({ limit: String(limit) });
    if (opts.source) q.set("source", opts.source);
    if (after !== undefined) q.set("after", String(after));
    const url = `${opts.server.replace(/\/+$/, "")}${LOGS_PATH}?${q}`;
    return ((await getJson(url, dataDir)) as { value: RequestLogEntry[] }).value;
  };
  if (!opts.server && !existsSync(file)) throw noDataplane(dataDir);
  let entries = await fetchEntries();
  print(entries);
  if (!opts.follow) return EXIT.ok;
  // Following: the server's entries after the last one shown, or the file's new lines.
  let last = entries.at(-1)?.seq;
  let lines = opts.server ? 0 : readLogFile(file).length;
  while (!stop?.aborted) {
    await new Promise((r) => setTimeout(r, 500));
    if (opts.server) {
      entries = await fetchEntries(last);
      last = entries.at(-1)?.seq ?? last;
    } else {
      const all = readLogFile(file);
      entries = queryEntries(all.slice(lines), { source: opts.source, limit: Number.MAX_SAFE_INTEGER });
      lines = all.length;
    }
    print(entries);
  }
  return EXIT.ok;
}
