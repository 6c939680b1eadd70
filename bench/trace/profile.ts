// Reads a V8 .cpuprofile (node --cpu-prof) and prints the functions with the most self time and the most
// total (inclusive) time, and self time per file. Paths are shown relative to the repository.
//
//   node --cpu-prof --cpu-prof-dir bench/trace/out/prof --import tsx bench/trace/run.ts --batch 0
//   node --import tsx bench/trace/profile.ts bench/trace/out/prof/<file>.cpuprofile [--top 30] [--filter src/]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function where(f: CallFrame): string {
  let url = f.url.replace(/^file:\/\//, "");
  if (url.startsWith(REPO)) url = url.slice(REPO.length + 1);
  if (url === "") return "(native)";
  return `${url}:${f.lineNumber + 1}`;
}

function fileOf(f: CallFrame): string {
  const w = where(f);
  return w.replace(/:\d+$/, "");
}

function label(f: CallFrame): string {
  return `${f.functionName || "(anonymous)"}  ${where(f)}`;
}

/** The newest .cpuprofile when given a directory. */
function pickFile(arg: string): string {
  const p = resolve(arg);
  if (!statSync(p).isDirectory()) return p;
  const files = readdirSync(p)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => join(p, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0]) throw new Error(`no .cpuprofile in ${p}`);
  return files[0];
}

export function summarize(file: string, top = 30, filter?: string): string {
  const prof = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of prof.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const perFile = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i + 1] ?? prof.timeDeltas[i] ?? 0;
    const node = byId.get(prof.samples[i]!);
    if (!node) continue;
    all += dt;
    const key = label(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    const f = fileOf(node.callFrame);
    perFile.set(f, (perFile.get(f) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = label(byId.get(id)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  }
  const lines: string[] = [];
  const ms = (us: number): string =>
    `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / all).toFixed(1).padStart(5)}%`;
  const keep = (k: string): boolean => !filter || k.includes(filter);
  lines.push(`${file}: ${(all / 1e6).toFixed(1)} s sampled`);
  lines.push("", "self time (top functions)");
  for (const [k, v] of [...self]
    .filter(([k]) => keep(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    lines.push(`  ${ms(v)}  ${k}`);
  }
  lines.push("", "total (inclusive) time");
  for (const [k, v] of [...total]
    .filter(([k]) => keep(k) && !k.startsWith("(root)") && !k.startsWith("(program)"))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    lines.push(`  ${ms(v)}  ${k}`);
  }
  lines.push("", "self time per file");
  for (const [k, v] of [...perFile].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${ms(v)}  ${k}`);
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href) {
  const argv = process.argv.slice(2);
  const target = argv.find((a, i) => !a.startsWith("--") && !argv[i - 1]?.startsWith("--"));
  if (!target) {
    process.stderr.write("usage: profile.ts FILE.cpuprofile|DIR [--top N] [--filter TEXT]\n");
    process.exit(2);
  }
  const topAt = argv.indexOf("--top");
  const filterAt = argv.indexOf("--filter");
  const top = topAt >= 0 ? Number(argv[topAt + 1]) : 30;
  const filter = filterAt >= 0 ? argv[filterAt + 1] : undefined;
  process.stdout.write(`${summarize(pickFile(target), top, filter)}\n`);
}
