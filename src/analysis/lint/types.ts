// The lint contract: rules with stable ids, and the findings they report. Severities are SARIF's levels.
import type { Estate } from "../../model/estate.js";

export type Severity = "error" | "warning" | "note";

/** Highest first: a threshold keeps the findings at or above it. */
export const SEVERITIES: readonly Severity[] = ["error", "warning", "note"];

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}

/** The same check in another tool, by that tool's own id (only ids confirmed in the tool's sources). */
export interface Equivalent {
  tool: "Azure Policy" | "PSRule for Azure" | "Checkov";
  id: string;
  /** The check's display name, where the tool gives one apart from the id. */
  name?: string;
}

export interface Finding {
  /** Stable id of the rule, e.g. `VNL001`. */
  ruleId: string;
  /** The rule's short name, e.g. `network-rules-without-effect`. */
  rule: string;
  severity: Severity;
  /** The resource the finding is about (ARM id). */
  resourceId: string;
  /** One sentence: what is wrong, on which resource. */
  message: string;
  /** Why: the Azure behaviour that makes it a problem. */
  explanation: string;
  /** What to change. */
  fix: string;
  /** Where the behaviour is documented: a semantics.md section and its sources. */
  source: string;
  /** Other resources involved (subnets, NSGs, route tables). */
  related?: string[];
  equivalents?: Equivalent[];
}

/** What a rule says about one resource; the registry adds the rule's id, name, severity and source. */
export type Draft = Omit<Finding, "ruleId" | "rule" | "severity" | "source"> & { severity?: Severity };

export interface RuleInfo {
  id: string;
  name: string;
  /** The severity of its findings, unless a finding says otherwise. */
  severity: Severity;
  /** One line, for rule lists and SARIF's shortDescription. */
  title: string;
  /** What the rule looks for and why, for SARIF's help text. */
  help: string;
  source: string;
}

/** A rule over a compiled estate. */
export interface EstateRule extends RuleInfo {
  check(estate: Estate): Draft[];
}

/**
 * A rule over the resources as written, before compilation: for what compileEstate refuses outright, as ARM
 * does (the estate could not be built to check it on).
 */
export interface ResourceRule extends RuleInfo {
  checkResources(resources: readonly unknown[]): Draft[];
}

export type LintRule = EstateRule | ResourceRule;
