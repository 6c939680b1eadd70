// Network intents: "from X to Y is expected to be allowed/denied", checked in one run.
import { traceBetween } from "../engine/index.js";
import type { Decision, Trace } from "../engine/trace.js";
import { VnetlabError } from "../model/errors.js";
import type { Estate } from "../model/estate.js";

export interface Intent {
  name?: string;
  from: string;
  to: string;
  expect: "allow" | "deny";
}

export type IntentResult =
  | { intent: Intent; passed: boolean; verdict: Trace["verdict"]; decidedBy: Decision; trace: Trace }
  | { intent: Intent; passed: false; error: { code: string; message: string } };

/** Intents come as a JSON array or `{ "intents": [...] }`. */
export function parseIntents(content: unknown, file?: string): Intent[] {
  const list = Array.isArray(content) ? content : (content as { intents?: unknown } | null)?.intents;
  if (!Array.isArray(list)) {
    throw new VnetlabError("InvalidIntent", 'intents are a JSON array or { "intents": [...] }', { file });
  }
  return list.map((raw, i) => {
    const o = (raw ?? {}) as Record<string, unknown>;
    const expect = typeof o.expect === "string" ? o.expect.toLowerCase() : undefined;
    if (typeof o.from !== "string" || typeof o.to !== "string" || (expect !== "allow" && expect !== "deny")) {
      throw new VnetlabError(
        "InvalidIntent",
        `intent #${i + 1} needs "from", "to" and "expect": "allow" | "deny"`,
        { file },
      );
    }
    return { name: typeof o.name === "string" ? o.name : undefined, from: o.from, to: o.to, expect };
  });
}

export function verifyIntents(estate: Estate, intents: readonly Intent[]): IntentResult[] {
  return intents.map((intent) => {
    try {
      const t = traceBetween(estate, intent.from, intent.to);
      const passed = t.verdict.toLowerCase() === intent.expect;
      return { intent, passed, verdict: t.verdict, decidedBy: t.decidedBy, trace: t };
    } catch (e) {
      if (!(e instanceof VnetlabError)) throw e;
      return { intent, passed: false, error: { code: e.code, message: e.message } };
    }
  });
}
