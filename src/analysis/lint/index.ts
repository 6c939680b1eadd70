// `vnetlab lint`: the registry of rules, each with a stable id, and the two entry points — rules over the
// resources as written (what ARM refuses outright) and rules over the compiled estate. Pure functions.
import type { Estate } from "../../model/estate.js";
import { openToInternetRule, rulesWithoutEffectRule, unsupportedTierRule } from "./exposure.js";
import { ipRuleNeverMatchesRule } from "./ipRules.js";
import { ruleLimitRule } from "./limits.js";
import { forcedTunnelRule, nsgDeniesEndpointRule } from "./paths.js";
import { aliasOnlyPolicyRule, bothStorageEndpointsRule, unusedEndpointRule } from "./serviceEndpoints.js";
import {
  atLeast,
  type Draft,
  type EstateRule,
  type Finding,
  type LintRule,
  type ResourceRule,
  SEVERITIES,
  type Severity,
} from "./types.js";
import { missingEndpointRule, regionMismatchRule } from "./vnetRules.js";

export type { Equivalent, Finding, LintRule, RuleInfo, Severity } from "./types.js";
export { SEVERITIES } from "./types.js";
export { toSarif, type SarifLog } from "./sarif.js";

/** Every rule, by id. Ids are stable: a rule that goes keeps its id retired, a new one takes the next. */
export const lintRules: readonly LintRule[] = [
  rulesWithoutEffectRule, // VNL001
  missingEndpointRule, // VNL002
  unusedEndpointRule, // VNL003
  ipRuleNeverMatchesRule, // VNL004
  regionMismatchRule, // VNL005
  aliasOnlyPolicyRule, // VNL006
  bothStorageEndpointsRule, // VNL007
  forcedTunnelRule, // VNL008
  nsgDeniesEndpointRule, // VNL009
  ruleLimitRule, // VNL010
  unsupportedTierRule, // VNL011
  openToInternetRule, // VNL012
];

export interface LintOptions {
  /** Keep findings at or above this severity (default: all). */
  severity?: Severity;
}

function complete(rule: LintRule, d: Draft): Finding {
  const { severity, ...rest } = d;
  return {
    ruleId: rule.id,
    rule: rule.name,
    severity: severity ?? rule.severity,
    ...rest,
    source: rule.source,
  };
}

const byRank = (a: Finding, b: Finding): number =>
  SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
  a.ruleId.localeCompare(b.ruleId) ||
  a.resourceId.localeCompare(b.resourceId);

function run<R extends LintRule>(
  rules: readonly R[],
  drafts: (rule: R) => Draft[],
  opts: LintOptions,
): Finding[] {
  const threshold = opts.severity ?? "note";
  return rules
    .flatMap((rule) => drafts(rule).map((d) => complete(rule, d)))
    .filter((f) => atLeast(f.severity, threshold))
    .sort(byRank);
}

const isResourceRule = (r: LintRule): r is ResourceRule => "checkResources" in r;

/** The findings of the rules that read the resources as written (before compileEstate). */
export function lintResources(resources: readonly unknown[], opts: LintOptions = {}): Finding[] {
  return run(lintRules.filter(isResourceRule), (r) => r.checkResources(resources), opts);
}

/** The findings of the rules over a compiled estate. */
export function lintEstate(estate: Estate, opts: LintOptions = {}): Finding[] {
  const rules = lintRules.filter((r): r is EstateRule => !isResourceRule(r));
  return run(rules, (r) => r.check(estate), opts);
}

/**
 * Both kinds of rules: the resources as written, and the estate compiled from them when it could be built
 * (an estate ARM would refuse can't be; the resource rules say why).
 */
export function lint(
  input: { resources: readonly unknown[]; estate?: Estate },
  opts: LintOptions = {},
): Finding[] {
  const estateFindings = input.estate ? lintEstate(input.estate, opts) : [];
  return [...lintResources(input.resources, opts), ...estateFindings].sort(byRank);
}
