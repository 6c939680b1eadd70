// The trace engine benchmark: generate (or reuse) a large estate, compile it, and measure traces per second on
// one core, latency percentiles, memory, and the CLI's --batch path. Prints a summary block at the end.
//
//   node --expose-gc --import tsx bench/trace/run.ts                 # full size: 1,000 VNets, 250,000 flows
//   node --import tsx bench/trace/run.ts --vnets 100 --flows 50000   # smaller
//
// Options: --vnets --vms --storage --sql --kv --flows --seed (estate and flows, see generate.ts); --out DIR;
// --regen (rewrite the files even if they exist); --passes N (steady-state passes, default 3); --sample N
// (flows timed one by one for latency, default 50,000); --batch N (flows for the CLI run, default 50,000,
// 0 skips it); --no-cli-baseline (skip the one-flow CLI run that measures start-up and estate loading);
// --cpu-profile DIR (write compile, cold and steady .cpuprofile files; summarise them with profile.ts);
// --dump FILE [--dump-count N] (the first N traces as JSON lines, to diff verdicts across engine changes).
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { SourceMap } from "node:module";
import { cpus, loadavg } from "node:os";
import { dirname, relative, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  type Flow,
  parseDestination,
  parseSource,
  type Trace,
  trace,
  traceBetween,
} from "../../src/engine/index.js";
import { compileEstate, estateResourcesOf } from "../../src/model/compileEstate.js";
import { VnetlabError } from "../../src/model/errors.js";
import type { Estate } from "../../src/model/estate.js";
import {
  DEFAULT_OUT_DIR,
  type FlowLine,
  fileNamesFor,
  type GenerateOptions,
  generateEstate,
  metaFor,
  numericArgs,
  optionsFromArgs,
  writeEstate,
} from "./generate.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const TARGET_PER_SECOND = 100_000;

// ---------------------------------------------------------------------------------------------------------
// Measurement helpers

let peakRss = 0;
function sampleMemory(): void {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
}

function ms(start: bigint, end: bigint = process.hrtime.bigint()): number {
  return Number(end - start) / 1e6;
}

function fmtMs(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`;
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function fmtMb(bytes: number): string {
  return `${fmtInt(bytes / 2 ** 20)} MB`;
}

function fmtUs(ns: number): string {
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(1)} µs`;
}

function pct(n: number, total: number): string {
  return total === 0 ? "-" : `${((100 * n) / total).toFixed(1)}%`;
}

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

/**
 * Profiles one phase with the inspector when --cpu-profile DIR is given; writes DIR/<name>.cpuprofile with
 * positions mapped back to the TypeScript sources (tsx runs whitespace-minified code with an inline map).
 */
class PhaseProfiler {
  private session: Session | undefined;
  private readonly maps = new Map<string, SourceMap | undefined>();

  constructor(private readonly dir: string | undefined) {}

  async start(): Promise<void> {
    if (!this.dir) return;
    if (!this.session) {
      this.session = new Session();
      this.session.connect();
    }
    await this.session.post("Profiler.enable");
    await this.session.post("Profiler.setSamplingInterval", { interval: 200 });
    await this.session.post("Profiler.start");
  }

  private async mapOf(scriptId: string): Promise<SourceMap | undefined> {
    if (this.maps.has(scriptId)) return this.maps.get(scriptId);
    let map: SourceMap | undefined;
    try {
      const { scriptSource } = await this.session!.post("Debugger.getScriptSource", { scriptId });
      const m = /sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(scriptSource);
      if (m) map = new SourceMap(JSON.parse(Buffer.from(m[1]!, "base64").toString("utf8")));
    } catch {
      map = undefined;
    }
    this.maps.set(scriptId, map);
    return map;
  }

  async stop(name: string): Promise<void> {
    if (!this.dir || !this.session) return;
    const { profile } = await this.session.post("Profiler.stop");
    await this.session.post("Profiler.disable");
    await this.session.post("Debugger.enable");
    for (const node of profile.nodes) {
      const f = node.callFrame;
      if (!f.url.startsWith(`file://${REPO}/`)) continue;
      const e = (await this.mapOf(f.scriptId))?.findEntry(f.lineNumber, f.columnNumber);
      if (e && "originalLine" in e && e.originalLine !== undefined) {
        f.lineNumber = e.originalLine;
        f.columnNumber = e.originalColumn ?? 0;
      }
    }
    await this.session.post("Debugger.disable");
    mkdirSync(this.dir, { recursive: true });
    const file = resolve(this.dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    log(`  profile: ${relative(REPO, file)}`);
  }
}

class Tally {
  readonly counts = new Map<string, number>();
  add(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }
  get total(): number {
    let t = 0;
    for (const n of this.counts.values()) t += n;
    return t;
  }
  sorted(): [string, number][] {
    return [...this.counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }
  print(title: string, limit = 30): void {
    const total = this.total;
    log(`  ${title} (${fmtInt(total)})`);
    const rows = this.sorted();
    for (const [k, n] of rows.slice(0, limit))
      log(`    ${fmtInt(n).padStart(9)}  ${pct(n, total).padStart(6)}  ${k}`);
    if (rows.length > limit) log(`    … ${rows.length - limit} more`);
  }
}

function errorCode(e: unknown): string {
  if (e instanceof VnetlabError) return e.code;
  return e instanceof Error ? `${e.name}: ${e.message.slice(0, 80)}` : String(e);
}

// ---------------------------------------------------------------------------------------------------------
// Files

interface Files {
  estateFile: string;
  flowsFile: string;
  generatedMs?: number;
}

function ensureFiles(opts: GenerateOptions, dir: string, regen: boolean): Files {
  mkdirSync(dir, { recursive: true });
  const names = fileNamesFor(dir, opts);
  const meta = metaFor(opts);
  const fresh =
    !regen &&
    existsSync(names.estateFile) &&
    existsSync(names.flowsFile) &&
    existsSync(names.metaFile) &&
    readFileSync(names.metaFile, "utf8") === meta;
  if (fresh) return { estateFile: names.estateFile, flowsFile: names.flowsFile };
  log(`generating ${relative(REPO, names.estateFile)} …`);
  const t0 = process.hrtime.bigint();
  const generated = generateEstate(opts);
  writeEstate(generated, names.estateFile, names.flowsFile);
  writeFileSync(names.metaFile, meta);
  return { estateFile: names.estateFile, flowsFile: names.flowsFile, generatedMs: ms(t0) };
}

function readFlows(file: string): FlowLine[] {
  const out: FlowLine[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    out.push(JSON.parse(line) as FlowLine);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Verdict mix

interface Mix {
  verdicts: Tally;
  firewall: Tally;
  paths: Tally;
  sources: Tally;
  errors: Tally;
  blockersPerDeny: Tally;
}

function newMix(): Mix {
  return {
    verdicts: new Tally(),
    firewall: new Tally(),
    paths: new Tally(),
    sources: new Tally(),
    errors: new Tally(),
    blockersPerDeny: new Tally(),
  };
}

/** `networkAcls.virtualNetworkRules[/subscriptions/...]` → `networkAcls.virtualNetworkRules`. */
function ruleFamily(rule: string | undefined, reason?: string): string {
  // Names and numbers vary per resource; the family is what is left without them.
  if (!rule) return reason ? `(${reason.replace(/\S*\d\S*/g, "#").slice(0, 70)})` : "(no rule)";
  return rule
    .replace(/\[.*$/, "")
    .replace(/^(firewallRules|virtualNetworkRules)\/.*$/, "$1")
    .replace(/\d+/g, "N");
}

function recordTrace(mix: Mix, flow: Flow, t: Trace): void {
  const d = t.decidedBy;
  mix.verdicts.add(`${t.verdict.padEnd(5)} by ${d.stage}`);
  mix.sources.add(`${flow.source.kind} → ${t.verdict}`);
  let path = "(none)";
  for (const s of t.stages) if (s.stage === "path") path = s.path;
  mix.paths.add(path);
  const what =
    d.stage === "firewall"
      ? `${(t.destination.resourceType ?? "?").split("/")[0]} ${t.verdict === "Deny" ? (t.response?.code ?? "?") : ""}`
      : d.stage;
  mix.firewall.add(`${t.verdict.padEnd(5)} ${what} ${ruleFamily(d.rule, d.reason)}`);
  if (t.verdict === "Deny") mix.blockersPerDeny.add(`${t.blockers.length} blocker(s)`);
}

/**
 * `--dump FILE`: the first N traces (or errors) as JSON lines, `{from, to, ...trace}` like the CLI prints
 * them, so that an engine change can be checked for identical verdicts with `diff` or `cmp`.
 */
class DumpWriter {
  private readonly fd: number;
  private n = 0;
  constructor(
    file: string,
    private readonly limit: number,
  ) {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    this.fd = openSync(file, "w");
  }
  add(line: FlowLine, t: Trace | undefined): void {
    if (this.n++ >= this.limit) return;
    writeSync(
      this.fd,
      `${JSON.stringify(t ? { from: line.from, to: line.to, ...t } : { from: line.from, to: line.to, error: true })}\n`,
    );
  }
  close(): void {
    closeSync(this.fd);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The CLI batch path

interface CliResult {
  flows: number;
  lines: number;
  errors: number;
  exitCode: number | null;
  wallMs: number;
}

function writeBatchFile(flows: readonly FlowLine[], n: number, dir: string): string {
  const file = resolve(dir, `batch-${n}.jsonl`);
  writeFileSync(
    file,
    `${flows
      .slice(0, n)
      .map((f) => JSON.stringify(f))
      .join("\n")}\n`,
  );
  return file;
}

function runCli(estateFile: string, batchFile: string, flows: number): Promise<CliResult> {
  return new Promise((done, fail) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [resolve(REPO, "bin/vnetlab.js"), "trace", "--estate", estateFile, "--batch", batchFile],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    let lines = 0;
    let errors = 0;
    let stderr = "";
    const rl = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    rl.on("line", (line) => {
      lines++;
      // An error line is {"from","to","error":{code,message}}; a trace has no top-level "error".
      if (line.startsWith('{"from"') && /,"error":\{"code":"[A-Za-z]+","message":/.test(line.slice(0, 2000)))
        errors++;
    });
    child.stderr.on("data", (b: Buffer) => {
      if (stderr.length < 4000) stderr += b.toString();
    });
    child.on("error", fail);
    child.on("close", (code) => {
      const wallMs = ms(t0);
      if (lines === 0 && code !== 0) {
        fail(new Error(`the CLI exited with ${code}: ${stderr.trim().slice(0, 2000)}`));
        return;
      }
      done({ flows, lines, errors, exitCode: code, wallMs });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------

function stringArg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opts = optionsFromArgs(argv);
  const extra = numericArgs(argv, ["passes", "sample", "batch", "dump-count"]);
  const dumpFile = stringArg(argv, "dump");
  const dumpCount = extra["dump-count"] ?? 20_000;
  const passes = Math.max(1, extra.passes ?? 3);
  const sampleSize = extra.sample ?? 50_000;
  const batchFlows = extra.batch ?? 50_000;
  const cliBaseline = !argv.includes("--no-cli-baseline");
  const outDir = resolve(stringArg(argv, "out") ?? DEFAULT_OUT_DIR);
  const profileDir = stringArg(argv, "cpu-profile");
  const profiler = new PhaseProfiler(profileDir === undefined ? undefined : resolve(profileDir));
  const tStart = process.hrtime.bigint();

  log(
    `vnetlab trace benchmark — node ${process.version}, ${process.platform}/${process.arch}, gc ${globalThis.gc ? "exposed" : "not exposed (run with --expose-gc for heap-after-GC)"}`,
  );
  log(`options: ${JSON.stringify(opts)}`);
  const load0 = loadavg();
  log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}; load average ${load0.map((x) => x.toFixed(2)).join(" ")}${load0[0]! > 0.5 ? " — other work is running: figures will be noisy" : ""}`,
  );

  // 1. Files.
  const files = ensureFiles(opts, outDir, argv.includes("--regen"));
  if (files.generatedMs !== undefined) log(`generated in ${fmtMs(files.generatedMs)}`);
  else log(`reusing ${relative(REPO, files.estateFile)} (--regen to rewrite)`);
  const lines = readFlows(files.flowsFile);
  sampleMemory();

  // 2. Load and compile.
  let t = process.hrtime.bigint();
  let resources: unknown[] | undefined = estateResourcesOf(
    JSON.parse(readFileSync(files.estateFile, "utf8")),
    files.estateFile,
  );
  const readMs = ms(t);
  const fileResources = resources.length;
  sampleMemory();
  await profiler.start();
  t = process.hrtime.bigint();
  const estate: Estate = compileEstate(resources);
  const compileMs = ms(t);
  await profiler.stop("compile");
  resources = undefined;
  sampleMemory();
  log(
    `estate: ${fmtInt(fileResources)} resources in the file, ${fmtInt(estate.resources.length)} with children; read+parse ${fmtMs(readMs)}, compileEstate ${fmtMs(compileMs)}`,
  );

  // 3. First flow: builds the per-estate indexes (topology, DNS names, route index) on first use.
  t = process.hrtime.bigint();
  try {
    traceBetween(estate, lines[0]!.from, lines[0]!.to);
  } catch {
    // counted below with the others
  }
  const firstFlowMs = ms(t);

  // 4. Parse every flow once.
  const parsed: { flow: Flow; line: number }[] = [];
  const mix = newMix();
  t = process.hrtime.bigint();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    try {
      parsed.push({
        flow: {
          source: parseSource(estate, l.from),
          destination: parseDestination(estate, l.to),
          protocol: "Tcp",
        },
        line: i,
      });
    } catch (e) {
      mix.errors.add(`parse: ${errorCode(e)}`);
    }
  }
  const parseMs = ms(t);
  sampleMemory();
  const flows = parsed.map((p) => p.flow);
  log(
    `parsed ${fmtInt(flows.length)} of ${fmtInt(lines.length)} flows in ${fmtMs(parseMs)} (${fmtInt((lines.length / parseMs) * 1000)}/s)`,
  );

  // 5. Cold pass: per-subnet routes, NSGs and firewall rule sets are built on first use.
  let sink = 0;
  await profiler.start();
  t = process.hrtime.bigint();
  // The tallies and the dump are timed apart and taken out of the cold-pass figure.
  let bookkeeping = 0n;
  const dump = dumpFile ? new DumpWriter(dumpFile, dumpCount) : undefined;
  for (let i = 0; i < flows.length; i++) {
    const f = flows[i]!;
    let r: Trace | undefined;
    try {
      r = trace(estate, f);
      sink += r.stages.length;
    } catch (e) {
      mix.errors.add(`trace: ${errorCode(e)}`);
    }
    const b0 = process.hrtime.bigint();
    if (r) recordTrace(mix, f, r);
    dump?.add(lines[parsed[i]!.line]!, r);
    if ((i & 0x3fff) === 0) sampleMemory();
    bookkeeping += process.hrtime.bigint() - b0;
  }
  dump?.close();
  const coldMs = ms(t) - Number(bookkeeping) / 1e6;
  await profiler.stop("cold");
  sampleMemory();
  log(
    `cold pass: ${fmtInt(flows.length)} traces in ${fmtMs(coldMs)} (${fmtInt((flows.length / coldMs) * 1000)}/s, includes building per-subnet caches)`,
  );

  // 6. Steady state: trace() only, over pre-parsed flows, single-threaded.
  const passRates: number[] = [];
  let steadyErrors = 0;
  for (let p = 0; p < passes; p++) {
    if (p === 0) await profiler.start();
    t = process.hrtime.bigint();
    for (let i = 0; i < flows.length; i++) {
      try {
        sink += trace(estate, flows[i]!).stages.length;
      } catch {
        steadyErrors++;
      }
    }
    const passMs = ms(t);
    if (p === 0) await profiler.stop("steady");
    passRates.push((flows.length / passMs) * 1000);
    sampleMemory();
    log(
      `pass ${p + 1}/${passes}: ${fmtInt(flows.length)} traces in ${fmtMs(passMs)} (${fmtInt(passRates[p]!)}/s)`,
    );
  }
  const sortedRates = [...passRates].sort((a, b) => a - b);
  const medianRate = sortedRates[Math.floor(sortedRates.length / 2)]!;
  const bestRate = sortedRates[sortedRates.length - 1]!;

  // 7. Latency: a spread-out sample, each trace timed on its own.
  const step = Math.max(1, Math.floor(flows.length / Math.max(1, sampleSize)));
  const lat: number[] = [];
  for (let i = 0; i < flows.length && lat.length < sampleSize; i += step) {
    const f = flows[i]!;
    const s = process.hrtime.bigint();
    try {
      sink += trace(estate, f).stages.length;
    } catch {
      // an error is a latency too
    }
    lat.push(Number(process.hrtime.bigint() - s));
  }
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;

  // 8. End to end from strings (parse + trace per flow), warm caches: what a batch caller pays.
  t = process.hrtime.bigint();
  let e2eErrors = 0;
  for (const l of lines) {
    try {
      sink += traceBetween(estate, l.from, l.to).stages.length;
    } catch {
      e2eErrors++;
    }
  }
  const e2eMs = ms(t);
  const e2eRate = (lines.length / e2eMs) * 1000;
  log(
    `end to end (parse + trace from strings): ${fmtInt(lines.length)} flows in ${fmtMs(e2eMs)} (${fmtInt(e2eRate)}/s)`,
  );
  sampleMemory();

  // 9. Memory.
  let heapAfterGc: number | undefined;
  if (globalThis.gc) {
    globalThis.gc();
    heapAfterGc = process.memoryUsage().heapUsed;
  }
  const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  const load1 = loadavg();
  const inProcessMs = ms(tStart);

  // 10. The CLI batch path, in a child process.
  let cli: CliResult | undefined;
  let cliBase: CliResult | undefined;
  let cliFailure: string | undefined;
  if (batchFlows > 0) {
    try {
      const n = Math.min(batchFlows, lines.length);
      const batchFile = writeBatchFile(lines, n, outDir);
      if (cliBaseline) {
        const oneFile = writeBatchFile(lines, 1, outDir);
        log("CLI: one-flow batch (start-up + estate load + compile) …");
        cliBase = await runCli(files.estateFile, oneFile, 1);
      }
      log(
        `CLI: node bin/vnetlab.js trace --estate ${relative(REPO, files.estateFile)} --batch ${relative(REPO, batchFile)} …`,
      );
      cli = await runCli(files.estateFile, batchFile, n);
    } catch (e) {
      cliFailure = (e instanceof Error ? e.message : String(e)).split("\n").slice(0, 6).join(" | ");
      log(`CLI run failed: ${cliFailure}`);
    }
  }

  // ---- report ----
  const decided = mix.verdicts.total;
  const errorsTotal = mix.errors.total;
  log("");
  log("verdict mix (cold pass over the pre-parsed flows; parse errors listed with them)");
  mix.verdicts.print("verdict by deciding stage");
  mix.errors.print("errors (bad input, as the CLI reports per line)");
  mix.firewall.print("deciding rule family", 40);
  mix.paths.print("path taken");
  mix.sources.print("source kind → verdict");
  mix.blockersPerDeny.print("blockers per denied flow");

  const stagesSeen = new Set([...mix.verdicts.counts.keys()].map((k) => k.split(" by ")[1]!));
  const warnings: string[] = [];
  const allStages = ["dns", "nsg", "route", "policy", "firewall"];
  const missing = allStages.filter((s) => !stagesSeen.has(s));
  if (missing.length) warnings.push(`no flow was decided by: ${missing.join(", ")}`);
  if (errorsTotal > 0.05 * lines.length)
    warnings.push(
      `${pct(errorsTotal, lines.length)} of the flows are errors: the generator and the engine disagree`,
    );
  if (!mix.verdicts.sorted().some(([k]) => k.startsWith("Allow"))) warnings.push("no flow is allowed");
  if (!mix.verdicts.sorted().some(([k]) => k.startsWith("Deny"))) warnings.push("no flow is denied");
  const coldTraceErrors = mix.errors.sorted().reduce((n, [k, c]) => (k.startsWith("trace:") ? n + c : n), 0);
  if (steadyErrors !== coldTraceErrors * passes) {
    warnings.push(
      "the steady-state passes threw a different number of errors than the cold pass (non-deterministic?)",
    );
  }

  const rows: [string, string][] = [
    [
      "estate",
      `${fmtInt(fileResources)} resources (${fmtInt(estate.resources.length)} with children): ${opts.vnets} VNets × 8 subnets, ${opts.vms} VMs, ${opts.storageAccounts} storage, ${opts.sqlServers} SQL, ${opts.keyVaults} KV`,
    ],
    [
      "files",
      `${relative(REPO, files.estateFile)} (${fmtMb(readFileSync(files.estateFile).byteLength)}), ${fmtInt(lines.length)} flows`,
    ],
    ["read + JSON.parse", fmtMs(readMs)],
    ["compileEstate", fmtMs(compileMs)],
    ["first flow (index build)", fmtMs(firstFlowMs)],
    ["parse flows", `${fmtMs(parseMs)} (${fmtInt((lines.length / parseMs) * 1000)}/s)`],
    ["cold pass (cache build)", `${fmtMs(coldMs)} (${fmtInt((flows.length / coldMs) * 1000)} traces/s)`],
    [
      "warm-up total",
      `${fmtMs(compileMs + firstFlowMs + parseMs + coldMs)} (compile + first flow + parse + cold pass)`,
    ],
    [
      "trace() steady state",
      `${fmtInt(medianRate)} traces/s median, ${fmtInt(bestRate)} best, over ${passes} × ${fmtInt(flows.length)} pre-parsed flows, 1 core`,
    ],
    [
      "target ≥ 100,000/s",
      medianRate >= TARGET_PER_SECOND
        ? "MET"
        : `MISSED (${((100 * medianRate) / TARGET_PER_SECOND).toFixed(0)}% of target)`,
    ],
    ["end to end (parse+trace)", `${fmtInt(e2eRate)} flows/s (${fmtInt(e2eErrors)} errors)`],
    [
      `latency (n=${fmtInt(lat.length)})`,
      `p50 ${fmtUs(q(0.5))}, p90 ${fmtUs(q(0.9))}, p99 ${fmtUs(q(0.99))}, p99.9 ${fmtUs(q(0.999))}, max ${fmtUs(lat[lat.length - 1] ?? 0)}`,
    ],
    ["peak RSS", fmtMb(maxRss)],
    ["heap after GC", heapAfterGc === undefined ? "n/a (run node with --expose-gc)" : fmtMb(heapAfterGc)],
    [
      "verdicts",
      `${fmtInt(decided)} decided, ${fmtInt(errorsTotal)} errors (${pct(errorsTotal, decided + errorsTotal)}); stages deciding: ${allStages.map((s) => `${s} ${stagesSeen.has(s) ? "✓" : "✗"}`).join(" ")}`,
    ],
    ["in-process wall", fmtMs(inProcessMs)],
    [
      "load average",
      `${load0[0]!.toFixed(2)} at start, ${load1[0]!.toFixed(2)} after the in-process phases (${cpus().length} cores)`,
    ],
  ];
  if (cliFailure) rows.push(["CLI --batch", `FAILED: ${cliFailure.slice(0, 300)}`]);
  if (cli) {
    const rate = (cli.flows / cli.wallMs) * 1000;
    rows.push([
      "CLI --batch",
      `${fmtInt(cli.flows)} flows in ${fmtMs(cli.wallMs)} wall = ${fmtInt(rate)} flows/s (${fmtInt(cli.lines)} lines out, ${fmtInt(cli.errors)} error lines, exit ${cli.exitCode})`,
    ]);
    if (cliBase) {
      const net = cli.wallMs - cliBase.wallMs;
      rows.push([
        "CLI start-up + load",
        `${fmtMs(cliBase.wallMs)} (one-flow batch); batch throughput after start-up ≈ ${net > 0 ? fmtInt(((cli.flows - 1) / net) * 1000) : "?"} flows/s`,
      ]);
    }
  }
  if (sink === -1) log("");
  log("");
  log("══════════════════════════════ vnetlab trace benchmark ══════════════════════════════");
  for (const [k, v] of rows) log(`  ${k.padEnd(26)} ${v}`);
  for (const w of warnings) log(`  WARNING: ${w}`);
  log("═════════════════════════════════════════════════════════════════════════════════════");
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
