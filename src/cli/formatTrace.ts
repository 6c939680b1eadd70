// A trace as a network engineer reads it: each stage on one line, the deciding rule, and every blocker.
import type { Stage, Trace } from "../engine/trace.js";

const MARK: Record<string, string> = { pass: "✓", block: "✗", info: "·" };

function outcomeOf(s: Stage): "pass" | "block" | "info" {
  switch (s.stage) {
    case "nsg":
      return s.access === "Allow" ? "pass" : "block";
    case "firewall":
      return s.result.decision === "Allow" ? "pass" : "block";
    case "dns":
    case "route":
    case "policy":
      return s.outcome;
    default:
      return "info";
  }
}

/** ARM ids shortened for reading: `.../virtualNetworks/vnet1/subnets/a` → `vnet1/subnets/a`; JSON keeps them whole. */
export function shortIds(text: string): string {
  return text.replace(
    /\/subscriptions\/[^/\s\]]+(?:\/resourceGroups\/[^/\s\]]+)?\/providers\/[^/\s\]]+\/[^/\s\]]+\/([^\s\]]+)/gi,
    "$1",
  );
}

export function formatTrace(t: Trace, from: string, to: string): string {
  const out: string[] = [];
  out.push(`Trace ${from} → ${to}`);
  for (const s of t.stages) {
    const indent = "  ".repeat(s.hop + 1);
    out.push(`${indent}${MARK[outcomeOf(s)]} ${s.stage.padEnd(8)} ${s.summary}`);
  }
  out.push("");
  out.push(`Verdict: ${t.verdict.toUpperCase()}`);
  const d = t.decidedBy;
  out.push(`Decided by: ${d.stage}${d.rule ? ` — ${d.rule}` : ""}`);
  out.push(`  ${d.reason}`);
  if (d.resourceId) out.push(`  resource: ${d.resourceId}`);
  if (t.sourceIpSeenByService) out.push(`Source IP seen by the service: ${t.sourceIpSeenByService}`);
  if (t.response) {
    // Status 0: the service refuses at its own protocol (SQL's TDS login), not with an HTTP response.
    const how = t.response.status ? `HTTP ${t.response.status}` : "login refused,";
    out.push(`Service response: ${how} ${t.response.code} — ${t.response.message.split("\n")[0]}`);
  }
  if (t.blockers.length > 1) {
    out.push(`All blockers on the path (${t.blockers.length}):`);
    t.blockers.forEach((b, i) => {
      out.push(`  ${i + 1}. ${b.stage}${b.rule ? ` ${b.rule}` : ""}: ${b.reason}`);
    });
  }
  return shortIds(out.join("\n"));
}
