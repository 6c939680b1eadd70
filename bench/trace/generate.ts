// Deterministic generator of a large ARM estate and a flow list for the trace benchmark.
//
//   node --import tsx bench/trace/generate.ts [--vnets 1000] [--seed 1] [--flows 250000] [--out bench/trace/out]
//
// Everything is drawn from a seeded PRNG (prng.ts), so one set of options always gives byte-identical files.
// The estate imitates a real enterprise tenant: hub-and-spoke VNets over several paired regions, subnets with a
// mix of service endpoints and policies, forced tunnelling to NVAs, NSGs of 50 rules with service tags, VMs,
// storage accounts / SQL servers / key vaults with network rules naming the estate's subnets, a few private
// endpoints with private DNS zones, and one VPN gateway to on-premises. The flows mix VMs (by name, private IP
// and ARM id), internet clients and on-premises clients towards storage, SQL, Key Vault and VM addresses, so
// that every stage of a trace (DNS, NSG, route, policy, firewall) decides some of them.
//
// The parts live in their own modules, all drawing from the one Rng of the shared plan (plan.ts): addresses.ts
// (ids, address arithmetic and the estate's layout), vnets.ts, nsgs.ts, routes.ts, compute.ts, paas.ts,
// privateLink.ts, flows.ts and write.ts. This file keeps the order in which they run, which fixes the output,
// and the command line.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { emitVms } from "./compute.js";
import { generateFlows } from "./flows.js";
import { emitNsgs } from "./nsgs.js";
import {
  emitKeyVaults,
  emitSql,
  emitStorage,
  planClients,
  planKeyVaults,
  planSql,
  planStorage,
} from "./paas.js";
import { EstatePlan, type GeneratedEstate, type GenerateOptions } from "./plan.js";
import { planPrivateEndpoints } from "./privateLink.js";
import { emitGateway, emitRouteTablesAndNvas } from "./routes.js";
import { emitVnets, planPolicies, planVnets } from "./vnets.js";
import { writeEstate } from "./write.js";

export type { FlowLine, GeneratedEstate, GenerateOptions } from "./plan.js";
export { writeEstate, type WrittenFiles } from "./write.js";

/** Bump when the generator's output changes, so that run.ts does not reuse stale files. */
export const GENERATOR_VERSION = 2;

/** The full benchmark size, or one scaled to `vnets` (4 VMs, 5 storage accounts, 0.5 SQL servers per VNet). */
export function defaultOptions(vnets = 1000): GenerateOptions {
  return {
    seed: 1,
    vnets,
    vms: 4 * vnets,
    storageAccounts: 5 * vnets,
    sqlServers: Math.max(1, Math.round(vnets / 2)),
    keyVaults: Math.max(2, Math.round(vnets / 50)),
    flows: 250_000,
  };
}

/** The estate and its flows. Every part draws from one Rng, so the order of the calls below is the output. */
export function generateEstate(opts: GenerateOptions): GeneratedEstate {
  const plan = new EstatePlan(opts);
  planClients(plan);
  planVnets(plan);
  planStorage(plan);
  planSql(plan);
  planKeyVaults(plan);
  planPolicies(plan);
  planPrivateEndpoints(plan);
  emitNsgs(plan);
  emitRouteTablesAndNvas(plan);
  emitVms(plan);
  emitGateway(plan);
  emitVnets(plan);
  emitStorage(plan);
  emitSql(plan);
  emitKeyVaults(plan);
  const flows = generateFlows(plan);
  const counts: Record<string, number> = {};
  for (const r of plan.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return { resources: plan.resources, flows, counts };
}

/** `--name value` pairs from argv; numbers only. */
export function numericArgs(argv: readonly string[], names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) continue;
    const name = a.slice(2);
    if (!names.includes(name)) continue;
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a non-negative number`);
    out[name] = v;
    i++;
  }
  return out;
}

/** Options from `--vnets --seed --vms --storage --sql --kv --flows`, scaled from --vnets when not given. */
export function optionsFromArgs(argv: readonly string[]): GenerateOptions {
  const a = numericArgs(argv, ["vnets", "seed", "vms", "storage", "sql", "kv", "flows"]);
  const base = defaultOptions(a.vnets ?? 1000);
  return {
    seed: a.seed ?? base.seed,
    vnets: base.vnets,
    vms: a.vms ?? base.vms,
    storageAccounts: a.storage ?? base.storageAccounts,
    sqlServers: a.sql ?? base.sqlServers,
    keyVaults: a.kv ?? base.keyVaults,
    flows: a.flows ?? base.flows,
  };
}

/** File names that encode the options, so that different sizes live side by side. */
export function fileNamesFor(
  dir: string,
  opts: GenerateOptions,
): { estateFile: string; flowsFile: string; metaFile: string } {
  const tag = `v${opts.vnets}-vm${opts.vms}-st${opts.storageAccounts}-sql${opts.sqlServers}-kv${opts.keyVaults}-s${opts.seed}`;
  return {
    estateFile: join(dir, `estate-${tag}.json`),
    flowsFile: join(dir, `flows-${tag}-${opts.flows}.jsonl`),
    metaFile: join(dir, `meta-${tag}-${opts.flows}.json`),
  };
}

/** What run.ts compares to decide whether files on disk were generated with these options. */
export function metaFor(opts: GenerateOptions): string {
  return JSON.stringify({ generator: GENERATOR_VERSION, opts });
}

export const DEFAULT_OUT_DIR = resolve(import.meta.dirname ?? ".", "out");

function stringArg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const opts = optionsFromArgs(argv);
  const dir = resolve(stringArg(argv, "out") ?? DEFAULT_OUT_DIR);
  mkdirSync(dir, { recursive: true });
  const names = fileNamesFor(dir, opts);
  const t0 = performance.now();
  const written = writeEstate(generateEstate(opts), names.estateFile, names.flowsFile);
  writeFileSync(names.metaFile, metaFor(opts));
  console.log(
    `generated ${written.resources} resources and ${written.flows} flows in ${((performance.now() - t0) / 1000).toFixed(1)} s\n  ${written.estateFile}\n  ${written.flowsFile}`,
  );
  for (const [type, n] of Object.entries(written.counts).sort((x, y) => y[1] - x[1]))
    console.log(`  ${String(n).padStart(7)}  ${type}`);
}
