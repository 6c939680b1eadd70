// Reading a running server's estate over its own ARM API (`--server URL`): every subscription's resources,
// following nextLink. Trust for a self-signed server comes from NODE_EXTRA_CA_CERTS, as for any Azure SDK.
// A server under `serve --auth` wants a token: it is fetched from the server's own Entra-shaped endpoint for
// the principal named by AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (the Azure SDKs'
// EnvironmentCredential variables); without them any bearer token will do.
import type { ArmResource } from "../model/arm.js";
import { VnetlabError } from "../model/errors.js";

const API = "2025-04-01";
/** ARM's audience, which `serve --auth` accepts as Azure does. */
const ARM_SCOPE = "https://management.azure.com/.default";

/** Tokens by server and principal, fetched once per process (CLI runs are shorter than a token lives). */
const tokens = new Map<string, Promise<string>>();

function originOf(url: string): string {
  return new URL(url).origin;
}

/** The token for requests to `url`'s server: the environment's principal's, or any. */
function tokenFor(url: string): Promise<string> {
  const origin = originOf(url);
  // One token per server and principal: a process that changes AZURE_* signs in again.
  const key = [origin, process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID].join("|");
  let token = tokens.get(key);
  if (!token) {
    token = fetchToken(origin);
    token.catch(() => tokens.delete(key));
    tokens.set(key, token);
  }
  return token;
}

async function fetchToken(origin: string): Promise<string> {
  const { AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: client, AZURE_CLIENT_SECRET: secret } = process.env;
  if (!tenant && !client && !secret) return "vnetlab";
  const missing = Object.entries({
    AZURE_TENANT_ID: tenant,
    AZURE_CLIENT_ID: client,
    AZURE_CLIENT_SECRET: secret,
  })
    .filter(([, v]) => !v)
    .map(([k]) => k);
  // Half a principal is a mistake, not a wish to go anonymous.
  if (!tenant || !client || !secret)
    throw new VnetlabError("InvalidEstate", `to sign in to ${origin}, also set ${missing.join(" and ")}`);
  const url = `${origin}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: client,
    client_secret: secret,
    scope: ARM_SCOPE,
  });
  const { res, body } = await send(url, undefined, {
    method: "POST",
    body: form.toString(),
    contentType: "application/x-www-form-urlencoded",
  });
  const answer = body as { access_token?: string; error?: string; error_description?: string } | undefined;
  if (!res.ok || !answer?.access_token)
    throw new VnetlabError(
      "InvalidEstate",
      `${url} gave no token for client ${client}: ${answer?.error ?? res.status} ${answer?.error_description?.split("\n")[0] ?? ""}`.trim(),
    );
  return answer.access_token;
}

/** One request to the server; a connection failure becomes a one-line error (with the certificate hint). */
async function send(
  url: string,
  token: string | undefined,
  init: { method?: string; body?: string; contentType?: string } = {},
): Promise<{ res: Response; body: unknown }> {
  let res: Response;
  const contentType = init.contentType ?? (init.body !== undefined ? "application/json" : undefined);
  try {
    res = await fetch(url, {
      method: init.method,
      body: init.body,
      headers: {
        ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
        ...(contentType ? { "content-type": contentType } : {}),
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

/** What to do about a 401: name the variables that would give a token. */
function unauthorizedHint(status: number): string {
  if (status !== 401) return "";
  return process.env.AZURE_CLIENT_ID
    ? ""
    : " (the server checks tokens: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET to one of its principals)";
}

async function getJson(url: string): Promise<unknown> {
  const { res, body } = await send(url, await tokenFor(url));
  const error = (body as { error?: { code: string; message: string } } | undefined)?.error;
  if (!res.ok)
    throw new VnetlabError(
      "InvalidEstate",
      `${url} answered ${res.status}: ${error?.code ?? ""} ${error?.message ?? ""}`.trim() +
        unauthorizedHint(res.status),
    );
  return body;
}

/** PUTs one resource through the ARM API; answers the status and, when refused, ARM's error. */
export async function putResource(
  server: string,
  id: string,
  apiVersion: string,
  resource: unknown,
): Promise<{ status: number; error?: { code: string; message: string } }> {
  const url = `${server.replace(/\/+$/, "")}${id}?api-version=${encodeURIComponent(apiVersion)}`;
  const token = await tokenFor(url);
  const { res, body } = await send(url, token, { method: "PUT", body: JSON.stringify(resource) });
  const error = (body as { error?: { code: string; message: string } } | undefined)?.error;
  return res.ok
    ? { status: res.status }
    : { status: res.status, error: error ?? { code: String(res.status), message: res.statusText } };
}

async function listAll(first: string): Promise<unknown[]> {
  const out: unknown[] = [];
  let next: string | undefined = first;
  while (next) {
    const page = (await getJson(next)) as { value?: unknown[]; nextLink?: string };
    out.push(...(page.value ?? []));
    next = page.nextLink;
  }
  return out;
}

export async function fetchServerEstate(server: string): Promise<ArmResource[]> {
  const base = server.replace(/\/+$/, "");
  const subs = (await listAll(`${base}/subscriptions?api-version=${API}`)) as {
    subscriptionId: string;
  }[];
  const resources: ArmResource[] = [];
  for (const s of subs) {
    resources.push(
      ...((await listAll(
        `${base}/subscriptions/${s.subscriptionId}/resourcegroups?api-version=${API}`,
      )) as ArmResource[]),
    );
    resources.push(
      ...((await listAll(
        `${base}/subscriptions/${s.subscriptionId}/resources?api-version=${API}`,
      )) as ArmResource[]),
    );
  }
  return resources;
}
