// `vnetlab deploy TEMPLATE`: an ARM template deployed onto estate files (incremental mode: the deployed
// resources replace those with the same ids; the result must compile, or nothing is written) or through a
// running server's ARM API, one PUT per resource in dependency order, stopping at the first refusal.
import { existsSync, writeFileSync } from "node:fs";
import { basename, extname } from "node:path";
import {
  type EvaluateOptions,
  evaluateTemplate,
  type Json,
  mergeIncremental,
  parameterFromText,
  parametersFileValues,
  type TemplateResult,
} from "../../ingest/template/index.js";
import { compileEstate } from "../../model/compileEstate.js";
import { VnetlabError } from "../../model/errors.js";
import type { Estate } from "../../model/estate.js";
import { idKey, parseResourceId } from "../../model/resourceId.js";
import { EXIT, type Io } from "../io.js";
import { compileInput, type EstateInput, readEstateInput, readJsonFile } from "../loadEstate.js";
import { fetchServerEstate, putResource } from "../remoteEstate.js";

export interface DeployOptions {
  /** Parameters files (`file.json` or `@file.json`) and `name=value` overrides, in order. */
  parameters: string[];
  resourceGroup?: string;
  subscription?: string;
  location?: string;
  estate: string[];
  out?: string;
  server?: string;
  serviceTags?: string;
}

/** The parameter values: files first as given, `name=value` overrides after them in order. */
function parameterValues(template: unknown, entries: readonly string[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const entry of entries) {
    const kv = /^([A-Za-z_$][\w$-]*)=([\s\S]*)$/.exec(entry);
    if (kv && !existsSync(entry)) {
      out[kv[1]!] = parameterFromText(template, kv[1]!, kv[2]!);
    } else {
      const file = entry.startsWith("@") ? entry.slice(1) : entry;
      Object.assign(out, parametersFileValues(readJsonFile(file), file));
    }
  }
  return out;
}

/** The target subscription and resource group: as given, or the estate's only ones. */
function targetOf(estate: Estate, opts: DeployOptions): { subscriptionId: string; resourceGroup: string } {
  const groups = estate.ofType("Microsoft.Resources/resourceGroups").map((r) => parseResourceId(r.id)!);
  const named = opts.resourceGroup
    ? groups.filter((g) => g.name.toLowerCase() === opts.resourceGroup!.toLowerCase())
    : groups;
  const resourceGroup = opts.resourceGroup ?? (named.length === 1 ? named[0]!.name : undefined);
  if (!resourceGroup) {
    throw new VnetlabError(
      "InvalidDeployOption",
      `name the target resource group with --resource-group (the estate has ${groups.length})`,
    );
  }
  const subs = new Set(
    estate.resources.flatMap((r) => parseResourceId(r.id)?.subscriptionId ?? []).map((s) => s.toLowerCase()),
  );
  const subscriptionId =
    opts.subscription ??
    (named.length === 1 ? named[0]!.subscriptionId : undefined) ??
    (subs.size === 1 ? [...subs][0] : undefined);
  if (!subscriptionId) {
    throw new VnetlabError("InvalidDeployOption", "name the target subscription with --subscription");
  }
  return { subscriptionId, resourceGroup };
}

function summary(result: TemplateResult, target: string): string[] {
  const lines = [`Deployed ${result.resources.length} resource(s) into ${target}:`];
  for (const s of result.steps) lines.push(`  ${s.resource.type}  ${s.resource.name}`);
  const outputs = Object.entries(result.outputs);
  if (outputs.length > 0) lines.push("Outputs:");
  for (const [name, o] of outputs) lines.push(`  ${name} (${o.type}) = ${JSON.stringify(o.value)}`);
  return lines;
}

async function deployToServer(server: string, result: TemplateResult, io: Io): Promise<void> {
  for (const step of result.steps) {
    const r = await putResource(server, step.resource.id, step.apiVersion, step.resource);
    if (r.error) {
      throw new VnetlabError(
        "DeploymentFailed",
        `${step.path} (${step.resource.id}) was refused with ${r.status}: ${r.error.code}: ${r.error.message}`,
      );
    }
    io.out(`PUT ${step.resource.id} → ${r.status}`);
  }
}

/** A template evaluated against a compiled estate (its resource group and subscription, or the estate's only ones). */
function evaluateOnto(
  templateFile: string,
  base: Estate,
  opts: DeployOptions,
): { result: TemplateResult; resourceGroup: string } {
  const template = readJsonFile(templateFile);
  const target = targetOf(base, opts);
  const options: EvaluateOptions = {
    ...target,
    parameters: parameterValues(template, opts.parameters),
    ...(opts.location ? { location: opts.location } : {}),
    deploymentName: basename(templateFile, extname(templateFile)),
    lookup: (id) => base.get(id),
  };
  try {
    return { result: evaluateTemplate(template, options), resourceGroup: target.resourceGroup };
  } catch (e) {
    if (e instanceof VnetlabError) e.context.file ??= templateFile;
    throw e;
  }
}

/**
 * Estate files with a template deployed onto them (incremental mode); the result must compile (references
 * resolve, prefixes fit...), or it throws and nothing is written. `what-if --template` uses it too.
 */
export function deployOntoInput(
  templateFile: string,
  input: EstateInput,
  opts: DeployOptions,
): { input: EstateInput; result: TemplateResult; resourceGroup: string } {
  const { result, resourceGroup } = evaluateOnto(templateFile, compileInput(input), opts);
  const resources = mergeIncremental(input.resources, result.resources);
  const deployedIds = new Set(result.resources.map((r) => idKey(r.id)));
  const origins = resources.map((r, i) => {
    const id = (r as { id?: unknown }).id;
    return typeof id === "string" && deployedIds.has(idKey(id)) ? templateFile : input.origins[i]!;
  });
  compileEstate(resources, { serviceTags: input.serviceTags, origins });
  return { input: { ...input, resources, origins }, result, resourceGroup };
}

export async function deployCommand(templateFile: string, opts: DeployOptions, io: Io): Promise<number> {
  if (opts.server && opts.estate.length > 0) {
    throw new VnetlabError(
      "InvalidDeployOption",
      "deploy onto either --estate files or a --server, not both",
    );
  }
  if (opts.server && opts.out) throw new VnetlabError("InvalidDeployOption", "--out goes with --estate");
  if (opts.server) {
    const base = compileEstate(await fetchServerEstate(opts.server));
    const { result, resourceGroup } = evaluateOnto(templateFile, base, opts);
    await deployToServer(opts.server, result, io);
    for (const line of summary(result, resourceGroup)) io.out(line);
    return EXIT.ok;
  }
  const { input, result, resourceGroup } = deployOntoInput(templateFile, readEstateInput(opts), opts);
  const text = JSON.stringify({ resources: input.resources }, null, 2);
  if (opts.out) {
    writeFileSync(opts.out, `${text}\n`);
    for (const line of summary(result, resourceGroup)) io.out(line);
    io.out(`Estate written to ${opts.out} (${input.resources.length} resources)`);
  } else {
    io.out(text);
  }
  return EXIT.ok;
}
