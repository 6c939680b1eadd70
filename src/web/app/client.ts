/// <reference lib="dom" />
// The browser's side of the UI's JSON API (shapes in ../api.ts). An error answer (ARM's error shape) becomes
// an ApiFailure with its code and message, which the panels show as they are. Under `serve --auth` every call
// carries the signed-in principal's token (signIn.ts), and a 401 or 403 is handed to the sign-in panel too.
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
    readonly status = 0,
  ) {
    super(message);
    this.name = "ApiFailure";
  }
}

/** The bearer token of `serve --auth` (none without it), and who hears of the server refusing a call. */
export const session: { token?: string; refused?: (failure: ApiFailure) => void } = {};

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const bearer: Record<string, string> = session.token ? { authorization: `Bearer ${session.token}` } : {};
  const res = await fetch(url, {
    ...init,
    headers: { accept: "application/json", ...bearer, ...init?.headers },
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = (body as ApiError | undefined)?.error;
    const failure = new ApiFailure(e?.code ?? `HTTP${res.status}`, e?.message ?? res.statusText, res.status);
    // Only the UI API's guard answers 401 or 403: the token is bad, expired, or its principal cannot read.
    if (res.status === 401 || res.status === 403) session.refused?.(failure);
    throw failure;
  }
  return body as T;
}

const qs = (params: Record<string, string>): string => new URLSearchParams(params).toString();

export function topologyUrl(view: ViewOptions): string {
  // The default view's URL is the one index.html preloads: keep it bare.
  if (view.groupBy === "none" && view.collapsed.length === 0) return API.topology;
  return `${API.topology}?${qs({ groupBy: view.groupBy, collapsed: view.collapsed.join(",") })}`;
}

/** The event stream's URL: EventSource sends no headers, so the token rides in the query (this route only). */
export function eventsUrl(): string {
  return session.token ? `${API.events}?${qs({ access_token: session.token })}` : API.events;
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
