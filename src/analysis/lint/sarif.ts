// Findings as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format), for code-scanning tools:
// every rule in tool.driver.rules, each finding a result at the resource (a logical location) and, when the
// caller knows it, the file the resource came from (a physical location).
import { fnv1a32 } from "../../model/publicEndpoints.js";
import type { Finding, RuleInfo } from "./types.js";

export const SARIF_SCHEMA =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

interface Text {
  text: string;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: Text;
  fullDescription: Text;
  help: Text;
  defaultConfiguration: { level: string };
  properties: { source: string };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: Text;
  locations: {
    physicalLocation?: { artifactLocation: { uri: string; index: number } };
    logicalLocations: { fullyQualifiedName: string; name: string; kind: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  properties: Omit<Finding, "ruleId" | "rule" | "severity" | "message">;
}

export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: {
    tool: { driver: { name: string; informationUri?: string; version?: string; rules: SarifRule[] } };
    artifacts: { location: { uri: string } }[];
    results: SarifResult[];
  }[];
}

export interface SarifOptions {
  rules: readonly RuleInfo[];
  /** The URI of the file a resource came from (relative or file:), when known. */
  artifactUriOf?: (resourceId: string) => string | undefined;
  version?: string;
}

const lastName = (id: string): string => id.slice(id.lastIndexOf("/") + 1);

export function toSarif(findings: readonly Finding[], opts: SarifOptions): SarifLog {
  const ruleIndex = new Map(opts.rules.map((r, i) => [r.id, i]));
  const artifacts: string[] = [];
  const artifactIndex = (uri: string): number => {
    let i = artifacts.indexOf(uri);
    if (i < 0) i = artifacts.push(uri) - 1;
    return i;
  };
  const results = findings.map((f): SarifResult => {
    const uri = opts.artifactUriOf?.(f.resourceId);
    const { ruleId, rule: _rule, severity, message, ...properties } = f;
    return {
      ruleId,
      ruleIndex: ruleIndex.get(ruleId) ?? -1,
      level: severity,
      message: { text: `${message} Fix: ${f.fix}` },
      locations: [
        {
          ...(uri ? { physicalLocation: { artifactLocation: { uri, index: artifactIndex(uri) } } } : {}),
          logicalLocations: [
            { fullyQualifiedName: f.resourceId, name: lastName(f.resourceId), kind: "resource" },
          ],
        },
      ],
      partialFingerprints: {
        "vnetlabFinding/v1": fnv1a32(`${ruleId}|${f.resourceId.toLowerCase()}|${message}`).toString(16),
      },
      properties,
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "vnetlab",
            ...(opts.version ? { version: opts.version } : {}),
            rules: opts.rules.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.title },
              fullDescription: { text: r.help },
              help: { text: `${r.help} Source: ${r.source}.` },
              defaultConfiguration: { level: r.severity },
              properties: { source: r.source },
            })),
          },
        },
        artifacts: artifacts.map((uri) => ({ location: { uri } })),
        results,
      },
    ],
  };
}
