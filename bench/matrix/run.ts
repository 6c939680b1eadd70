// The matrix benchmark: the whole reachability matrix of a large estate against the per-pair trace loop.
//
//   node --expose-gc --import tsx bench/matrix/run.ts                 # 10,000 subnets, 10,000 storage accounts
//   node --expose-gc --import tsx bench/matrix/run.ts --vnets 200     # a smaller estate, same shape
//
// The estate comes from the trace benchmark's generator (bench/trace/generate.ts: hub-and-spoke VNets of eight
// subnets over ten regions, NSGs with service tags, forced tunnelling to NVAs, endpoint policies, VMs, private
// endpoints, a VPN gateway), sized so that it holds 10,000 subnets, 10,000 storage accounts whose VNet rules
// name up to 200 subnets, and 2,000 other PaaS resources (SQL servers and key vaults). It prints the time of
// the full matrix (`computeMatrix`: every source × every resource), the time of `trace` on a random sample of
// the same pairs scaled to all of them, their ratio (target: matrix ≥ 50× faster), and the peak RSS (target:
// < 2 GiB). Options: --vnets N (default 1250), --sample N pairs (default 20000), --seed N.
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { computeMatrix } from "../../src/analysis/matrix/matrix.js";
import { trace } from "../../src/engine/index.js";
import { compileEstate } from "../../src/model/compileEstate.js";
import { defaultOptions, generateEstate } from "../trace/generate.js";
import { Rng } from "../trace/prng.js";

const { values } = parseArgs({
  options: {
    vnets: { type: "string", default: "1250" },
    sample: { type: "string", default: "20000" },
    seed: { type: "string", default: "1" },
  },
});
const vnets = Number(values.vnets);
const sampleSize = Number(values.sample);
const seed = Number(values.seed);
if (!(vnets >= 1) || !(sampleSize >= 1) || !Number.isInteger(seed)) {
  throw new Error("--vnets, --sample: positive numbers; --seed: an integer");
}

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number): string => `${fmt(bytes / 2 ** 20)} MiB`;

// 8 subnets per VNet; 8 storage accounts per VNet gives 10,000 at 1,250 VNets; SQL and Key Vault 0.8 each.
const opts = {
  ...defaultOptions(vnets),
  seed,
  storageAccounts: 8 * vnets,
  sqlServers: Math.round(0.8 * vnets),
  keyVaults: Math.round(0.8 * vnets),
  flows: 0,
};
log(`generating ${vnets} VNets ...`);
let t = performance.now();
const generated = generateEstate(opts);
log(`generated ${fmt(generated.resources.length)} resources in ${secs(performance.now() - t)}`);
t = performance.now();
const estate = compileEstate(generated.resources);
const compileMs = performance.now() - t;
generated.resources.length = 0;
(globalThis as { gc?: () => void }).gc?.();

log("computing the matrix ...");
t = performance.now();
const matrix = computeMatrix(estate);
const matrixMs = performance.now() - t;
const counts = matrix.counts();
const pairs = matrix.sources.length * matrix.resources.length;
const rssAfterMatrix = process.memoryUsage().rss;

log(`tracing ${fmt(sampleSize)} random pairs ...`);
const rng = new Rng(seed + 1);
const sample = Array.from({ length: sampleSize }, () => ({
  s: matrix.sources[rng.int(matrix.sources.length)]!,
  r: matrix.resources[rng.int(matrix.resources.length)]!,
}));
let allowSample = 0;
// Three passes over the same sample, after the matrix (so both run on warm per-subnet caches); the median
// pass counts, and the spread is printed: the machine's noise shows in it.
const passes: number[] = [];
for (let pass = 0; pass < 3; pass++) {
  allowSample = 0;
  t = performance.now();
  for (const { s, r } of sample) {
    if (trace(estate, { source: s.flow, destination: r.destination, protocol: "Tcp" }).verdict === "Allow")
      allowSample++;
  }
  passes.push(performance.now() - t);
}
const sampleMs = [...passes].sort((a, b) => a - b)[1]!;
const spread = `passes ${passes.map((p) => `${((p * 1e3) / sampleSize).toFixed(1)}`).join(" / ")} µs per pair`;
const perPairMs = (sampleMs / sampleSize) * pairs;

const kinds = new Map<string, number>();
for (const s of matrix.sources) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
const rtypes = new Map<string, number>();
for (const r of matrix.resources) rtypes.set(r.resource.type, (rtypes.get(r.resource.type) ?? 0) + 1);
const storage = matrix.resources.filter((r) => r.resource.type === "Microsoft.Storage/storageAccounts");
const rulesOf = (r: (typeof storage)[number]): number =>
  (
    (r.resource.properties as { networkAcls?: { virtualNetworkRules?: unknown[] } }).networkAcls
      ?.virtualNetworkRules ?? []
  ).length;
const maxRules = storage.reduce((m, r) => Math.max(m, rulesOf(r)), 0);
const subnets = estate.ofType("Microsoft.Network/virtualNetworks/subnets");
const withPolicy = subnets.filter(
  (s) => ((s.properties as { serviceEndpointPolicies?: unknown[] }).serviceEndpointPolicies ?? []).length > 0,
).length;
const peak = process.resourceUsage().maxRSS * 1024;

const out = [
  "== bench/matrix: the whole reachability matrix vs the per-pair trace loop ==",
  `machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}`,
  `estate: ${fmt(estate.resources.length)} resources with children; ${fmt(subnets.length)} subnets in ${fmt(vnets)} VNets (${fmt(withPolicy)} with endpoint policies), compiled in ${secs(compileMs)}`,
  `sources: ${[...kinds].map(([k, n]) => `${fmt(n)} ${k}`).join(", ")}; resources: ${[...rtypes].map(([k, n]) => `${fmt(n)} ${k.split("/").pop()}`).join(", ")} (storage VNet rules up to ${maxRules})`,
  `pairs: ${fmt(pairs)} (${fmt(counts.allow)} allowed, ${fmt(counts.deny)} denied); ${fmt(counts.classes)} destination classes, ${fmt(counts.paths)} network paths traced, ${fmt(counts.groups)} source groups, ${fmt(counts.singles)} sources named by a resource's rules`,
  "",
  `matrix:          ${secs(matrixMs)} for all ${fmt(pairs)} pairs (${((matrixMs * 1e6) / pairs).toFixed(0)} ns per pair)`,
  `per-pair traces: ${secs(sampleMs)} for ${fmt(sampleSize)} random pairs, median of 3 (${((sampleMs * 1e3) / sampleSize).toFixed(1)} µs each; ${spread}; ${((100 * allowSample) / sampleSize).toFixed(1)} % allowed) → ${secs(perPairMs)} scaled to all pairs`,
  `ratio: matrix is ${(perPairMs / matrixMs).toFixed(0)}× faster (target ≥ 50×) ${perPairMs / matrixMs >= 50 ? "MET" : "MISSED"}`,
  `memory: peak RSS ${mib(peak)} (target < 2 GiB) ${peak < 2 * 2 ** 30 ? "MET" : "MISSED"}; RSS after the matrix ${mib(rssAfterMatrix)}`,
];
process.stdout.write(`${out.join("\n")}\n`);
