// The `vnetlab` command line. Exit codes: 0 evaluated, 1 an intent failed (or lint found something), 2 bad input.
import { Command, CommanderError, Option } from "commander";
import { VnetlabError } from "../model/errors.js";
import { routesCommand } from "./commands/routes.js";
import { rulesCommand } from "./commands/rules.js";
import { traceBatch, traceCommand } from "./commands/trace.js";
import { verifyCommand } from "./commands/verify.js";
import { lintCommand } from "./commands/lint.js";
import { SEVERITIES } from "../analysis/lint/index.js";
import { matrixCommand } from "./commands/matrix.js";
import { auditCommand } from "./commands/audit.js";
import { registerIngestTerraform } from "./commands/ingestTerraform.js";
import { registerDiagram } from "./commands/diagram.js";
import { whatIfCommand } from "./commands/whatIf.js";
import { deployCommand, deployOntoInput } from "./commands/deploy.js";
import { EXIT, type Io, processIo } from "./io.js";
import { DEFAULT_INTERNET_IP } from "../dataplane/sources.js";
import { StoreError } from "../store/errors.js";
import { loadEstate as loadEstateFiles } from "./loadEstate.js";
import { fetchServerEstate } from "./remoteEstate.js";
import { compileEstate } from "../model/compileEstate.js";
import { ServiceTags } from "../model/serviceTags.js";
import { compileInput, readEstateInput, readJsonFile } from "./loadEstate.js";
import type { Estate } from "../model/estate.js";

/** The estate a command works on: files (--estate) or a running server (--server). */
async function loadEstate(opts: {
  estate: string[];
  server?: string;
  serviceTags?: string;
}): Promise<Estate> {
  if (!opts.server) return loadEstateFiles(opts);
  if (opts.estate.length > 0)
    throw new VnetlabError("InvalidEstate", "use either --estate or --server, not both");
  const serviceTags = opts.serviceTags
    ? ServiceTags.parse(readJsonFile(opts.serviceTags), opts.serviceTags)
    : undefined;
  return compileEstate(await fetchServerEstate(opts.server), { serviceTags, origins: [] });
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `routes --estate a.json b.json vm-app`: the variadic --estate swallows the positional, so when the
 * positional is missing the last word after --estate is taken as the NIC or VM.
 */
function targetOf(target: string | undefined, opts: { estate: string[] }): string {
  if (target !== undefined) return target;
  const last = opts.estate.length > 1 ? opts.estate.pop() : undefined;
  if (!last)
    throw new VnetlabError("UnknownSource", "name the NIC or VM: vnetlab routes --estate FILE... NIC_OR_VM");
  return last;
}

function estateOptions(cmd: Command): Command {
  return cmd
    .option("--estate <file...>", "ARM JSON estate file(s); several files merge", collect, [])
    .option("--server <url>", "read the estate of a running `vnetlab serve` instead of files")
    .option("--service-tags <file>", "a ServiceTags_Public JSON file to use instead of the bundled tags");
}

export function buildProgram(io: Io, done: (code: number | Promise<number>) => void): Command {
  const program = new Command("vnetlab")
    .description("Azure VNet service endpoints, implemented: trace and verify reachability to PaaS resources")
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();

  estateOptions(program.command("trace"))
    .description(
      "trace one flow through DNS, NSGs, routes, service endpoint policies and the service firewall",
    )
    .option("--from <source>", "VM or NIC (name or ARM id), private IP, internet:IP or onprem:IP")
    .option("--to <dest>", "URL, FQDN[:port] or IP:port")
    .option("--batch <file>", 'JSON lines {"from","to"} in, one JSON result per line out ("-" for stdin)')
    .addOption(new Option("--protocol <protocol>", "protocol").choices(["Tcp", "Udp", "Icmp"]).default("Tcp"))
    .option("--json", "machine-readable output")
    .action(async (opts) => {
      const estate = await loadEstate(opts);
      done(opts.batch ? traceBatch(estate, opts.batch, io, opts.protocol) : traceCommand(estate, opts, io));
    });

  estateOptions(program.command("routes"))
    .description(
      "the effective route table of a NIC or VM, as az network nic show-effective-route-table shows it",
    )
    .argument("[nic-or-vm]", "NIC or VM name, ARM id, or private IP")
    .option("--json", "machine-readable output")
    .action(async (target: string | undefined, opts) => {
      const t = targetOf(target, opts);
      done(routesCommand(await loadEstate(opts), t, opts.json === true, io));
    });

  estateOptions(program.command("rules"))
    .description("the effective security rules of a NIC or VM, with service tags expanded")
    .argument("[nic-or-vm]", "NIC or VM name, ARM id, or private IP")
    .option("--json", "machine-readable output")
    .action(async (target: string | undefined, opts) => {
      const t = targetOf(target, opts);
      done(rulesCommand(await loadEstate(opts), t, opts.json === true, io));
    });

  estateOptions(program.command("verify"))
    .description(
      "check intents (JSON or YAML: single flows, or selectors such as every subnet / any storage account) in one run; exit 1 when any fails",
    )
    .requiredOption("--intents <file>", "the intents: a JSON or YAML list")
    .option("--json", "machine-readable output")
    .option("--junit <file>", "also write JUnit XML (one test case per intent)")
    .option("--sarif <file>", "also write SARIF 2.1.0 pointing at each failed intent's line")
    .option("--deployer <ip>", "the deploying machine's public address, which intents name as `deployer`")
    .action(async (opts) => done(verifyCommand(await loadEstate(opts), opts, io)));

  estateOptions(program.command("matrix"))
    .description(
      "every source (subnet, VM, on-premises range, the internet) against every PaaS resource: verdict, path, deciding rule",
    )
    .option("--source <source>", "only this source: its id, name or kind (subnet, nic, onprem, internet)")
    .option("--resource-type <type>", "only this resource type, e.g. Microsoft.Storage/storageAccounts")
    .option("--subscription <id>", "only resources in this subscription")
    .addOption(new Option("--verdict <verdict>", "only allowed or denied cells").choices(["allow", "deny"]))
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "json", "csv"]).default("table"),
    )
    .option("--internet-ip <ip>", "the address that stands for the internet (default: one no rule names)")
    .action(async (opts) => done(matrixCommand(await loadEstate(opts), opts, io)));

  program
    .command("what-if")
    .description(
      "every (source, resource) pair whose verdict changes between two estates, with the reason; exit 1 on any change",
    )
    .requiredOption(
      "--before <estate...>",
      "the estate now: ARM JSON or Terraform JSON file(s), or a server URL",
      collect,
      [],
    )
    .option("--after <estate...>", "the estate after the change (same forms)", collect, [])
    .option("--template <file>", "instead of --after: this ARM template deployed onto the --before files")
    .option(
      "-p, --parameters <values...>",
      "the template's parameters files and name=value overrides",
      collect,
      [],
    )
    .option("-g, --resource-group <name>", "the template's target resource group")
    .option("--subscription <id>", "the template's target subscription")
    .option(
      "--deployer <ip>",
      "the public address of the machine that applies the change: report its lock-outs",
    )
    .option("--internet-ip <ip>", "the address that stands for the internet")
    .option("--service-tags <file>", "a ServiceTags_Public JSON file to use instead of the bundled tags")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts) => {
      const side = (spec: string[]): { estate: string[]; server?: string; serviceTags?: string } =>
        spec.length === 1 && /^https?:\/\//i.test(spec[0]!)
          ? { estate: [], server: spec[0], serviceTags: opts.serviceTags }
          : { estate: spec, serviceTags: opts.serviceTags };
      if (opts.after.length > 0 === (opts.template !== undefined)) {
        throw new VnetlabError(
          "InvalidEstate",
          "give the estate after the change: --after ESTATE or --template FILE",
        );
      }
      const before = await loadEstate(side(opts.before));
      const after = opts.template
        ? compileInput(
            deployOntoInput(opts.template, readEstateInput(side(opts.before)), {
              ...opts,
              estate: opts.before,
            }).input,
          )
        : await loadEstate(side(opts.after));
      done(whatIfCommand(before, after, opts, io));
    });

  const audit = program.command("audit").description("estate-wide audits");
  estateOptions(audit.command("exfiltration"))
    .description(
      "subnets that can reach storage (or SQL, Key Vault, Cosmos DB) outside the trusted set, and the endpoint policies that close the gap; exit 1 when a path exists",
    )
    .option(
      "--trusted-subscriptions <ids...>",
      "trusted subscription ids (default: every subscription in the estate)",
      collect,
      [],
    )
    .option("--trusted-tenants <ids...>", "trusted tenant ids", collect, [])
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts) => done(auditCommand(await loadEstate(opts), opts, io)));

  program
    .command("lint")
    .description(
      "check an estate for service endpoint and PaaS firewall misconfigurations; exit 1 on findings",
    )
    .option("--estate <file...>", "ARM JSON estate file(s); several files merge", collect, [])
    .option("--service-tags <file>", "a ServiceTags_Public JSON file to use instead of the bundled tags")
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "json", "sarif"]).default("table"),
    )
    .addOption(
      new Option("--severity <level>", "report (and fail on) findings at or above this severity")
        .choices(SEVERITIES)
        .default("note"),
    )
    .action((opts) => done(lintCommand(opts, io)));

  program
    .command("deploy")
    .description(
      "deploy an ARM template (or Bicep's compiled JSON) onto estate files (written to --out or stdout) or through a running server's ARM API",
    )
    .argument("<template>", "the ARM template (JSON); give it before the variadic options")
    .option(
      "-p, --parameters <values...>",
      "parameters files (deploymentParameters.json) and name=value overrides",
      collect,
      [],
    )
    .option("-g, --resource-group <name>", "the target resource group (default: the estate's only one)")
    .option("--subscription <id>", "the target subscription (default: the resource group's)")
    .option("-l, --location <location>", "the resource group's location, when the estate does not have it")
    .option("--estate <file...>", "ARM JSON estate file(s) to deploy onto", collect, [])
    .option("--out <file>", "write the resulting estate here instead of stdout")
    .option("--server <url>", "deploy through a running `vnetlab serve` instead of onto files")
    .option("--service-tags <file>", "a ServiceTags_Public JSON file to use instead of the bundled tags")
    .action(async (template: string, opts) => done(deployCommand(template, opts, io)));

  program
    .command("export")
    .description('write a running server\'s estate as ARM JSON ({ "resources": [...] })')
    .requiredOption("--server <url>", "the server's endpoint")
    .action(async (opts) => {
      const resources = await fetchServerEstate(opts.server);
      io.out(JSON.stringify({ resources }, null, 2));
      done(EXIT.ok);
    });

  program
    .command("serve")
    .description(
      "serve the ARM-compatible API (HTTPS; SQLite or PostgreSQL) that the Azure SDKs, CLI and Terraform can drive",
    )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port (0 picks a free one)", "8443")
    .option("--data-dir <dir>", "where the SQLite database and the certificate live", ".vnetlab")
    .option("--in-memory", "keep nothing: an in-memory store (tests)")
    .option(
      "--store <url|file>",
      "postgres://user@host/db to share the estate between servers, or a SQLite file",
    )
    .option("--estate <file...>", "preload ARM JSON estate file(s)", collect, [])
    .option("--cert <file>", "TLS certificate (PEM) instead of the generated one")
    .option("--key <file>", "TLS private key (PEM) for --cert")
    .option("--http", "plain HTTP (the Azure SDKs refuse bearer tokens over http)")
    .option(
      "--auth",
      "check bearer tokens and Azure RBAC; the server issues tokens (OAuth 2.0 client credentials)",
    )
    .option(
      "--principals <file>",
      "JSON service principals (tenant, client id, secret, object id) for --auth",
    )
    .option(
      "--dataplane",
      "also run the data plane: Azurite and an egress proxy per source (vnetlab sources)",
    )
    .addOption(
      new Option("--dataplane-drop <mode>", "how network drops end")
        .choices(["reset", "timeout"])
        .default("reset"),
    )
    .option(
      "--dataplane-upstream <service=url>",
      "where allowed requests to a service without an emulator go (keyVault=https://…, file=http://…, sql=tcp://…)",
      collect,
      [],
    )
    .option("--dataplane-internet-ip <ip>", "the address of the `internet` source", DEFAULT_INTERNET_IP)
    .action(async (opts) => {
      // Loaded on use: the server's stack (Fastify, SQLite, PostgreSQL, the UI, the data plane) costs every
      // other command most of a second at start-up.
      const { serve } = await import("./commands/serve.js");
      const server = await serve(opts, io);
      done(
        new Promise<number>((resolve) => {
          const stop = (): void => {
            void server.close().then(() => resolve(EXIT.ok));
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        }),
      );
    });

  // The data plane of `serve --dataplane` (src/cli/commands/dataplane.ts).
  const dataplaneOptions = (cmd: Command): Command =>
    cmd
      .option("--server <url>", "ask a running server's API instead of reading --data-dir")
      .option("--data-dir <dir>", "the data directory of `vnetlab serve --dataplane`", ".vnetlab")
      .option("--json", "machine-readable output");
  dataplaneOptions(program.command("sources"))
    .description("every source of the data plane (VM, NIC, internet, on-premises) and its egress proxy")
    .action(async (opts) => {
      const { sourcesCommand } = await import("./commands/dataplane.js");
      done(sourcesCommand(opts, io));
    });
  dataplaneOptions(program.command("logs"))
    .description("the data plane's request log: source, address seen, destination, verdict, deciding rule")
    .option("--source <name>", "one source's entries (name or id)")
    .option("--limit <n>", "the most recent N entries", "100")
    .option("-f, --follow", "keep printing new entries")
    .action(async (opts) => {
      const { logsCommand } = await import("./commands/dataplane.js");
      done(logsCommand(opts, io));
    });

  registerIngestTerraform(program, io, done);
  registerDiagram(program, io, done);

  return program;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let result: number | Promise<number> = EXIT.ok;
  try {
    const program = buildProgram(io, (code) => {
      result = code;
    });
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.ok;
    }
    await program.parseAsync(argv, { from: "user" });
    return await result;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    if (e instanceof VnetlabError) {
      io.err(`vnetlab: ${e.oneLine()}`);
      return EXIT.badInput;
    }
    // The store could not be opened (unreachable database, bad options): a one-line reason, not a stack.
    if (e instanceof StoreError) {
      io.err(`vnetlab: ${e.message}`);
      return EXIT.badInput;
    }
    throw e;
  }
}
