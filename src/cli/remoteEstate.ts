// Reading a running server's estate over its own ARM API (`--server URL`): every subscription's resources,
// following nextLink. Trust for a self-signed server comes from NODE_EXTRA_CA_CERTS, as for any Azure SDK.
import type { ArmResource } from "../model/arm.js";
import { VnetlabError } from "../model/errors.js";

const API = "2025-04-01";

async function getJson(url: string, token: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new VnetlabError(
      "InvalidEstate",
      `cannot reach ${url}: ${cause?.code ?? cause?.message ?? String(e)}${cause?.code?.includes("CERT") || cause?.code === "DEPTH_ZERO_SELF_SIGNED_CERT" ? " (set NODE_EXTRA_CA_CERTS to the server's certificate)" : ""}`,
    );
  }
  const body = (await res.json().catch(() => undefined)) as
    { error?: { code: string; message: string } } | undefined;
  if (!res.ok)
    throw new VnetlabError(
      "InvalidEstate",
      `${url} answered ${res.status}: ${body?.error?.code ?? ""} ${body?.error?.message ?? ""}`.trim(),
    );
  return body;
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
