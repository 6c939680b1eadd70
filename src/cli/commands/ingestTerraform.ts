// `vnetlab ingest terraform PLAN.json [--subscription ID] [--out FILE]`: `terraform show -json` output of a
// plan or a state → an ARM JSON estate ({ "resources": [...] }), with the ingest's warnings on stderr.
import type { Command } from "commander";
import { formatWarning, ingestTerraform } from "../../ingest/terraform/index.js";
import { EXIT, type Io, writeOutput } from "../io.js";
import { readJsonFile } from "../loadEstate.js";

export interface IngestTerraformOptions {
  subscription?: string;
  out?: string;
}

export function ingestTerraformCommand(file: string, opts: IngestTerraformOptions, io: Io): number {
  const { resources, warnings } = ingestTerraform(readJsonFile(file), {
    file,
    ...(opts.subscription ? { subscription: opts.subscription } : {}),
  });
  for (const w of warnings) io.err(`vnetlab: warning: ${formatWarning(w)}`);
  const text = `${JSON.stringify({ resources }, null, 2)}\n`;
  writeOutput(io, text, opts.out);
  return EXIT.ok;
}

/** Adds `ingest terraform` (and the `ingest` group, unless another ingest command made it already). */
export function registerIngestTerraform(program: Command, io: Io, done: (code: number) => void): void {
  const ingest =
    program.commands.find((c) => c.name() === "ingest") ??
    program.command("ingest").description("convert infrastructure-as-code output into an ARM JSON estate");
  ingest
    .command("terraform")
    .description(
      "`terraform show -json` output of a plan or a state → ARM JSON estate; unknown-after-apply ids resolved as the deployment will make them",
    )
    .argument("<file>", "the JSON of `terraform show -json PLAN` (or of a state)")
    .option("--subscription <id>", "subscription of resources whose provider configuration names none")
    .option("--out <file>", "write the estate here instead of stdout")
    .action((file: string, opts: IngestTerraformOptions) => done(ingestTerraformCommand(file, opts, io)));
}
