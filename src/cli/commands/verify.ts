// `vnetlab verify --intents FILE`: intents in JSON or YAML, checked in one run; a terminal report, and for CI
// JUnit XML (`--junit`) and SARIF (`--sarif`) pointing at each failed intent's line. Exit 1 when any fails.
import { readFileSync, writeFileSync } from "node:fs";
import { isMap, isNode, isSeq, LineCounter, parseDocument } from "yaml";
import { type IntentResult, parseIntents, verifyIntents } from "../../analysis/intents.js";
import { sarifLog } from "../../analysis/sarif.js";
import { VnetlabError } from "../../model/errors.js";
import type { Estate } from "../../model/estate.js";
import { fnv1a32 } from "../../model/publicEndpoints.js";
import { shortIds } from "../formatTrace.js";
import { EXIT, type Io } from "../io.js";
import { table } from "../table.js";

export interface VerifyOptions {
  intents: string;
  json?: boolean;
  junit?: string;
  sarif?: string;
  deployer?: string;
}

/** Reads an intents file (YAML or JSON: JSON is YAML) with the line each intent starts on. */
function readIntents(file: string): ReturnType<typeof parseIntents> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new VnetlabError("InvalidIntent", `cannot read the file: ${(e as NodeJS.ErrnoException).code}`, {
      file,
    });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0)
    throw new VnetlabError("InvalidIntent", `not valid YAML or JSON: ${doc.errors[0]!.message}`, { file });
  const seq = isMap(doc.contents) ? doc.get("intents", true) : doc.contents;
  const lineOf = (i: number): number | undefined => {
    const item: unknown = isSeq(seq) ? seq.items[i] : undefined;
    const range = isNode(item) ? item.range : undefined;
    return range ? lines.linePos(range[0]).line : undefined;
  };
  return parseIntents(doc.toJS(), file, lineOf);
}

const nameOf = (r: IntentResult): string => r.intent.name ?? `${r.intent.from} → ${r.intent.to}`;

function detail(r: IntentResult): string {
  if (r.kind === "error") return `${r.error.code}: ${r.error.message}`;
  if (r.kind === "flow") {
    const d = r.decidedBy;
    return `${r.verdict.toLowerCase()}: ${d.stage}${d.rule ? ` ${d.rule}` : ""}: ${d.reason}`;
  }
  if (r.passed) return `${r.pairs} pair(s) as expected`;
  const v = r.violations.map(
    (x) =>
      `${x.source} → ${x.resource}: ${x.verdict.toLowerCase()} by ${x.decidedBy.stage}${x.decidedBy.rule ? ` ${x.decidedBy.rule}` : ""}`,
  );
  return `${v.length} of ${r.pairs} pair(s) break it: ${v.join("; ")}`;
}

const xml = (s: string): string =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );

function junit(results: readonly IntentResult[], file: string): string {
  const failed = results.filter((r) => !r.passed).length;
  const cases = results.map((r) => {
    const head = `    <testcase classname="${xml(file)}" name="${xml(nameOf(r))}">`;
    if (r.passed) return `${head}</testcase>`;
    const tag = r.kind === "error" ? "error" : "failure";
    return `${head}\n      <${tag} message="${xml(`expected ${r.intent.expect}`)}">${xml(detail(r))}</${tag}>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${results.length}" failures="${failed}">`,
    `  <testsuite name="vnetlab verify" tests="${results.length}" failures="${failed}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

function sarif(results: readonly IntentResult[], file: string): string {
  const rule = {
    id: "VNL-INTENT",
    name: "network-intent",
    title: "A network intent does not hold",
    help: "The estate does not give the verdict the intent expects; the message names the rule that decides.",
    level: "error" as const,
  };
  const out = results
    .filter((r) => !r.passed)
    .map((r) => ({
      ruleId: rule.id,
      level: "error" as const,
      message: `${nameOf(r)} (expected ${r.intent.expect}): ${detail(r)}`,
      uri: file,
      ...(r.intent.line ? { line: r.intent.line } : {}),
      fingerprint: fnv1a32(`${r.intent.from}|${r.intent.to}|${r.intent.expect}`).toString(16),
    }));
  return JSON.stringify(sarifLog([rule], out, { fingerprintName: "vnetlabIntent/v1" }), null, 2);
}

export function verifyCommand(estate: Estate, opts: VerifyOptions, io: Io): number {
  const results = verifyIntents(estate, readIntents(opts.intents), { deployer: opts.deployer });
  const failed = results.filter((r) => !r.passed).length;
  if (opts.junit) writeFileSync(opts.junit, junit(results, opts.intents));
  if (opts.sarif) writeFileSync(opts.sarif, sarif(results, opts.intents));
  if (opts.json) {
    io.out(
      JSON.stringify(
        {
          passed: results.length - failed,
          failed,
          results: results.map((r) =>
            r.kind === "error"
              ? { ...r.intent, passed: false, error: r.error }
              : r.kind === "flow"
                ? { ...r.intent, passed: r.passed, verdict: r.verdict, decidedBy: r.decidedBy }
                : { ...r.intent, passed: r.passed, pairs: r.pairs, violations: r.violations },
          ),
        },
        null,
        2,
      ),
    );
  } else {
    const rows = results.map((r) => [
      r.kind === "error" ? "ERROR" : r.passed ? "PASS" : "FAIL",
      nameOf(r),
      r.intent.expect,
      r.kind === "flow" ? r.verdict.toLowerCase() : r.kind === "set" ? `${r.pairs} pairs` : "-",
      detail(r),
    ]);
    io.out(
      table(
        ["RESULT", "INTENT", "EXPECT", "GOT", "DECIDED BY"],
        rows.map((r) => r.map(shortIds)),
      ),
    );
    io.out(`\n${results.length - failed} of ${results.length} intents hold`);
  }
  if (results.some((r) => r.kind === "error")) return EXIT.badInput;
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
