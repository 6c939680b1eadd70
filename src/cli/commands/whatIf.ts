// `vnetlab what-if --before ESTATE --after ESTATE`: every (source, resource) pair whose verdict changes,
// with each side's deciding rule and the reason; `--deployer IP` adds the applying machine and flags its
// lock-outs. Exit 1 when anything changes (a CI gate), 0 when nothing does.
import { whatIf, type WhatIfChange } from "../../analysis/whatIf.js";
import type { Estate } from "../../model/estate.js";
import { shortIds } from "../formatTrace.js";
import { EXIT, type Io } from "../io.js";
import { table } from "../table.js";

export interface WhatIfCommandOptions {
  deployer?: string;
  internetIp?: string;
  format: "table" | "json";
}

const sideText = (c: WhatIfChange["before"]): string =>
  `${c.verdict.toLowerCase()} (${c.path}${c.sourceIpSeenByService ? `, seen as ${c.sourceIpSeenByService}` : ""})`;

export function whatIfCommand(before: Estate, after: Estate, opts: WhatIfCommandOptions, io: Io): number {
  const report = whatIf(before, after, { deployer: opts.deployer, internetIp: opts.internetIp });
  if (opts.format === "json") {
    io.out(JSON.stringify(report, null, 2));
  } else {
    io.out(
      table(
        ["SOURCE", "RESOURCE", "BEFORE", "AFTER"],
        report.changes.map((c) => [c.source.label, c.resource.name, sideText(c.before), sideText(c.after)]),
      ),
    );
    for (const c of report.changes) io.out(`\n${c.source.label} → ${c.resource.name}: ${shortIds(c.reason)}`);
    const locks = report.changes.filter((c) => c.lockout).length;
    io.out(
      `\n${report.changes.length} pair(s) change${locks ? `, ${locks} of them locking the deployer out` : ""}; resources added ${report.added.length}, removed ${report.removed.length}`,
    );
  }
  return report.changes.length > 0 ? EXIT.failed : EXIT.ok;
}
