// One SARIF 2.1.0 writer (OASIS Static Analysis Results Interchange Format) for every vnetlab report that
// code-scanning tools show inline in a pull request: lint findings, failed intents. Each report maps its own
// items to rules and results; this file owns the log's shape.
export const SARIF_SCHEMA =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

export type SarifLevel = "error" | "warning" | "note";

interface Text {
  text: string;
}

export interface SarifRuleInput {
  id: string;
  name: string;
  title: string;
  help: string;
  level: SarifLevel;
  source?: string;
}

export interface SarifResultInput {
  ruleId: string;
  level: SarifLevel;
  message: string;
  /** The file the item came from, and its line when known. */
  uri?: string;
  line?: number;
  /** The resource (or other named thing) the result is about. */
  logical?: { fullyQualifiedName: string; name: string; kind: string };
  fingerprint: string;
  properties?: Record<string, unknown>;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: Text;
  fullDescription: Text;
  help: Text;
  defaultConfiguration: { level: SarifLevel };
  properties?: { source: string };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: Text;
  locations: {
    physicalLocation?: {
      artifactLocation: { uri: string; index: number };
      region?: { startLine: number };
    };
    logicalLocations?: { fullyQualifiedName: string; name: string; kind: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  properties?: Record<string, unknown>;
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

export function sarifLog(
  rules: readonly SarifRuleInput[],
  results: readonly SarifResultInput[],
  opts: { version?: string; fingerprintName: string },
): SarifLog {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const artifacts: string[] = [];
  const artifactIndex = (uri: string): number => {
    let i = artifacts.indexOf(uri);
    if (i < 0) i = artifacts.push(uri) - 1;
    return i;
  };
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "vnetlab",
            ...(opts.version ? { version: opts.version } : {}),
            rules: rules.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.title },
              fullDescription: { text: r.help },
              help: { text: r.source ? `${r.help} Source: ${r.source}.` : r.help },
              defaultConfiguration: { level: r.level },
              ...(r.source ? { properties: { source: r.source } } : {}),
            })),
          },
        },
        artifacts: [],
        results: results.map((r) => ({
          ruleId: r.ruleId,
          ruleIndex: ruleIndex.get(r.ruleId) ?? -1,
          level: r.level,
          message: { text: r.message },
          locations: [
            {
              ...(r.uri
                ? {
                    physicalLocation: {
                      artifactLocation: { uri: r.uri, index: artifactIndex(r.uri) },
                      ...(r.line ? { region: { startLine: r.line } } : {}),
                    },
                  }
                : {}),
              ...(r.logical ? { logicalLocations: [r.logical] } : {}),
            },
          ],
          partialFingerprints: { [opts.fingerprintName]: r.fingerprint },
          ...(r.properties ? { properties: r.properties } : {}),
        })),
      },
    ],
  };
}

/** The artifacts the results name, filled in once all results are known. */
export function withArtifacts(log: SarifLog): SarifLog {
  for (const run of log.runs) {
    const uris: string[] = [];
    for (const r of run.results)
      for (const l of r.locations) {
        const a = l.physicalLocation?.artifactLocation;
        if (a) uris[a.index] = a.uri;
      }
    run.artifacts = uris.map((uri) => ({ location: { uri } }));
  }
  return log;
}
