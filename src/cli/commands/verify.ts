import { parseIntents, verifyIntents } from "../../analysis/intents.js";
import type { Estate } from "../../model/estate.js";
import { EXIT, type Io } from "../io.js";
import { readJsonFile } from "../loadEstate.js";
import { shortIds } from "../formatTrace.js";
import { table } from "../table.js";

export function verifyCommand(estate: Estate, intentsFile: string, json: boolean, io: Io): number {
  const results = verifyIntents(estate, parseIntents(readJsonFile(intentsFile), intentsFile));
  const failed = results.filter((r) => !r.passed).length;
  if (json) {
    io.out(
      JSON.stringify(
        {
          passed: results.length - failed,
          failed,
          results: results.map((r) =>
            "error" in r
              ? { ...r.intent, passed: false, error: r.error }
              : { ...r.intent, passed: r.passed, verdict: r.verdict, decidedBy: r.decidedBy },
          ),
        },
        null,
        2,
      ),
    );
  } else {
    const rows = results.map((r) => {
      const name = r.intent.name ?? `${r.intent.from} → ${r.intent.to}`;
      if ("error" in r) return ["ERROR", name, r.intent.expect, "-", `${r.error.code}: ${r.error.message}`];
      const d = r.decidedBy;
      return [
        r.passed ? "PASS" : "FAIL",
        name,
        r.intent.expect,
        r.verdict.toLowerCase(),
        `${d.stage}${d.rule ? ` ${d.rule}` : ""}: ${d.reason}`,
      ];
    });
    io.out(
      table(
        ["RESULT", "INTENT", "EXPECT", "GOT", "DECIDED BY"],
        rows.map((r) => r.map(shortIds)),
      ),
    );
    io.out(`\n${results.length - failed} of ${results.length} intents hold`);
  }
  if (results.some((r) => "error" in r)) return EXIT.badInput;
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
