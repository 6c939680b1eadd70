// Findings as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format), for code-scanning tools:
// every rule in tool.driver.rules, each finding a result at the resource (a logical location) and, when the
// caller knows it, the file the resource came from (a physical location).
import { fnv1a32 } from "../../model/publicEndpoints.js";
import {
  type SarifLog,
  sarifLog,
  type SarifResultInput,
  type SarifRuleInput,
  withArtifacts,
} from "../sarif.js";
import type { Finding, RuleInfo } from "./types.js";

export { SARIF_SCHEMA, type SarifLog } from "../sarif.js";

export interface SarifOptions {
  rules: readonly RuleInfo[];
  /** The URI of the file a resource came from (relative or file:), when known. */
  artifactUriOf?: (resourceId: string) => string | undefined;
  version?: string;
}

const lastName = (id: string): string => id.slice(id.lastIndexOf("/") + 1);

export function toSarif(findings: readonly Finding[], opts: SarifOptions): SarifLog {
  const results = findings.map((f): SarifResultInput => {
    const uri = opts.artifactUriOf?.(f.resourceId);
    const { ruleId, rule: _rule, severity, message, ...properties } = f;
    return {
      ruleId,
      level: severity,
      message: `${message} Fix: ${f.fix}`,
      ...(uri ? { uri } : {}),
      logical: { fullyQualifiedName: f.resourceId, name: lastName(f.resourceId), kind: "resource" },
      fingerprint: fnv1a32(`${ruleId}|${f.resourceId.toLowerCase()}|${message}`).toString(16),
      properties,
    };
  });
  const rules = opts.rules.map((r): SarifRuleInput => ({
    id: r.id,
    name: r.name,
    title: r.title,
    help: r.help,
    level: r.severity,
    source: r.source,
  }));
  return withArtifacts(
    sarifLog(rules, results, { version: opts.version, fingerprintName: "vnetlabFinding/v1" }),
  );
}
