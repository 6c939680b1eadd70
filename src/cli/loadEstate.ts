// Reading estate and service-tag files from disk: the only place the CLI touches the file system for them.
import { readFileSync } from "node:fs";
import { compileEstate, estateResourcesOf } from "../model/compileEstate.js";
import { formatWarning, ingestTerraform, isTerraformJson } from "../ingest/terraform/index.js";
import { VnetlabError } from "../model/errors.js";
import type { Estate } from "../model/estate.js";
import { ServiceTags } from "../model/serviceTags.js";

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new VnetlabError(
      "InvalidEstate",
      `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      { file },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new VnetlabError("InvalidJson", `not valid JSON: ${(e as Error).message}`, { file });
  }
}

export interface EstateOptions {
  estate: string[];
  serviceTags?: string;
}

/** An estate file's resources; `terraform show -json` output (plan or state) is ingested, warnings to `warn`. */
function fileResources(content: unknown, file: string, warn: (text: string) => void): unknown[] {
  if (!isTerraformJson(content)) return estateResourcesOf(content, file);
  const { resources, warnings } = ingestTerraform(content, { file });
  for (const w of warnings) warn(`vnetlab: warning: ${file}: ${formatWarning(w)}`);
  return resources;
}

/** The resources of several estate files, each with the file it came from. */
export function readEstateResources(
  files: readonly string[],
  warn: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
): { resources: unknown[]; origins: string[] } {
  const resources: unknown[] = [];
  const origins: string[] = [];
  for (const file of files) {
    for (const r of fileResources(readJsonFile(file), file, warn)) {
      resources.push(r);
      origins.push(file);
    }
  }
  return { resources, origins };
}

/** Estate files as read, not yet compiled: their resources (with the file of each) and the service tags. */
export interface EstateInput {
  resources: unknown[];
  origins: string[];
  serviceTags?: ServiceTags;
}

export function readEstateInput(opts: EstateOptions): EstateInput {
  if (opts.estate.length === 0) {
    throw new VnetlabError("InvalidEstate", "name at least one estate file with --estate (or --server URL)");
  }
  const serviceTags = opts.serviceTags
    ? ServiceTags.parse(readJsonFile(opts.serviceTags), opts.serviceTags)
    : undefined;
  return { ...readEstateResources(opts.estate), ...(serviceTags ? { serviceTags } : {}) };
}

export function compileInput(input: EstateInput): Estate {
  return compileEstate(input.resources, { serviceTags: input.serviceTags, origins: input.origins });
}

export function loadEstate(opts: EstateOptions): Estate {
  return compileInput(readEstateInput(opts));
}
