// The data-plane benchmark: blob GETs of 4 KiB and 1 MiB through vnetlab's gateway (vm-app's egress proxy:
// CONNECT, TLS terminated with the local CA, the engine's decision, the request log, forwarded to Azurite) and
// straight to Azurite — over plain HTTP (the same Azurite the gateway uses) and over HTTPS (a second Azurite that
// terminates TLS itself: what a client pays for TLS without the gateway) — in the same run, with the same load.
// Runs alternate between the paths so that drift on a shared machine hits all. Bodies are streamed and counted,
// never kept.
//
//   node --import tsx bench/dataplane/run.ts                         # 16 connections, 8 s per path and size
//   node --import tsx bench/dataplane/run.ts --duration 4 --connections 8
//
// Options:
//   --duration S     measured seconds per path and size (default 8), split into --rounds alternating runs (default 4)
//   --warmup S       unmeasured seconds per path and size before the runs (default 2)
//   --connections N  concurrent keep-alive connections (default 16)
//
// Prints requests/s, MB/s, p50/p99 latency and the CPU spent per request by this client and by the server side
// (vnetlab's process — gateway and Azurite — or the HTTPS Azurite's) per path and size, the gateway/direct ratios against both baselines, the target (1 MiB throughput
// ≥ 0.8 of direct) and the machine. Exit code 1 when a response is not the blob it should be.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { TunnelAgent } from "../../src/dataplane/index.js";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "8" },
    rounds: { type: "string", default: "4" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "16" },
  },
});
const DURATION = Number(args.duration) * 1000;
const ROUNDS = Number(args.rounds);
const WARMUP = Number(args.warmup) * 1000;
const CONNECTIONS = Number(args.connections);
const HOST = "stgworkloads.blob.core.windows.net";
const SIZES = { "4 KiB": 4 * 1024, "1 MiB": 1024 * 1024 } as const;
const TARGET = 0.8;

interface GatewayInfo {
  proxyPort: number;
  ca: string;
  azurite: { blob: number };
  azuriteHttps: { port: number; cert: string };
  account: string;
  key: string;
}

type Path = "gateway" | "direct" | "https";
const PATHS: readonly Path[] = ["direct", "https", "gateway"];
const PATH_LABEL: Record<Path, string> = { direct: "direct", https: "direct-tls", gateway: "gateway" };

interface Sample {
  requests: number;
  bytes: number;
  ms: number;
  latencies: number[];
  /** CPU ms used during the run, per process. */
  cpu: Cpu;
}

const gatewayProcess = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "gateway.ts")], {
  stdio: ["pipe", "pipe", "inherit"],
});
// The gateway answers in JSON lines: first what it is, then one CPU reading per `cpu` line sent.
const replies: ((line: string) => void)[] = [];
createInterface({ input: gatewayProcess.stdout! }).on("line", (line) => replies.shift()?.(line));
const nextLine = (): Promise<string> => new Promise((resolve) => replies.push(resolve));
const started = nextLine();
const info = await Promise.race([
  started.then((l) => JSON.parse(l) as GatewayInfo),
  new Promise<never>((_, reject) =>
    gatewayProcess.once("exit", (code) => reject(new Error(`the gateway exited (${code}) before starting`))),
  ),
]);
const stopGateway = (): Promise<void> =>
  new Promise((resolve) => {
    gatewayProcess.once("exit", () => resolve());
    gatewayProcess.stdin!.end();
  });

interface Cpu {
  client: number;
  /** vnetlab's process (gateway and Azurite), or the HTTPS Azurite's for that path. */
  server: number;
}

interface CpuReading {
  client: number;
  vnetlab: number;
  azuriteHttps?: number;
}

/** CPU time used so far, ms: this process, vnetlab's, the HTTPS Azurite's (Linux only). */
async function cpuNow(): Promise<CpuReading> {
  const reply = nextLine();
  gatewayProcess.stdin!.write("cpu\n");
  const r = JSON.parse(await reply) as { gateway: number; azuriteHttps?: number };
  const own = process.cpuUsage();
  return { client: (own.user + own.system) / 1000, vnetlab: r.gateway, azuriteHttps: r.azuriteHttps };
}

const blobs: Record<string, Buffer> = {};
for (const [label, size] of Object.entries(SIZES)) blobs[label] = randomBytes(size);
const service = new BlobServiceClient(
  `http://127.0.0.1:${info.azurite.blob}/${info.account}`,
  new StorageSharedKeyCredential(info.account, info.key),
);
const container = service.getContainerClient("bench");
await container.createIfNotExists({ access: "blob" });
for (const [label, body] of Object.entries(blobs))
  await container.getBlockBlobClient(label.replace(" ", "")).uploadData(body);

// The HTTPS Azurite's certificate is its own, which the SDK's HTTP client cannot be told to trust: the same
// container and blobs go there as plain REST calls under an account SAS.
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: CONNECTIONS, ca: info.azuriteHttps.cert });
const sas = generateAccountSASQueryParameters(
  {
    permissions: AccountSASPermissions.parse("rwc"),
    resourceTypes: AccountSASResourceTypes.parse("sco").toString(),
    services: AccountSASServices.parse("b").toString(),
    expiresOn: new Date(Date.now() + 3600_000),
  },
  new StorageSharedKeyCredential(info.account, info.key),
).toString();
function putHttps(path: string, headers: Record<string, string>, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        method: "PUT",
        host: "127.0.0.1",
        port: info.azuriteHttps.port,
        path: `/${info.account}/${path}${path.includes("?") ? "&" : "?"}${sas}`,
        headers: { ...headers, "content-length": String(body?.length ?? 0) },
        agent: httpsAgent,
      },
      (res) => {
        res.resume();
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`PUT ${path}: ${res.statusCode}`));
        else res.on("end", resolve);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
await putHttps("bench?restype=container", { "x-ms-blob-public-access": "blob" });
for (const [label, body] of Object.entries(blobs))
  await putHttps(`bench/${label.replace(" ", "")}`, { "x-ms-blob-type": "BlockBlob" }, body);

const agents: Record<Path, HttpAgent> = {
  gateway: new TunnelAgent({ proxyPort: info.proxyPort, ca: info.ca, maxSockets: CONNECTIONS }),
  direct: new HttpAgent({ keepAlive: true, maxSockets: CONNECTIONS }),
  https: httpsAgent,
};

let failures = 0;

/** One GET; resolves with its latency in ms once the last byte is in. The body is counted, not kept. */
function getOnce(path: Path, label: string): Promise<{ ms: number; bytes: number }> {
  const name = label.replace(" ", "");
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage): void => {
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      res.on("end", () => {
        if (res.statusCode !== 200 || bytes !== blobs[label]!.length) failures++;
        resolve({ ms: performance.now() - started, bytes });
      });
      res.on("error", reject);
    };
    const req =
      path === "gateway"
        ? httpsRequest({ host: HOST, path: `/bench/${name}`, agent: agents.gateway }, onResponse)
        : (path === "https" ? httpsRequest : httpRequest)(
            {
              host: "127.0.0.1",
              port: path === "https" ? info.azuriteHttps.port : info.azurite.blob,
              path: `/${info.account}/bench/${name}`,
              agent: agents[path],
            },
            onResponse,
          );
    req.on("error", reject);
    req.end();
  });
}

/** CONNECTIONS loops of back-to-back GETs for `ms`. */
async function load(path: Path, label: string, ms: number): Promise<Sample> {
  const sample: Sample = { requests: 0, bytes: 0, ms: 0, latencies: [], cpu: { client: 0, server: 0 } };
  const before = await cpuNow();
  const started = performance.now();
  const until = started + ms;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const r = await getOnce(path, label);
        sample.requests++;
        sample.bytes += r.bytes;
        sample.latencies.push(r.ms);
      }
    }),
  );
  sample.ms = performance.now() - started;
  const after = await cpuNow();
  const server =
    path === "https"
      ? (after.azuriteHttps ?? Number.NaN) - (before.azuriteHttps ?? Number.NaN)
      : after.vnetlab - before.vnetlab;
  sample.cpu = { client: after.client - before.client, server };
  return sample;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

interface Result {
  rps: number;
  mbps: number;
  p50: number;
  p99: number;
  /** CPU ms per request, client and server side. */
  cpu: Cpu;
}

function summarize(samples: Sample[]): Result {
  const ms = samples.reduce((n, s) => n + s.ms, 0);
  const requests = samples.reduce((n, s) => n + s.requests, 0);
  const bytes = samples.reduce((n, s) => n + s.bytes, 0);
  const lat = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const per = (k: keyof Cpu): number => samples.reduce((n, s) => n + s.cpu[k], 0) / requests;
  return {
    rps: requests / (ms / 1000),
    mbps: bytes / (ms / 1000) / 1e6,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    cpu: { client: per("client"), server: per("server") },
  };
}

const results: Record<string, Record<Path, Result>> = {};
try {
  for (const label of Object.keys(SIZES)) {
    const samples: Record<Path, Sample[]> = { gateway: [], direct: [], https: [] };
    for (const path of PATHS) await load(path, label, WARMUP);
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating which path goes first, too.
      const order: Path[] = round % 2 ? [...PATHS].reverse() : [...PATHS];
      for (const path of order) samples[path].push(await load(path, label, DURATION / ROUNDS));
    }
    results[label] = {
      gateway: summarize(samples.gateway),
      direct: summarize(samples.direct),
      https: summarize(samples.https),
    };
  }
} finally {
  for (const agent of Object.values(agents)) agent.destroy();
  await stopGateway();
}

const f = (n: number, d = 1): string => n.toFixed(d);
console.log(
  `\nvnetlab data plane: blob GETs through the gateway vs straight to Azurite — ${CONNECTIONS} connections, ${DURATION / 1000} s per path and size in ${ROUNDS} alternating runs`,
);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, Node ${process.version}, load average ${loadavg()
    .map((l) => f(l, 2))
    .join(" ")}\n`,
);
console.log("size    path         req/s     MB/s   p50 ms   p99 ms   CPU ms per request: client  server");
for (const [label, r] of Object.entries(results)) {
  for (const path of PATHS) {
    const x = r[path];
    const cpu = [x.cpu.client, x.cpu.server]
      .map((v) => (Number.isNaN(v) ? "-" : f(v, 2)).padStart(7))
      .join(" ");
    console.log(
      `${label.padEnd(7)} ${PATH_LABEL[path].padEnd(10)} ${f(x.rps).padStart(7)} ${f(x.mbps).padStart(8)} ${f(x.p50, 2).padStart(8)} ${f(x.p99, 2).padStart(8)}                    ${cpu}`,
    );
  }
}
// Like for like: the gateway's clients speak TLS, so the HTTPS baseline isolates what the gateway adds; the
// plain-HTTP one also charges the client's own TLS to the gateway.
for (const base of ["https", "direct"] as const) {
  console.log(
    `\nratios (gateway / ${PATH_LABEL[base]}): throughput, p50 latency, p99 latency, CPU per request (all processes)`,
  );
  for (const [label, r] of Object.entries(results)) {
    const t = r.gateway.rps / r[base].rps;
    const total = (x: Result): number => x.cpu.client + x.cpu.server;
    const target = label === "1 MiB" ? `   target ≥ ${TARGET}: ${t >= TARGET ? "met" : "missed"}` : "";
    console.log(
      `${label.padEnd(7)} ${f(t, 3)}  ${f(r.gateway.p50 / r[base].p50, 2)}  ${f(r.gateway.p99 / r[base].p99, 2)}  ${f(total(r.gateway) / total(r[base]), 2)}${target}`,
    );
  }
}
if (failures > 0) console.log(`\n${failures} responses were not the blob asked for`);
process.exit(failures > 0 ? 1 : 0);
