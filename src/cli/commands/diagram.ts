// `vnetlab diagram --estate FILE... --format svg|drawio|mermaid`: the web UI's topology view as a file —
// the same diagram model, layout and renderers — optionally grouped, and coloured by one source's verdicts.
import { type Command, Option } from "commander";
import { matrixResources, matrixSources } from "../../analysis/matrix/endpoints.js";
import { VnetlabError } from "../../model/errors.js";
import { buildDiagram } from "../../web/diagram/build.js";
import { inProcessElk } from "../../web/elk.js";
import {
  type DiagramFormat,
  findSource,
  layoutView,
  overlayOf,
  parseGroupBy,
  renderAs,
} from "../../web/view.js";
import { EXIT, type Io, writeOutput } from "../io.js";
import { loadEstate } from "../loadEstate.js";

export interface DiagramOptions {
  estate: string[];
  serviceTags?: string;
  format: DiagramFormat;
  groupBy?: string;
  source?: string;
  out?: string;
}

export async function diagramCommand(opts: DiagramOptions, io: Io): Promise<number> {
  if (opts.estate.length === 0) throw new VnetlabError("InvalidEstate", "give the estate: --estate FILE...");
  const estate = loadEstate(opts);
  const view = { groupBy: parseGroupBy(opts.groupBy), collapsed: [] };
  const overlay = opts.source
    ? overlayOf(estate, findSource(matrixSources(estate), opts.source), matrixResources(estate))
    : undefined;
  const laid = await layoutView(buildDiagram(estate), view, inProcessElk());
  const title = overlay ? `vnetlab topology — reachability from ${overlay.sourceLabel}` : undefined;
  const text = renderAs(opts.format, laid, overlay, title);
  writeOutput(io, text, opts.out);
  return EXIT.ok;
}

export function registerDiagram(
  program: Command,
  io: Io,
  done: (code: number | Promise<number>) => void,
): void {
  program
    .command("diagram")
    .description("draw the estate (the web UI's topology view) as SVG, draw.io XML or Mermaid")
    .option(
      "--estate <file...>",
      "ARM JSON estate file(s); several files merge",
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option("--service-tags <file>", "a ServiceTags_Public JSON file to use instead of the bundled tags")
    .addOption(
      new Option("--format <format>", "output format").choices(["svg", "drawio", "mermaid"]).default("svg"),
    )
    .addOption(
      new Option("--group-by <grouping>", "box the top level by resource group or subscription")
        .choices(["none", "resource-group", "subscription"])
        .default("none"),
    )
    .option(
      "--source <source>",
      "colour every PaaS resource by its verdict from this source (VM, subnet, internet)",
    )
    .option("--out <file>", "write the diagram here instead of stdout")
    .action((opts: DiagramOptions) => done(diagramCommand(opts, io)));
}
