// The ARM API benchmark: PUT and GET throughput and latency of `vnetlab serve` (a real child process on SQLite
// with every acknowledged write fsynced, HTTPS with its generated certificate) against a minimal server on the same HTTP stack
// that does no work (bench/arm/minimal.ts), in the same run, with the same load (autocannon: same connections,
// duration, warm-up, paths and bodies). Prints both, their ratio against the targets, and the machine.
//
//   node --import tsx bench/arm/run.ts                        # 200 VNets, 16 connections, 10 s per server
//   node --import tsx bench/arm/run.ts --duration 5 --connections 32
//   node --import tsx bench/arm/run.ts --only put --cpu-prof bench/arm/out/prof   # profile vnetlab under load
//
// Options:
//   --duration S     measured seconds per server and phase (default 10)
//   --rounds N       the measured seconds split into N runs alternating between the servers (default 2)
//   --warmup S       unmeasured seconds before each server's runs in each phase (default 3)
//   --connections N  concurrent keep-alive connections (default 16)
//   --vnets N        VNets seeded and cycled over (default 200)
//   --only get|put   one phase only
//   --data-dir DIR   where vnetlab's database lives (default: a new temporary directory; its file system
//                    decides what an fsync costs)
//   --cpu-prof DIR   run vnetlab under node --cpu-prof, one .cpuprofile per phase, summarised as
//                    bench/trace/profile.ts does; --top N functions per table (default 25)
//   --keep           keep the temporary data directory
//
// Correctness is checked during the run: every response must be 2xx with the body expected (a PUT's reply
// carries the tag it was sent), and after the PUT run vnetlab is killed with SIGKILL (SIGTERM when profiling,
// so that the profile is written), restarted on the same database, and must still hold every acknowledged
// write. Exit code 1 when any check fails; the targets are reported, not enforced.
import { type ChildProcess, spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from "node:fs";
import { Agent, request } from "node:https";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { summarize } from "../trace/profile.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SUB = "00000000-0000-0000-0000-00000000be7c";
const RG = "rg-bench";
const API_NETWORK = "2024-05-01";
const API_RESOURCES = "2024-03-01";
const TOKEN = "Bearer vnetlab-bench";
const TARGET = { get: 0.5, put: 0.25 } as const;

type Phase = "get" | "put";
type ServerName = "minimal" | "vnetlab";

// ---------------------------------------------------------------------------------------------------------
// Options

interface Options {
  duration: number;
  rounds: number;
  warmup: number;
  connections: number;
  vnets: number;
  only?: Phase;
  dataDir?: string;
  cpuProf?: string;
  top: number;
  keep: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "10" },
      rounds: { type: "string", default: "2" },
      warmup: { type: "string", default: "3" },
      connections: { type: "string", default: "16" },
      vnets: { type: "string", default: "200" },
      only: { type: "string" },
      "data-dir": { type: "string" },
      "cpu-prof": { type: "string" },
      top: { type: "string", default: "25" },
      keep: { type: "boolean", default: false },
    },
  });
  const num = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} ${v}: expected a number ≥ ${min}`);
    return n;
  };
  if (values.only !== undefined && values.only !== "get" && values.only !== "put")
    throw new Error(`--only ${values.only}: expected get or put`);
  const vnets = Math.floor(num("vnets", values.vnets, 1));
  if (vnets > 256 * 20) throw new Error("--vnets: at most 5120 (one /16 each)");
  return {
    duration: num("duration", values.duration, 1),
    rounds: Math.floor(num("rounds", values.rounds, 1)),
    warmup: num("warmup", values.warmup, 0),
    connections: Math.floor(num("connections", values.connections, 1)),
    vnets,
    only: values.only as Phase | undefined,
    dataDir: values["data-dir"] && resolve(values["data-dir"]),
    cpuProf: values["cpu-prof"] && resolve(values["cpu-prof"]),
    top: Math.floor(num("top", values.top, 1)),
    keep: values.keep,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The workload: VNets with one subnet and a Storage service endpoint; a PUT replaces one with a new tag.

const vnetName = (i: number): string => `vnet-${String(i).padStart(4, "0")}`;
const vnetPath = (i: number): string =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/${vnetName(i)}?api-version=${API_NETWORK}`;
const rgPath = `/subscriptions/${SUB}/resourcegroups/${RG}?api-version=${API_RESOURCES}`;

function vnetBody(i: number, seq: number): string {
  const net = `${10 + Math.floor(i / 256)}.${i % 256}`;
  return JSON.stringify({
    location: "eastus",
    tags: { bench: "arm", seq: String(seq) },
    properties: {
      addressSpace: { addressPrefixes: [`${net}.0.0/16`] },
      subnets: [
        {
          name: "default",
          properties: {
            addressPrefix: `${net}.0.0/24`,
            serviceEndpoints: [{ service: "Microsoft.Storage", locations: ["eastus"] }],
          },
        },
      ],
    },
  });
}

interface VnetReply {
  name?: string;
  tags?: Record<string, string>;
}

function parseReply(body: string): VnetReply | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === "object" ? (v as VnetReply) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Child processes

interface Child {
  proc: ChildProcess;
  url: string;
  output: () => string;
}

function startChild(args: string[], ready: RegExp): Promise<Child> {
  const proc = spawn(process.execPath, args, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return new Promise<Child>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`${args.join(" ")} did not start within 30 s:\n${out}`));
    }, 30_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ proc, url: m[1]!, output: () => out });
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
}

async function stopChild(c: Child, signal: NodeJS.Signals): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.proc.once("exit", () => r()));
  c.proc.kill(signal);
  await exited;
}

function startVnetlab(dataDir: string, profDir?: string): Promise<Child> {
  // --cpu-prof is refused in NODE_OPTIONS, so it goes on the child's command line.
  if (profDir) mkdirSync(profDir, { recursive: true });
  return startChild(
    [
      ...(profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : []),
      join(REPO, "bin/vnetlab.js"),
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--data-dir",
      dataDir,
    ],
    /ARM endpoint: (\S+)[\s\S]*certificate:/,
  );
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command; clock ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Plain HTTPS calls (seeding and checks), verifying the server's certificate against its own CA

interface Reply {
  status: number;
  body: string;
}

function call(agent: Agent, base: string, method: string, path: string, body?: string): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: TOKEN,
          ...(body === undefined
            ? {}
            : { "content-type": "application/json", "content-length": Buffer.byteLength(body) }),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function expectStatus(p: Promise<Reply>, ok: number[], what: string): Promise<Reply> {
  const r = await p;
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${r.body.slice(0, 500)}`);
  return r;
}

// ---------------------------------------------------------------------------------------------------------
// Load

/** One autocannon run against one server. */
interface Slice {
  requests: number;
  seconds: number;
  /** Latency of every 2xx reply, ms. */
  latencies: number[];
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Replies whose body was not the one expected. */
  wrongBody: number;
  /** CPU seconds used over the run by the server, the load generator, and every other process. */
  serverCpu?: number;
  loadCpu: number;
  otherCpu?: number;
}

interface Measured {
  server: ServerName;
  phase: Phase;
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  mean: number;
  non2xx: number;
  errors: number;
  wrongBody: number;
  /** CPU use over the runs, in cores (1 = one core busy all the time). */
  serverCores?: number;
  loadCores: number;
  otherCores?: number;
}

interface LoadSpec {
  url: string;
  ca: string;
  phase: Phase;
  seconds: number;
  connections: number;
  vnets: number;
  /** The next PUT sequence number; PUT n writes VNet n % vnets with tag seq = n. */
  seq: { next: number };
  /** Highest acknowledged seq per VNet index (PUT), for the durability check. */
  acked?: Map<number, number>;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Busy CPU seconds of the whole machine, from /proc/stat (Linux); undefined elsewhere. */
function machineCpuSeconds(): number | undefined {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
  } catch {
    return undefined;
  }
}

async function load(spec: LoadSpec, serverPid: number | undefined): Promise<Slice> {
  const { vnets, seq, acked } = spec;
  let getIndex = 0;
  let wrongBody = 0;
  type Ctx = { seq?: number; index?: number };
  const template: autocannon.Request =
    spec.phase === "get"
      ? {
          method: "GET",
          setupRequest: (req) => ({ ...req, path: vnetPath(getIndex++ % vnets) }),
          onResponse: (status, body) => {
            if (status >= 200 && status < 300 && typeof parseReply(body)?.name !== "string") wrongBody++;
          },
        }
      : {
          method: "PUT",
          setupRequest: (req, context) => {
            const n = seq.next++;
            const i = n % vnets;
            (context as Ctx).seq = n;
            (context as Ctx).index = i;
            return { ...req, path: vnetPath(i), body: vnetBody(i, n) };
          },
          onResponse: (status, body, context) => {
            if (status < 200 || status >= 300) return;
            const { seq: n, index: i } = context as Ctx;
            const reply = parseReply(body);
            if (n === undefined || i === undefined || reply?.tags?.seq !== String(n)) {
              wrongBody++;
              return;
            }
            if (acked && (acked.get(i) ?? -1) < n) acked.set(i, n);
          },
        };

  const latencies: number[] = [];
  const cpuStart = process.cpuUsage();
  const serverStart = cpuSeconds(serverPid);
  const machineStart = machineCpuSeconds();
  const result = await new Promise<autocannon.Result>((resolvePromise, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        pipelining: 1,
        duration: spec.seconds,
        timeout: 30,
        headers: { authorization: TOKEN, "content-type": "application/json" },
        requests: [template],
        // autocannon always connects with rejectUnauthorized: false; the CA is still given, and the seeding and
        // checks (node:https) verify the certificate chain.
        tlsOptions: { ca: spec.ca },
      },
      (err, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolvePromise(res)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const cpu = process.cpuUsage(cpuStart);
  const serverEnd = cpuSeconds(serverPid);
  const machineEnd = machineCpuSeconds();
  const loadCpu = (cpu.user + cpu.system) / 1e6;
  const serverCpu =
    serverStart !== undefined && serverEnd !== undefined ? serverEnd - serverStart : undefined;
  return {
    requests: result["2xx"],
    seconds: result.duration,
    latencies,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    wrongBody,
    serverCpu,
    loadCpu,
    otherCpu:
      machineStart !== undefined && machineEnd !== undefined && serverCpu !== undefined
        ? Math.max(0, machineEnd - machineStart - serverCpu - loadCpu)
        : undefined,
  };
}

/** The slices of one server in one phase, taken together. */
function merge(server: ServerName, phase: Phase, slices: Slice[]): Measured {
  const sum = (f: (s: Slice) => number): number => slices.reduce((a, s) => a + f(s), 0);
  const optional = (f: (s: Slice) => number | undefined): number | undefined =>
    slices.every((s) => f(s) !== undefined) ? sum((s) => f(s)!) / seconds : undefined;
  const seconds = sum((s) => s.seconds);
  const sorted = Float64Array.from(slices.flatMap((s) => s.latencies)).sort();
  return {
    server,
    phase,
    requests: sum((s) => s.requests),
    seconds,
    perSecond: sum((s) => s.requests) / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    non2xx: sum((s) => s.non2xx),
    errors: sum((s) => s.errors + s.timeouts),
    wrongBody: sum((s) => s.wrongBody),
    serverCores: optional((s) => s.serverCpu),
    loadCores: sum((s) => s.loadCpu) / seconds,
    otherCores: optional((s) => s.otherCpu),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Output

const log = (s: string): void => void process.stderr.write(`${s}\n`);

function fileSystemOf(dir: string): string {
  const types: Record<number, string> = {
    0xef53: "ext2/3/4",
    0x01021994: "tmpfs",
    0x794c7630: "overlayfs",
    0x58465342: "xfs",
    0x9123683e: "btrfs",
    0x6969: "nfs",
    0x65735546: "fuse",
  };
  try {
    const t = statfsSync(dir).type;
    return types[t] ?? `0x${t.toString(16)}`;
  } catch {
    return "unknown";
  }
}

function versionOf(pkg: string): string {
  const req = createRequire(join(REPO, "package.json"));
  try {
    return (JSON.parse(readFileSync(req.resolve(`${pkg}/package.json`), "utf8")) as { version: string })
      .version;
  } catch {
    return "?";
  }
}

/**
 * The durability floor on this file system: single-row upserts of a VNet-sized body, each in its own
 * transaction with WAL and synchronous=FULL (an fsync per commit, the durability the store gives), with nothing
 * else going on. A server that commits once per request cannot write faster than this.
 */
function sqliteFloor(dir: string, commits: number): { perSecond: number; ms: number } {
  const file = join(dir, "floor.db");
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec("CREATE TABLE IF NOT EXISTS t (key TEXT PRIMARY KEY, body TEXT NOT NULL)");
    const upsert = db.prepare<[string, string]>(
      "INSERT INTO t (key, body) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET body = excluded.body",
    );
    const tx = db.transaction((k: string, b: string) => upsert.run(k, b));
    for (let i = 0; i < 20; i++) tx.immediate(`k${i % 200}`, vnetBody(i % 200, i));
    const start = process.hrtime.bigint();
    for (let i = 0; i < commits; i++) tx.immediate(`k${i % 200}`, vnetBody(i % 200, i));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { perSecond: commits / seconds, ms: (1000 * seconds) / commits };
  } finally {
    db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }
}

function sqliteVersion(): string {
  const db = new Database(":memory:");
  try {
    return (db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
  } finally {
    db.close();
  }
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const fmtMs = (ms: number): string => `${ms < 10 ? fmt(ms, 2) : fmt(ms, 1)} ms`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "),
    )
    .join("\n");
}

// ---------------------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const opt = options();
  const dataDir = opt.dataDir ?? mkdtempSync(join(tmpdir(), "vnetlab-bench-arm-"));
  mkdirSync(dataDir, { recursive: true });
  const phases: Phase[] = opt.only ? [opt.only] : ["get", "put"];
  const problems: string[] = [];
  const children: Child[] = [];
  const cleanup = (): void => {
    for (const c of children)
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  };
  process.once("exit", cleanup);

  try {
    // 1. Seed vnetlab through its API: a resource group and the VNets (every PUT a durable write).
    log(`data directory: ${dataDir} (${fileSystemOf(dataDir)})`);
    let vnetlab = await startVnetlab(dataDir);
    children.push(vnetlab);
    const ca = readFileSync(join(dataDir, "vnetlab-cert.pem"), "utf8");
    const agent = new Agent({ ca, keepAlive: true, maxSockets: 1 });
    const seedStart = process.hrtime.bigint();
    await expectStatus(
      call(agent, vnetlab.url, "PUT", rgPath, JSON.stringify({ location: "eastus" })),
      [200, 201],
      "resource group",
    );
    for (let i = 0; i < opt.vnets; i++) {
      await expectStatus(
        call(agent, vnetlab.url, "PUT", vnetPath(i), vnetBody(i, 0)),
        [200, 201],
        vnetName(i),
      );
    }
    const seedSeconds = Number(process.hrtime.bigint() - seedStart) / 1e9;
    log(`seeded 1 resource group and ${opt.vnets} VNets in ${seedSeconds.toFixed(1)} s`);
    const sample = await expectStatus(call(agent, vnetlab.url, "GET", vnetPath(0)), [200], "GET vnet 0");
    const getBodyFile = join(dataDir, "minimal-get-body.json");
    writeFileSync(getBodyFile, sample.body);

    // 2. The minimal server, with vnetlab's certificate and a copy of vnetlab's GET reply.
    const minimal = await startChild(
      [
        "--import",
        "tsx",
        join(REPO, "bench/arm/minimal.ts"),
        "--cert",
        join(dataDir, "vnetlab-cert.pem"),
        "--key",
        join(dataDir, "vnetlab-key.pem"),
        "--get-body",
        getBodyFile,
      ],
      /minimal endpoint: (\S+)/,
    );
    children.push(minimal);
    await expectStatus(call(agent, minimal.url, "GET", vnetPath(0)), [200], "minimal GET");

    // 3. Each phase: minimal then vnetlab, each with its own warm-up.
    const results: Measured[] = [];
    const seq = { next: 1 };
    const profiles: { phase: Phase; file: string }[] = [];
    let durability = "";
    for (const phase of phases) {
      const profDir = opt.cpuProf && join(opt.cpuProf, `tmp-${phase}`);
      const specFor = (c: Child): Omit<LoadSpec, "seconds"> => ({
        url: c.url,
        ca,
        phase,
        connections: opt.connections,
        vnets: opt.vnets,
        seq,
      });
      const check = (what: string, s: Slice): void => {
        if (s.non2xx + s.errors + s.timeouts + s.wrongBody > 0)
          problems.push(
            `${what}: ${s.non2xx} non-2xx, ${s.errors} errors, ${s.timeouts} timeouts, ${s.wrongBody} wrong bodies`,
          );
      };
      // Warm-up: the minimal server, then a fresh vnetlab process (fresh per phase, so that a profile holds
      // that phase only).
      for (const server of ["minimal", "vnetlab"] as const) {
        if (server === "vnetlab") {
          await stopChild(vnetlab, "SIGTERM");
          vnetlab = await startVnetlab(dataDir, profDir);
          children.push(vnetlab);
        }
        const c = server === "minimal" ? minimal : vnetlab;
        if (opt.warmup === 0) continue;
        log(`${phase.toUpperCase()} ${server}: warm-up ${opt.warmup} s`);
        check(`${phase} ${server} warm-up`, await load({ ...specFor(c), seconds: opt.warmup }, c.proc.pid));
      }
      // The measured runs, alternating so that whatever else the machine does hits both alike.
      const acked = phase === "put" ? new Map<number, number>() : undefined;
      const slices: Record<ServerName, Slice[]> = { minimal: [], vnetlab: [] };
      const each = opt.duration / opt.rounds;
      for (let round = 1; round <= opt.rounds; round++) {
        for (const server of ["minimal", "vnetlab"] as const) {
          const c = server === "minimal" ? minimal : vnetlab;
          log(
            `${phase.toUpperCase()} ${server}: round ${round}/${opt.rounds}, ${each} s, ${opt.connections} connections`,
          );
          const spec = { ...specFor(c), seconds: each, acked: server === "vnetlab" ? acked : undefined };
          const slice = await load(spec, c.proc.pid);
          check(`${phase} ${server} round ${round}`, slice);
          slices[server].push(slice);
        }
      }
      for (const server of ["minimal", "vnetlab"] as const)
        results.push(merge(server, phase, slices[server]));
      if (acked) {
        // Every acknowledged write must be there now, and after a kill and restart.
        const verify = async (url: string, when: string): Promise<void> => {
          let missing = 0;
          for (const [i, n] of acked) {
            const r = await call(agent, url, "GET", vnetPath(i));
            const got = Number(parseReply(r.body)?.tags?.seq ?? -1);
            if (r.status !== 200 || got < n) missing++;
          }
          if (missing > 0) problems.push(`${when}: ${missing} of ${acked.size} acknowledged writes missing`);
          durability += `${when}: ${acked.size - missing}/${acked.size} VNets hold their last acknowledged write\n`;
        };
        await verify(vnetlab.url, "after the PUT runs");
        const signal = profDir ? "SIGTERM" : "SIGKILL";
        await stopChild(vnetlab, signal);
        vnetlab = await startVnetlab(dataDir);
        children.push(vnetlab);
        await verify(vnetlab.url, `after ${signal} and restart`);
      }
      if (profDir) {
        await stopChild(vnetlab, "SIGTERM");
        const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
        if (file) {
          const dest = join(opt.cpuProf!, `vnetlab-${phase}.cpuprofile`);
          renameSync(join(profDir, file), dest);
          profiles.push({ phase, file: dest });
        }
        rmSync(profDir, { recursive: true, force: true });
      }
    }
    agent.destroy();
    const floor = phases.includes("put") ? sqliteFloor(dataDir, 500) : undefined;

    // 4. Report.
    const cores = cpus();
    const lines: string[] = [];
    lines.push("");
    lines.push("== bench/arm: vnetlab serve vs a minimal Fastify server (same stack, no work) ==");
    lines.push(
      `machine: ${cores.length} × ${cores[0]?.model.trim() ?? "?"}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, load avg ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    lines.push(
      `software: node ${process.version}, fastify ${versionOf("fastify")}, autocannon ${versionOf("autocannon")}, better-sqlite3 ${versionOf("better-sqlite3")} (SQLite ${sqliteVersion()})`,
    );
    lines.push(
      `store: SQLite WAL, each group commit fdatasynced before it is acknowledged, in ${dataDir} (${fileSystemOf(dataDir)}); ${opt.vnets} VNets + 1 resource group`,
    );
    lines.push(
      `load: autocannon in this process, ${opt.connections} connections, keep-alive HTTPS, ${opt.warmup} s warm-up + ${opt.duration} s per server and phase, in ${opt.rounds} alternating rounds`,
    );
    lines.push(
      "GET: one VNet per request, cycling over all; PUT: replace one VNet (one subnet + Storage endpoint) with a new tag, cycling over all",
    );
    lines.push("");
    const rows: string[][] = [
      [
        "run",
        "req/s",
        "p50",
        "p99",
        "mean",
        "2xx",
        "non-2xx",
        "errors",
        "bad body",
        "server CPU",
        "loadgen CPU",
        "other CPU",
      ],
    ];
    for (const r of results) {
      rows.push([
        `${r.phase.toUpperCase()} ${r.server}`,
        fmt(r.perSecond),
        fmtMs(r.p50),
        fmtMs(r.p99),
        fmtMs(r.mean),
        fmt(r.requests),
        fmt(r.non2xx),
        fmt(r.errors),
        fmt(r.wrongBody),
        r.serverCores === undefined ? "?" : `${fmt(r.serverCores * 100)}%`,
        `${fmt(r.loadCores * 100)}%`,
        r.otherCores === undefined ? "?" : `${fmt(r.otherCores * 100)}%`,
      ]);
    }
    lines.push(table(rows));
    lines.push(
      "(CPU: cores busy over the runs, 100% = one core; other = every other process on the machine, i.e. noise)",
    );
    const noisy = results.filter((r) => (r.otherCores ?? 0) > 0.2);
    if (noisy.length > 0)
      lines.push(
        `warning: other processes used CPU during ${noisy.map((r) => `${r.phase.toUpperCase()} ${r.server}`).join(", ")}; the figures are noisy`,
      );
    lines.push("");
    for (const phase of phases) {
      const a = results.find((r) => r.phase === phase && r.server === "vnetlab");
      const b = results.find((r) => r.phase === phase && r.server === "minimal");
      if (!a || !b) continue;
      const ratio = a.perSecond / b.perSecond;
      const target = TARGET[phase];
      lines.push(
        `ratio ${phase.toUpperCase()} vnetlab/minimal: ${ratio.toFixed(3)} (target ≥ ${target}${phase === "put" ? ", durable" : ""}) ${ratio >= target ? "MET" : "MISSED"}; p50 ${fmtMs(a.p50)} vs ${fmtMs(b.p50)}`,
      );
    }
    const minimalPut = results.find((r) => r.phase === "put" && r.server === "minimal");
    if (floor && minimalPut) {
      lines.push(
        `durability floor: ${fmt(floor.perSecond)} fsync'd SQLite commits/s (${fmtMs(floor.ms)} each, one row, nothing else) = ${(floor.perSecond / minimalPut.perSecond).toFixed(2)} × minimal PUT: the most a one-commit-per-PUT server can reach here`,
      );
    }
    if (durability) lines.push("", durability.trimEnd());
    lines.push(
      "",
      problems.length === 0 ? "correctness: OK (0 non-2xx, 0 errors, 0 wrong bodies)" : "correctness: FAILED",
    );
    for (const p of problems) lines.push(`  - ${p}`);
    process.stdout.write(`${lines.join("\n")}\n`);

    for (const p of profiles) {
      const shown = relative(REPO, p.file).startsWith("..") ? p.file : relative(REPO, p.file);
      process.stdout.write(`\n== vnetlab CPU profile, ${p.phase.toUpperCase()} phase: ${shown} ==\n`);
      process.stdout.write(`${summarize(p.file, opt.top)}\n`);
    }
    return problems.length === 0 ? 0 : 1;
  } finally {
    for (const c of children) await stopChild(c, "SIGTERM");
    if (!opt.keep && !opt.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
