// What a change does to reachability: every (source, resource) pair whose verdict differs between two
// estates, with each side's deciding rule and the reason — the resources that changed on the pair's path,
// a switch of the address the service sees, a change of path. A deployer address (the machine that applies
// the change) is a source of its own: losing its access to a data plane it still needs is a lock-out.
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import { idKey } from "../model/resourceId.js";
import type { SubnetProperties } from "../model/resources/network.js";
import { parseIp } from "../net/index.js";
import { VnetlabError } from "../model/errors.js";
import { type MatrixSource, matrixResources, matrixSources } from "./matrix/endpoints.js";
import { Matrix, type MatrixCell } from "./matrix/matrix.js";
import type { CellOutcome } from "./matrix/outcome.js";

export interface WhatIfOptions {
  /** The public address of the machine that applies the change (a CI runner, an admin's laptop). */
  deployer?: string;
  internetIp?: string;
}

export interface WhatIfSide extends CellOutcome {
  sourceIpSeenByService?: string;
}

export interface WhatIfChange {
  source: { kind: MatrixSource["kind"] | "deployer"; id: string; label: string };
  resource: { id: string; name: string; type: string };
  before: WhatIfSide;
  after: WhatIfSide;
  /** The resources on the pair's path that the change touched, each with what changed. */
  changed: { id: string; what: string }[];
  reason: string;
  /** The deployer loses access it had. */
  lockout: boolean;
}

export interface WhatIfReport {
  changes: WhatIfChange[];
  /** Resources only one side has (their pairs are not compared). */
  added: string[];
  removed: string[];
}

const DEPLOYER = "deployer";

function sourcesOf(estate: Estate, opts: WhatIfOptions): MatrixSource[] {
  const sources = matrixSources(estate, opts.internetIp);
  if (opts.deployer !== undefined) {
    const ip = parseIp(opts.deployer);
    if (!ip)
      throw new VnetlabError("InvalidMatrixOption", `--deployer '${opts.deployer}' is not an IP address`);
    sources.push({
      kind: "internet",
      id: DEPLOYER,
      label: `the deployer (${opts.deployer})`,
      flow: { kind: "internet", ip },
    });
  }
  return sources;
}

function matrixOf(estate: Estate, opts: WhatIfOptions): Matrix {
  return new Matrix(estate, sourcesOf(estate, opts), matrixResources(estate));
}

/**
 * The pairs both estates have, resource by resource: one column of each at a time, so that memory follows the
 * number of sources, not of pairs.
 */
function* pairs(a: Matrix, b: Matrix): IterableIterator<[MatrixCell, MatrixCell]> {
  const columnOf = new Map(b.resources.map((r, j) => [idKey(r.resource.id), j]));
  for (let j = 0; j < a.resources.length; j++) {
    const k = columnOf.get(idKey(a.resources[j]!.resource.id));
    if (k === undefined) continue;
    const after = new Map<string, MatrixCell>();
    for (const cell of b.column(k)) after.set(idKey(cell.source.id), cell);
    for (const cell of a.column(j)) {
      const y = after.get(idKey(cell.source.id));
      if (y) yield [cell, y];
    }
  }
}

const side = (c: MatrixCell): WhatIfSide => ({
  ...c.outcome,
  ...(c.sourceIpSeenByService !== undefined ? { sourceIpSeenByService: c.sourceIpSeenByService } : {}),
});

export function whatIf(before: Estate, after: Estate, opts: WhatIfOptions = {}): WhatIfReport {
  const diff = changedResources(before, after);
  const changes: WhatIfChange[] = [];
  const [ma, mb] = [matrixOf(before, opts), matrixOf(after, opts)];
  for (const [x, y] of pairs(ma, mb)) {
    if (x.outcome.verdict === y.outcome.verdict) continue;
    const r = x.resource.resource;
    const deployer = x.source.id === DEPLOYER;
    const found = [...new Set([...onPath(before, x), ...onPath(after, y)])]
      .map((id) => diff.get(id))
      .filter((c): c is { id: string; what: string } => c !== undefined);
    // A VNet whose only change is a subnet reported on its own says nothing more.
    const names = new Set(found.map((c) => c.id.split("/").pop()!.toLowerCase()));
    const changed = found.filter((c) => {
      const m = /^subnets ((?:~\S+\s?)+)$/.exec(c.what);
      return (
        !m ||
        !m[1]!
          .trim()
          .split(" ")
          .every((t) => names.has(t.slice(1).toLowerCase()))
      );
    });
    const change: WhatIfChange = {
      source: { kind: deployer ? "deployer" : x.source.kind, id: x.source.id, label: x.source.label },
      resource: { id: r.id, name: r.name, type: r.type },
      before: side(x),
      after: side(y),
      changed,
      reason: "",
      lockout: deployer && x.outcome.verdict === "Allow",
    };
    change.reason = reasonOf(change);
    changes.push(change);
  }
  const ids = (m: Matrix): Set<string> => new Set(m.resources.map((r) => r.resource.id));
  const [was, is] = [ids(ma), ids(mb)];
  return {
    changes,
    added: [...is].filter((id) => !was.has(id)).sort(),
    removed: [...was].filter((id) => !is.has(id)).sort(),
  };
}

const rule = (s: WhatIfSide): string =>
  `${s.verdict} by ${s.decidedBy.stage}${s.decidedBy.rule ? ` ${s.decidedBy.rule}` : ""}`;

function reasonOf(c: WhatIfChange): string {
  const parts: string[] = [];
  for (const ch of c.changed) parts.push(`${ch.id.split("/").slice(-1)[0]}: ${ch.what}`);
  const [x, y] = [c.before, c.after];
  if (
    x.sourceIpSeenByService !== y.sourceIpSeenByService &&
    x.sourceIpSeenByService &&
    y.sourceIpSeenByService
  ) {
    parts.push(
      `the source seen by ${c.resource.name} switches from ${x.sourceIpSeenByService} to ${y.sourceIpSeenByService}`,
    );
  }
  if (x.path !== y.path) parts.push(`the path changes from ${x.path} to ${y.path}`);
  parts.push(`before: ${rule(x)}; after: ${rule(y)}`);
  return `${c.lockout ? "LOCK-OUT: " : ""}${parts.join("; ")}`;
}

/** Ids of the resources a pair's flow depends on: its subnet, VNet, NIC, NSGs, routes, policies, the resource. */
function onPath(estate: Estate, c: MatrixCell): string[] {
  const out = [c.resource.resource.id];
  const subnetId = c.source.subnetId;
  if (c.source.kind === "nic") out.push(c.source.id.split("#")[0]!);
  if (subnetId) {
    out.push(subnetId, subnetId.split("/subnets/")[0]!);
    const p = estate.get<SubnetProperties>(subnetId)?.properties;
    for (const ref of [
      p?.networkSecurityGroup,
      p?.routeTable,
      p?.natGateway,
      ...(p?.serviceEndpointPolicies ?? []),
    ])
      if (ref?.id) out.push(ref.id);
  }
  return out.map(idKey);
}

/** Every resource whose JSON differs between the estates, by `idKey`, with a short account of what changed. */
function changedResources(before: Estate, after: Estate): Map<string, { id: string; what: string }> {
  const out = new Map<string, { id: string; what: string }>();
  const index = (e: Estate): Map<string, ArmResource> => new Map(e.resources.map((r) => [idKey(r.id), r]));
  const [x, y] = [index(before), index(after)];
  for (const [k, r] of y) {
    const old = x.get(k);
    if (!old) out.set(k, { id: r.id, what: "added" });
    else if (JSON.stringify(old) !== JSON.stringify(r)) out.set(k, { id: r.id, what: describe(old, r) });
  }
  for (const [k, r] of x) if (!y.has(k)) out.set(k, { id: r.id, what: "removed" });
  return out;
}

/** The properties that differ, with added and removed entries of lists (named by name, service, id or value). */
function describe(old: ArmResource, now: ArmResource): string {
  const a = (old.properties ?? {}) as Record<string, unknown>;
  const b = (now.properties ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (old.location !== now.location)
    parts.push(`location ${old.location ?? "unset"} → ${now.location ?? "unset"}`);
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[key]) === JSON.stringify(b[key])) continue;
    parts.push(describeValue(key, a[key], b[key]));
  }
  return parts.join(", ") || "changed";
}

function describeValue(key: string, x: unknown, y: unknown): string {
  if (Array.isArray(x) || Array.isArray(y)) {
    const label = (v: unknown): string => {
      if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        const p = (o.properties ?? {}) as Record<string, unknown>;
        const name = o.service ?? o.name ?? o.value ?? o.ipMask ?? p.virtualNetworkSubnetId ?? o.id;
        if (typeof name !== "string") return JSON.stringify(v);
        // An ARM id by its last segment; anything else (an address, a prefix) as it is.
        return name.startsWith("/") ? name.split("/").slice(-1)[0]! : name;
      }
      return String(v);
    };
    const before = new Map(((x as unknown[]) ?? []).map((v) => [JSON.stringify(v), label(v)]));
    const after = new Map(((y as unknown[]) ?? []).map((v) => [JSON.stringify(v), label(v)]));
    const gone = [...before].filter(([k]) => !after.has(k)).map(([, l]) => l);
    const come = [...after].filter(([k]) => !before.has(k)).map(([, l]) => l);
    // An entry of the same name on both sides was changed (`~`), not replaced.
    const changed = come.filter((l) => gone.includes(l));
    const marks = [
      ...come.filter((l) => !changed.includes(l)).map((l) => `+${l}`),
      ...gone.filter((l) => !changed.includes(l)).map((l) => `-${l}`),
      ...changed.map((l) => `~${l}`),
    ];
    return `${key} ${marks.join(" ")}`;
  }
  if (x && y && typeof x === "object" && typeof y === "object") {
    const inner: string[] = [];
    const o = x as Record<string, unknown>;
    const n = y as Record<string, unknown>;
    for (const k of new Set([...Object.keys(o), ...Object.keys(n)]))
      if (JSON.stringify(o[k]) !== JSON.stringify(n[k])) inner.push(describeValue(`${key}.${k}`, o[k], n[k]));
    return inner.join(", ");
  }
  return `${key} ${JSON.stringify(x) ?? "unset"} → ${JSON.stringify(y) ?? "unset"}`;
}
