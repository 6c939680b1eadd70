/// <reference lib="dom" />
// The browser's side of the UI's JSON API (shapes in ../api.ts). An error answer (ARM's error shape) becomes
// an ApiFailure with its code and message, which the panels show as they are.
import {
  API,
  type ApiError,
  type AuditResponse,
  type FindingsResponse,
  type ReachResponse,
  type TopologyResponse,
  type TraceResponse,
  type WhatIfResponse,
} from "../api.js";
import type { ViewOptions } from "../diagram/types.js";

export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiFailure";
  }
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { accept: "application/json", ...init?.headers } });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = (body as ApiError | undefined)?.error;
    throw new ApiFailure(e?.code ?? `HTTP${res.status}`, e?.message ?? res.statusText);
  }
  return body as T;
}

const qs = (params: Record<string, string>): string => new URLSearchParams(params).toString();

export function topologyUrl(view: ViewOptions): string {
  // The default view's URL is the one index.html preloads: keep it bare.
  if (view.groupBy === "none" && view.collapsed.length === 0) return API.topology;
  return `${API.topology}?${qs({ groupBy: view.groupBy, collapsed: view.collapsed.join(",") })}`;
}

export const api = {
  topology: (view: ViewOptions) => call<TopologyResponse>(topologyUrl(view)),
  reach: (source: string) => call<ReachResponse>(`${API.reach}?${qs({ source })}`),
  trace: (from: string, to: string) => call<TraceResponse>(`${API.trace}?${qs({ from, to })}`),
  findings: () => call<FindingsResponse>(API.findings),
  audit: () => call<AuditResponse>(API.audit),
  whatIf: (estateJson: string) =>
    call<WhatIfResponse>(API.whatIf, {
      method: "POST",
      body: estateJson,
      headers: { "content-type": "application/json" },
    }),
};
