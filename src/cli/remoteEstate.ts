// Reading a running server's estate over its own ARM API (`--server URL`): every subscription's resources,
// following nextLink. Trust for a self-signed server comes from NODE_EXTRA_CA_CERTS, as for any Azure SDK.
import type { ArmResource } from "../model/arm.js";
import { VnetlabError } from "../model/errors.js";

const API = "2025-04-01";

/** One request to the server; a connection failure becomes a one-line error (with the certificate hint). */
async function send(
  url: string,
  token: string,
  init: RequestInit = {},
): Promise<{ res: Response; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
      },
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new VnetlabError(
      "InvalidEstate",
      `cannot reach ${url}: ${cause?.code ?? cause?.message ?? String(e)}${cause?.code?.includes("CERT") || cause?.code === "DEPTH_ZERO_SELF_SIGNED_CERT" ? " (set NODE_EXTRA_CA_CERTS to the server's certificate)" : ""}`,
    );
  }
  return { res, body: await res.json().catch(() => undefined) };
}

async function getJson(url: string, token: string): Promise<unknown> {
  const { res, body } = await send(url, token);
  const error = (body as { error?: { code: string; message: string } } | undefined)?.error;
  if (!res.ok)
    throw new VnetlabError(
      "InvalidEstate",
      `${url} answered ${res.status}: ${error?.code ?? ""} ${error?.message ?? ""}`.trim(),
    );
  return body;
}

/** PUTs one resource through the ARM API; answers the status and, when refused, ARM's error. */
export async function putResource(
  server: string,
  id: string,
  apiVersion: string,
  resource: unknown,
  token = "vnetlab",
): Promise<{ status: number; error?: { code: string; message: string } }> {
  const url = `${server.replace(/\/+$/, "")}${id}?api-version=${encodeURIComponent(apiVersion)}`;
  const { res, body } = await send(url, token, { method: "PUT", body: JSON.stringify(resource) });
  const error = (body as { error?: { code: string; message: string } } | undefined)?.error;
  return res.ok
    ? { status: res.status }
    : { status: res.status, error: error ?? { code: String(res.status), message: res.statusText } };
}

async function listAll(first: string, token: string): Promise<unknown[]> {
  const out: unknown[] = [];
  let next: string | undefined = first;
  while (next) {
    const page = (await getJson(next, token)) as { value?: unknown[]; nextLink?: string };
    out.push(...(page.value ?? []));
    next = page.nextLink;
  }
  return out;
}

export async function fetchServerEstate(server: string, token = "vnetlab"): Promise<ArmResource[]> {
  const base = server.replace(/\/+$/, "");
  const subs = (await listAll(`${base}/subscriptions?api-version=${API}`, token)) as {
    subscriptionId: string;
  }[];
  const resources: ArmResource[] = [];
  for (const s of subs) {
    resources.push(
      ...((await listAll(
        `${base}/subscriptions/${s.subscriptionId}/resourcegroups?api-version=${API}`,
        token,
      )) as ArmResource[]),
    );
    resources.push(
      ...((await listAll(
        `${base}/subscriptions/${s.subscriptionId}/resources?api-version=${API}`,
        token,
      )) as ArmResource[]),
    );
  }
  return resources;
}
