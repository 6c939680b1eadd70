// Following a configuration's references to the resources they name: what an unknown-after-apply value will
// be is decided by the expression that sets it, e.g. `subnet_id = azurerm_subnet.app.id`. The plan's
// `configuration` lists every expression's references (module outputs and variables are followed across
// module boundaries); the instances they name are found by module, type, name and index.
import {
  configModule,
  configResource,
  moduleCalls,
  parentModule,
  type TfDocument,
  type TfInstance,
} from "./document.js";
import { arrayOr, at, isObject, type Json, type JsonObject, objectOr, type Path, stringOr } from "./json.js";

type Subject =
  | {
      kind: "resource";
      mode: "managed" | "data";
      type: string;
      name: string;
      key?: string | number;
      rest: string;
    }
  | { kind: "output"; call: string; key?: string | number; output: string }
  | { kind: "var"; name: string };

function keyOf(text: string | undefined): string | number | undefined {
  if (text === undefined) return undefined;
  return text.startsWith('"') ? text.slice(1, -1) : Number(text);
}

function parseRef(ref: string): Subject | undefined {
  const v = /^var\.([\w-]+)$/.exec(ref);
  if (v) return { kind: "var", name: v[1]! };
  const m = /^module\.([\w-]+)(?:\[("[^"]*"|\d+)\])?\.([\w-]+)/.exec(ref);
  if (m) return { kind: "output", call: m[1]!, key: keyOf(m[2]), output: m[3]! };
  const r = /^(data\.)?([a-z][a-z0-9]*_[\w-]*)\.([\w-]+)(?:\[("[^"]*"|\d+)\])?(.*)$/.exec(ref);
  if (!r) return undefined;
  return {
    kind: "resource",
    mode: r[1] ? "data" : "managed",
    type: r[2]!,
    name: r[3]!,
    key: keyOf(r[4]),
    rest: r[5]!,
  };
}

function isExpression(node: Json | undefined): node is JsonObject {
  return isObject(node) && ("references" in node || "constant_value" in node);
}

/** The configured block among `blocks` that the planned element is: the one whose constants it matches. */
function pickBlock(blocks: Json[], index: number, element: Json | undefined): Json | undefined {
  if (isObject(element)) {
    let best: Json | undefined;
    let bestScore = 0;
    let ties = 0;
    for (const b of blocks) {
      let score = 0;
      for (const [k, e] of Object.entries(objectOr(b))) {
        if (!isExpression(e) || !("constant_value" in e) || isObject(e.constant_value)) continue;
        if (JSON.stringify(e.constant_value) !== JSON.stringify(element[k])) {
          score = -1;
          break;
        }
        score++;
      }
      if (score > bestScore) [best, bestScore, ties] = [b, score, 0];
      else if (score === bestScore && score > 0) ties++;
    }
    if (best !== undefined && ties === 0) return best;
  }
  return blocks[index] ?? (blocks.length === 1 ? blocks[0] : undefined);
}

export interface Targets {
  /** The instances whose ids the expression takes. */
  instances: TfInstance[];
  /** References to values that are not resource ids (`azurerm_public_ip.x.ip_address`). */
  others: string[];
}

export class References {
  private readonly doc: TfDocument;
  private readonly byResource = new Map<string, TfInstance[]>();
  private readonly moduleInstances = new Set<string>();

  constructor(doc: TfDocument) {
    this.doc = doc;
    for (const inst of doc.instances) {
      const key = `${inst.module}|${inst.mode}|${inst.type}|${inst.name}`;
      this.byResource.set(key, [...(this.byResource.get(key) ?? []), inst]);
      let m = inst.module;
      while (m !== "") {
        this.moduleInstances.add(m);
        m = parentModule(m);
      }
    }
  }

  /** The configuration at `path` of an instance: the nearest expression above it, or its blocks. */
  private configAt(inst: TfInstance, path: Path): Json | undefined {
    let node: Json | undefined = objectOr(configResource(this.doc.configuration, inst)).expressions;
    for (let i = 0; i < path.length && node !== undefined && !isExpression(node); i++) {
      const step = path[i]!;
      if (typeof step === "string") node = isObject(node) ? node[step] : undefined;
      else if (Array.isArray(node)) node = pickBlock(node, step, at(inst.values, path.slice(0, i + 1)));
      // A single nested block is one object, not a list of them.
      else if (!isObject(node)) node = undefined;
    }
    return node;
  }

  /** Whether the configuration sets `path` (dynamic blocks do not show in the JSON configuration). */
  configured(inst: TfInstance, path: Path): boolean {
    return this.configAt(inst, path) !== undefined;
  }

  /** The references of the expression that sets `path` of an instance (the nearest expression above it). */
  referencesAt(inst: TfInstance, path: Path): string[] {
    const node = this.configAt(inst, path);
    return isExpression(node)
      ? arrayOr(node.references).filter((r): r is string => typeof r === "string")
      : [];
  }

  /** The instances an expression's references name, in the module of `from`, optionally only of `types`. */
  targets(from: TfInstance, refs: readonly string[], types?: readonly string[]): Targets {
    const out: Targets = { instances: [], others: [] };
    this.resolve(from, from.module, refs, out, 0);
    const wanted = types ? out.instances.filter((i) => types.includes(i.type)) : out.instances;
    return { instances: [...new Set(wanted)], others: out.others };
  }

  private resolve(
    from: TfInstance,
    module: string,
    refs: readonly string[],
    out: Targets,
    depth: number,
  ): void {
    if (depth > 16) return;
    const resources = new Map<
      string,
      { subject: Subject & { kind: "resource" }; keys: Set<string | number>; rests: Set<string> }
    >();
    for (const ref of refs) {
      const s = parseRef(ref);
      if (!s) continue;
      if (s.kind === "var") this.resolveVariable(from, module, s.name, out, depth);
      else if (s.kind === "output") this.resolveOutput(from, module, s, out, depth);
      else {
        const key = `${s.mode}|${s.type}|${s.name}`;
        const entry = resources.get(key) ?? { subject: s, keys: new Set(), rests: new Set() };
        if (s.key !== undefined) entry.keys.add(s.key);
        entry.rests.add(s.rest.replace(/^\[[^\]]*\]/, ""));
        resources.set(key, entry);
      }
    }
    const perInstance = refs.some((r) => /^(each|count)\./.test(r));
    for (const { subject: s, keys, rests } of resources.values()) {
      const attributes = [...rests].filter((r) => r !== "");
      if (attributes.length > 0 && !attributes.includes(".id")) {
        out.others.push(`${s.mode === "data" ? "data." : ""}${s.type}.${s.name}${attributes[0]}`);
        continue;
      }
      let found = this.byResource.get(`${module}|${s.mode}|${s.type}|${s.name}`) ?? [];
      if (keys.size > 0) found = found.filter((i) => i.index !== undefined && keys.has(i.index));
      else if (perInstance && found.length > 1) {
        const same = found.filter((i) => i.index !== undefined && i.index === from.index);
        if (same.length > 0) found = same;
      }
      out.instances.push(...found);
    }
  }

  private resolveOutput(
    from: TfInstance,
    module: string,
    s: { call: string; key?: string | number; output: string },
    out: Targets,
    depth: number,
  ): void {
    const calls = [...moduleCalls(module), s.call];
    const expression = objectOr(
      objectOr(objectOr(configModule(this.doc.configuration, calls)?.outputs)[s.output]).expression,
    );
    const refs = arrayOr(expression.references).filter((r): r is string => typeof r === "string");
    const prefix = `${module ? `${module}.` : ""}module.${s.call}`;
    const wanted =
      s.key === undefined ? undefined : `${prefix}[${typeof s.key === "string" ? `"${s.key}"` : s.key}]`;
    for (const child of this.moduleInstances) {
      if (parentModule(child) !== module || !(child === prefix || child.startsWith(`${prefix}[`))) continue;
      if (wanted === undefined || child === wanted) this.resolve(from, child, refs, out, depth + 1);
    }
  }

  private resolveVariable(from: TfInstance, module: string, name: string, out: Targets, depth: number): void {
    if (module === "") return;
    const parent = parentModule(module);
    const calls = moduleCalls(module);
    const call = objectOr(
      objectOr(configModule(this.doc.configuration, calls.slice(0, -1))?.module_calls)[calls.at(-1)!],
    );
    const expression = objectOr(objectOr(call.expressions)[name]);
    const refs = arrayOr(expression.references).filter((r): r is string => typeof r === "string");
    this.resolve(from, parent, refs, out, depth + 1);
  }
}

/** The value of a root variable or constant an expression names, e.g. a provider's `subscription_id`. */
export function expressionValue(doc: TfDocument, expression: Json | undefined): string | undefined {
  if (!isObject(expression)) return undefined;
  const constant = stringOr(expression.constant_value);
  if (constant) return constant;
  for (const ref of arrayOr(expression.references)) {
    const v = typeof ref === "string" ? /^var\.([\w-]+)$/.exec(ref) : null;
    const value = v ? stringOr(doc.variables[v[1]!]) : undefined;
    if (value) return value;
  }
  return undefined;
}
