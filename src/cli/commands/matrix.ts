// `vnetlab matrix`: every source against every PaaS resource — verdict, path and deciding rule — as a table,
// JSON or CSV, filtered by source, resource type, subscription and verdict.
import { computeMatrix } from "../../analysis/matrix/matrix.js";
import { type MatrixFilter, type MatrixRow, matrixRows } from "../../analysis/matrix/query.js";
import type { Estate } from "../../model/estate.js";
import { VnetlabError } from "../../model/errors.js";
import { parseIp } from "../../net/index.js";
import { shortIds } from "../formatTrace.js";
import { EXIT, type Io } from "../io.js";
import { table } from "../table.js";

export interface MatrixCommandOptions {
  source?: string;
  resourceType?: string;
  subscription?: string;
  verdict?: "allow" | "deny";
  format: "table" | "json" | "csv";
  internetIp?: string;
}

const COLUMNS = [
  "source_kind",
  "source",
  "resource",
  "resource_type",
  "verdict",
  "path",
  "via_appliance",
  "decided_by_stage",
  "decided_by_rule",
  "decided_by_resource",
  "source_ip_seen_by_service",
] as const;

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function csvLine(r: MatrixRow): string {
  const d = r.decidedBy;
  return [
    r.sourceKind,
    r.source,
    r.resource,
    r.resourceType,
    r.verdict,
    r.path,
    r.viaAppliance ? "true" : "false",
    d.stage,
    d.rule ?? "",
    d.resourceId ?? "",
    r.sourceIpSeenByService ?? "",
  ]
    .map(csvField)
    .join(",");
}

function pathText(r: MatrixRow): string {
  return r.viaAppliance && r.path !== "virtualAppliance" ? `${r.path} (via appliance)` : r.path;
}

export function matrixCommand(estate: Estate, opts: MatrixCommandOptions, io: Io): number {
  if (opts.internetIp !== undefined && !parseIp(opts.internetIp)) {
    throw new VnetlabError("InvalidMatrixOption", `--internet-ip '${opts.internetIp}' is not an IP address`);
  }
  const matrix = computeMatrix(estate, { internetIp: opts.internetIp });
  const filter: MatrixFilter = {
    source: opts.source,
    resourceType: opts.resourceType,
    subscription: opts.subscription,
    verdict: opts.verdict === "allow" ? "Allow" : opts.verdict === "deny" ? "Deny" : undefined,
  };
  let allow = 0;
  let deny = 0;
  const count = (r: MatrixRow): MatrixRow => {
    if (r.verdict === "Allow") allow++;
    else deny++;
    return r;
  };
  if (opts.format === "csv") {
    io.out(COLUMNS.join(","));
    for (const r of matrixRows(matrix, filter)) io.out(csvLine(count(r)));
    return EXIT.ok;
  }
  if (opts.format === "json") {
    // One cell per line, so that a large matrix streams.
    io.out('{ "cells": [');
    let first = true;
    for (const r of matrixRows(matrix, filter)) {
      io.out(`${first ? "" : ","}${JSON.stringify(count(r))}`);
      first = false;
    }
    io.out(`], "summary": ${JSON.stringify({ cells: allow + deny, allow, deny })} }`);
    return EXIT.ok;
  }
  const rows = [...matrixRows(matrix, filter)].map((r) => {
    count(r);
    const d = r.decidedBy;
    return [
      r.sourceLabel,
      r.resourceName,
      r.verdict.toLowerCase(),
      pathText(r),
      shortIds(`${d.stage}${d.rule ? ` ${d.rule}` : ""}${d.resourceId ? ` (${d.resourceId})` : ""}`),
      r.sourceIpSeenByService ?? "-",
    ];
  });
  io.out(table(["SOURCE", "RESOURCE", "VERDICT", "PATH", "DECIDED BY", "SEEN AS"], rows));
  io.out(`\n${allow + deny} cells: ${allow} allowed, ${deny} denied`);
  return EXIT.ok;
}
