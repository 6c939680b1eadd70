// `vnetlab audit exfiltration`: where data can leave — paths to accounts outside the trusted set, storage
// endpoints without a policy, and a policy per such subnet with its what-if. Exit 1 when a path exists.
import { auditExfiltration, type ExfiltrationPath } from "../../analysis/audit/exfiltration.js";
import type { Estate } from "../../model/estate.js";
import { shortIds } from "../formatTrace.js";
import { EXIT, type Io } from "../io.js";
import { table } from "../table.js";

export interface AuditCommandOptions {
  trustedSubscriptions: string[];
  trustedTenants: string[];
  format: "table" | "json";
}

const split = (values: readonly string[]): string[] =>
  values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");

function destination(p: ExfiltrationPath): string {
  const d = p.destination;
  return d.kind === "rogue"
    ? `any ${d.resourceType.split("/").pop()} in ${d.region} (outside the estate)`
    : d.resourceId;
}

export function auditCommand(estate: Estate, opts: AuditCommandOptions, io: Io): number {
  const subscriptions = split(opts.trustedSubscriptions);
  const tenants = split(opts.trustedTenants);
  const report = auditExfiltration(estate, {
    ...(subscriptions.length > 0 ? { trustedSubscriptions: subscriptions } : {}),
    trustedTenants: tenants,
  });
  if (opts.format === "json") {
    io.out(JSON.stringify(report, null, 2));
    return report.paths.length > 0 ? EXIT.failed : EXIT.ok;
  }
  io.out(
    `Trusted: subscriptions ${report.trusted.subscriptions.join(", ") || "-"}; tenants ${report.trusted.tenants.join(", ") || "-"}\n`,
  );
  io.out(`Paths out of the trusted set (${report.paths.length}):`);
  io.out(
    table(
      ["SUBNET", "CAN REACH", "PATH", "ALLOWED BY"],
      report.paths.map((p) => [
        shortIds(p.subnetId),
        shortIds(destination(p)),
        p.viaAppliance && p.path !== "virtualAppliance" ? `${p.path} (via appliance)` : p.path,
        shortIds(`${p.decidedBy.stage}${p.decidedBy.rule ? ` ${p.decidedBy.rule}` : ""}`),
      ]),
    ),
  );
  io.out(`\nSubnets with a storage endpoint and no endpoint policy (${report.unprotectedSubnets.length}):`);
  for (const u of report.unprotectedSubnets) io.out(`  ${shortIds(u.subnetId)}  (${u.endpoints.join(", ")})`);
  io.out(`\nProposed endpoint policies (${report.proposals.length}):`);
  for (const p of report.proposals) {
    io.out(`  ${shortIds(p.subnetId)}: ${p.recommendation}`);
    if (!p.whatIf) continue;
    const w = p.whatIf;
    io.out(
      `    what-if: ${w.kept.length} flow(s) kept, ${w.broken.length} broken, ${w.closed.length} path(s) out closed, ${w.stillOpen.length} still open`,
    );
    for (const b of w.broken)
      io.out(
        `    breaks ${shortIds(b.resourceId)}: ${b.after.decidedBy.stage} ${b.after.decidedBy.rule ?? ""}`,
      );
    for (const o of w.stillOpen) io.out(`    still open: ${shortIds(o.resourceId)} over ${o.after.path}`);
  }
  io.out("\n(--format json gives each policy as ARM JSON, ready to deploy)");
  return report.paths.length > 0 ? EXIT.failed : EXIT.ok;
}
