// Network intents: "from X to Y is expected to be allowed/denied", checked in one run. A single flow (a VM,
// NIC, IP or internet:IP to a URL, FQDN or IP:port) is traced; a selector on either side — "every subnet
// except snet-app", "any storage account", "resources in subscription X" — is answered from the matrix, pair by
// pair, and `expect: only` says the sources may reach only the resources `within` selects.
import { traceBetween } from "../engine/index.js";
import type { Decision, Trace, Verdict } from "../engine/trace.js";
import { VnetlabError } from "../model/errors.js";
import type { Estate } from "../model/estate.js";
import type { MatrixResource, MatrixSource } from "./matrix/endpoints.js";
import { computeMatrix, type Matrix } from "./matrix/matrix.js";
import type { CellOutcome } from "./matrix/outcome.js";

export type Expectation = "allow" | "deny" | "only";

export interface Intent {
  name?: string;
  from: string;
  to: string;
  expect: Expectation;
  /** Sources the intent leaves out (selectors, like `from`). */
  except?: string[];
  /** For `only`: the resources the sources may reach; every other resource `to` selects must be denied. */
  within?: string;
  /** Where the intent sits in its file (1-based line), for reports that point at it. */
  line?: number;
}

export interface Violation {
  source: string;
  resource: string;
  verdict: Verdict;
  decidedBy: CellOutcome["decidedBy"];
}

export type IntentResult =
  | { intent: Intent; kind: "flow"; passed: boolean; verdict: Verdict; decidedBy: Decision; trace: Trace }
  | { intent: Intent; kind: "set"; passed: boolean; pairs: number; violations: Violation[] }
  | { intent: Intent; kind: "error"; passed: false; error: { code: string; message: string } };

const EXPECTATIONS = new Set<string>(["allow", "deny", "only"]);

/** Intents come as a JSON/YAML array or `{ "intents": [...] }`; `lineOf(i)` gives intent i's line, if known. */
export function parseIntents(
  content: unknown,
  file?: string,
  lineOf?: (i: number) => number | undefined,
): Intent[] {
  const list = Array.isArray(content) ? content : (content as { intents?: unknown } | null)?.intents;
  if (!Array.isArray(list)) {
    throw new VnetlabError("InvalidIntent", 'intents are an array or { "intents": [...] }', { file });
  }
  return list.map((raw, i) => {
    const o = (raw ?? {}) as Record<string, unknown>;
    const expect = typeof o.expect === "string" ? o.expect.toLowerCase() : undefined;
    const where = `intent #${i + 1}${lineOf?.(i) ? ` (line ${lineOf(i)})` : ""}`;
    if (typeof o.from !== "string" || typeof o.to !== "string" || !expect || !EXPECTATIONS.has(expect)) {
      throw new VnetlabError(
        "InvalidIntent",
        `${where} needs "from", "to" and "expect": allow | deny | only`,
        {
          file,
        },
      );
    }
    const except = o.except;
    if (except !== undefined && !(Array.isArray(except) && except.every((e) => typeof e === "string"))) {
      throw new VnetlabError("InvalidIntent", `${where}: "except" is a list of sources`, { file });
    }
    if (expect === "only" && typeof o.within !== "string") {
      throw new VnetlabError(
        "InvalidIntent",
        `${where}: "expect: only" needs "within", the resources allowed`,
        {
          file,
        },
      );
    }
    const line = lineOf?.(i);
    return {
      ...(typeof o.name === "string" ? { name: o.name } : {}),
      from: o.from,
      to: o.to,
      expect: expect as Expectation,
      ...(except ? { except: except as string[] } : {}),
      ...(typeof o.within === "string" ? { within: o.within } : {}),
      ...(line ? { line } : {}),
    };
  });
}

/** A destination `trace` takes as it is: a URL, a host name with a dot, or IP:port. */
const FLOW_DESTINATION = /^[a-z][a-z0-9+.-]*:\/\/|^[^&*:=\s]+\.[^&*:=\s]+(:\d+)?$|^\[.*\]:\d+$/i;
const SOURCE_SELECTOR = /\*|&|^(subnet|nic|vm|onprem|subscription|kind):|^(internet|onprem)$/i;

const isSingleFlow = (i: Intent): boolean =>
  !i.except && i.expect !== "only" && !SOURCE_SELECTOR.test(i.from) && FLOW_DESTINATION.test(i.to);

export interface VerifyOptions {
  /** The public address of the machine that deploys: intents name it as `deployer`. */
  deployer?: string;
}

export function verifyIntents(
  estate: Estate,
  intents: readonly Intent[],
  opts: VerifyOptions = {},
): IntentResult[] {
  let matrix: Matrix | undefined;
  return intents.map((intent): IntentResult => {
    try {
      const i = intent.from.toLowerCase() === "deployer" ? asDeployer(intent, opts.deployer) : intent;
      if (isSingleFlow(i)) {
        const t = traceBetween(estate, i.from, i.to);
        const passed = t.verdict.toLowerCase() === i.expect;
        return { intent, kind: "flow", passed, verdict: t.verdict, decidedBy: t.decidedBy, trace: t };
      }
      matrix ??= computeMatrix(estate);
      return { ...checkSet(matrix, i), intent };
    } catch (e) {
      if (!(e instanceof VnetlabError)) throw e;
      return { intent, kind: "error", passed: false, error: { code: e.code, message: e.message } };
    }
  });
}

/** `from: deployer` is the machine that deploys: an internet client at `--deployer` (lock-out intents). */
function asDeployer(intent: Intent, deployer: string | undefined): Intent {
  if (!deployer) {
    throw new VnetlabError(
      "InvalidIntent",
      `intent '${intent.name ?? intent.to}' names the deployer: give --deployer IP`,
    );
  }
  return { ...intent, from: `internet:${deployer}` };
}

/** At most this many violations are listed per intent (the count is exact). */
const MAX_LISTED = 20;

function checkSet(m: Matrix, intent: Intent): IntentResult {
  const from = sourceMatcher(intent.from);
  const except = (intent.except ?? []).map(sourceMatcher);
  const to = resourceMatcher(intent.to);
  const within = intent.within === undefined ? undefined : resourceMatcher(intent.within);
  const violations: Violation[] = [];
  let pairs = 0;
  let failures = 0;
  let anySource = false;
  let anyResource = false;
  for (let j = 0; j < m.resources.length; j++) {
    const r = m.resources[j]!;
    if (!to(r)) continue;
    anyResource = true;
    const mustDeny = intent.expect === "deny" || (intent.expect === "only" && !within!(r));
    const mustAllow = intent.expect === "allow";
    for (const cell of m.column(j)) {
      const s = cell.source;
      if (!from(s)) continue;
      anySource = true;
      if (except.some((x) => x(s))) continue;
      pairs++;
      const v = cell.outcome.verdict;
      if ((mustDeny && v !== "Deny") || (mustAllow && v !== "Allow")) {
        failures++;
        if (violations.length < MAX_LISTED)
          violations.push({
            source: s.label,
            resource: r.resource.name,
            verdict: v,
            decidedBy: cell.outcome.decidedBy,
          });
      }
    }
  }
  if (!anyResource)
    throw new VnetlabError("UnknownDestination", `no resource of the estate matches '${intent.to}'`);
  if (!anySource) throw new VnetlabError("UnknownSource", `no source of the estate matches '${intent.from}'`);
  return { intent, kind: "set", passed: failures === 0, pairs, violations };
}

type Test<T> = (x: T) => boolean;

const eq = (a: string | undefined, b: string): boolean =>
  a !== undefined && a.toLowerCase() === b.toLowerCase();
const glob = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`, "i");

/** `*`, `subnet:NAME|*`, `nic:` / `vm:NAME|*`, `onprem[:*]`, `internet`, `subscription:ID`, a name or id; `&` joins. */
function sourceMatcher(text: string): Test<MatrixSource> {
  const parts = text.split("&").map((p) => p.trim());
  const tests = parts.map((p): Test<MatrixSource> => {
    const m = /^(subnet|nic|vm|onprem|subscription|kind):(.*)$/i.exec(p);
    if (!m) {
      if (p === "*") return () => true;
      if (/^(internet|onprem)$/i.test(p)) return (s) => s.kind === p.toLowerCase();
      const g = glob(p);
      return (s) => g.test(s.label) || g.test(s.id);
    }
    const [kind, value] = [m[1]!.toLowerCase(), m[2]!];
    const g = glob(value || "*");
    if (kind === "subscription") return (s) => eq(s.subscriptionId, value);
    if (kind === "kind") return (s) => g.test(s.kind);
    const k = kind === "vm" ? "nic" : kind;
    return (s) => s.kind === k && (g.test(s.label) || g.test(s.id));
  });
  return (s) => tests.every((t) => t(s));
}

/** `*`, `type:TYPE` (full or last segment), `subscription:ID`, `rg:NAME`, `name:NAME`, a name or host; `&` joins. */
function resourceMatcher(text: string): Test<MatrixResource> {
  const parts = text.split("&").map((p) => p.trim());
  const tests = parts.map((p): Test<MatrixResource> => {
    const m = /^(type|subscription|rg|name):(.*)$/i.exec(p);
    if (!m) {
      if (p === "*") return () => true;
      const g = glob(p);
      const host = p.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").split(/[/:]/)[0]!;
      return (r) => g.test(r.resource.name) || eq(r.host, host) || eq(r.resource.id, p);
    }
    const [kind, value] = [m[1]!.toLowerCase(), m[2]!];
    const g = glob(value);
    if (kind === "type")
      return (r) => g.test(r.resource.type) || g.test(r.resource.type.split("/").pop() ?? "");
    if (kind === "subscription") return (r) => eq(r.subscriptionId, value);
    if (kind === "rg") return (r) => g.test(r.resource.id.split("/")[4] ?? "");
    return (r) => g.test(r.resource.name);
  });
  return (r) => tests.every((t) => t(r));
}
