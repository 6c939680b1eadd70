// `vnetlab lint`: findings as a table (for people), JSON (an array of findings) or SARIF 2.1.0 (for code
// scanning). Exit codes as `verify`: 0 no finding at or above the threshold, 1 findings, 2 bad input.
import { isAbsolute, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { type Finding, lint, lintRules, type Severity, toSarif } from "../../analysis/lint/index.js";
import { VnetlabError } from "../../model/errors.js";
import type { Estate } from "../../model/estate.js";
import { idKey, parentId } from "../../model/resourceId.js";
import { shortIds } from "../formatTrace.js";
import { EXIT, type Io } from "../io.js";
import { compileInput, type EstateInput, readEstateInput } from "../loadEstate.js";
import { table } from "../table.js";

export type LintFormat = "table" | "json" | "sarif";

export interface LintOptions {
  estate: string[];
  serviceTags?: string;
  format: LintFormat;
  severity: Severity;
}

/** The file each resource came from, found by its id or its nearest parent's (inline children). */
function fileLookup(input: EstateInput): (resourceId: string) => string | undefined {
  const files = new Map<string, string>();
  input.resources.forEach((r, i) => {
    const id = (r as { id?: unknown } | null)?.id;
    const file = input.origins[i];
    if (typeof id === "string" && file !== undefined && !files.has(idKey(id))) files.set(idKey(id), file);
  });
  return (resourceId) => {
    for (let id: string | undefined = resourceId; id; id = parentId(id)) {
      const file = files.get(idKey(id));
      if (file) return file;
    }
    return undefined;
  };
}

/** A file path as a SARIF artifact URI: relative paths as relative references, absolute ones as file: URLs. */
function uriOf(file: string): string {
  return isAbsolute(file) ? pathToFileURL(file).href : file.split(sep).map(encodeURIComponent).join("/");
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function formatTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return "No findings.";
  const rows = findings.map((f, i) => [
    String(i + 1),
    f.severity,
    f.ruleId,
    shortIds(f.resourceId),
    shortIds(f.message),
  ]);
  const details = findings.map((f, i) => {
    const lines = [`[${i + 1}] ${f.ruleId} ${f.rule} — ${shortIds(f.resourceId)}`];
    lines.push(
      `    why: ${shortIds(f.explanation)}`,
      `    fix: ${shortIds(f.fix)}`,
      `    source: ${f.source}`,
    );
    if (f.equivalents?.length) {
      lines.push(
        `    see also: ${f.equivalents.map((e) => `${e.tool} ${e.id}${e.name ? ` (${e.name})` : ""}`).join("; ")}`,
      );
    }
    return lines.join("\n");
  });
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  return [
    table(["#", "SEVERITY", "RULE", "RESOURCE", "FINDING"], rows),
    "",
    details.join("\n\n"),
    "",
    `${plural(findings.length, "finding")}: ${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ${plural(count("note"), "note")}`,
  ].join("\n");
}

export function lintCommand(opts: LintOptions, io: Io): number {
  const input = readEstateInput(opts);
  const fileOf = fileLookup(input);
  let estate: Estate | undefined;
  try {
    estate = compileInput(input);
  } catch (e) {
    // An estate ARM would refuse can't be compiled: when a resource rule explains the refusal, report it as a
    // finding (with the rest unchecked) rather than as bad input.
    if (
      !(e instanceof VnetlabError) ||
      e.code !== "SubnetHasBothRegionalAndGlobalStorageServiceEndpointsTogether" ||
      lint({ resources: input.resources }).length === 0
    )
      throw e;
    io.err(`vnetlab: ${e.oneLine()} (the other rules need an estate ARM would accept)`);
  }
  const findings = lint({ resources: input.resources, estate }, { severity: opts.severity });
  switch (opts.format) {
    case "json":
      io.out(JSON.stringify(findings, null, 2));
      break;
    case "sarif":
      io.out(
        JSON.stringify(
          toSarif(findings, {
            rules: lintRules,
            artifactUriOf: (id) => {
              const file = fileOf(id);
              return file === undefined ? undefined : uriOf(file);
            },
          }),
          null,
          2,
        ),
      );
      break;
    case "table":
      io.out(formatTable(findings));
  }
  return findings.length > 0 ? EXIT.failed : EXIT.ok;
}
