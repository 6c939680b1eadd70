// A `serve --auth` server for the identity, RBAC and tenant tests: two Entra tenants, three subscriptions and
// the principals of issue 8 — the owner of the network subscription, a storage contributor of the application
// subscription without network rights, a reader — plus SQL and Cosmos DB contributors, the owner of a foreign
// tenant's subscription and a multi-tenant application present in both tenants.
import { request } from "node:https";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { expect } from "vitest";
import { ArmAuth } from "../../src/arm/auth/index.js";
import { parsePrincipalsFile } from "../../src/arm/auth/principals.js";
import { type Harness, startServer } from "./harness.js";
import { armRequest, errorCode, type HttpResult } from "./http.js";

export const TENANT_A = "aaaaaaaa-0000-4000-8000-00000000000a";
export const TENANT_B = "bbbbbbbb-0000-4000-8000-00000000000b";
/** Tenant A: the network. */
export const NET_SUB = "11111111-0000-4000-8000-000000000001";
/** Tenant A: the applications' PaaS resources. */
export const APP_SUB = "22222222-0000-4000-8000-000000000002";
/** Tenant B: another organisation's network. */
export const FOREIGN_SUB = "33333333-0000-4000-8000-000000000003";

export const ROLES = {
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  network: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  storage: "17d1049b-9a84-46fb-8f53-869881c3d3ab",
  sql: "6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437",
  keyVault: "f25e0fa2-a7c8-4377-a976-54943a77a395",
  cosmos: "5bd9cd88-fe45-4216-938b-f97437e15450",
} as const;

export interface TestPrincipal {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  objectId: string;
  displayName: string;
}

const two = (n: number): string => String(n).padStart(2, "0");
const principal = (n: number, tenantId: string, name: string, client = n): TestPrincipal => ({
  tenantId,
  clientId: `c0000000-0000-4000-8000-0000000000${two(client)}`,
  clientSecret: `secret-of-${name}`,
  objectId: `00000000-0000-4000-8000-0000000000${two(n)}`,
  displayName: name,
});

export const P = {
  owner: principal(1, TENANT_A, "network-owner"),
  storage: principal(2, TENANT_A, "storage-contributor"),
  reader: principal(3, TENANT_A, "reader"),
  sql: principal(4, TENANT_A, "sql-contributor"),
  cosmos: principal(5, TENANT_A, "cosmos-contributor"),
  contributor: principal(6, TENANT_A, "contributor"),
  foreign: principal(7, TENANT_B, "foreign-owner"),
  /** A multi-tenant application: one client id, one service principal (object id) in each tenant. */
  appA: principal(8, TENANT_A, "multi-tenant-app", 80),
  appB: principal(9, TENANT_B, "multi-tenant-app", 80),
};

export const sub = (s: string): string => `/subscriptions/${s}`;
export const rg = (s: string, name: string): string => `${sub(s)}/resourceGroups/${name}`;
export const NET_RG = rg(NET_SUB, "rg-net");
export const APP_RG = rg(APP_SUB, "rg-app");
export const FOREIGN_RG = rg(FOREIGN_SUB, "rg-x");
export const VNET = `${NET_RG}/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
export const SNET_APP = `${VNET}/subnets/snet-app`;
export const FOREIGN_VNET = `${FOREIGN_RG}/providers/Microsoft.Network/virtualNetworks/vnet-x`;
export const SNET_FOREIGN = `${FOREIGN_VNET}/subnets/snet-x`;

export const PRINCIPALS_FILE = {
  principals: Object.values(P),
  subscriptions: [
    { subscriptionId: NET_SUB, tenantId: TENANT_A, displayName: "network" },
    { subscriptionId: APP_SUB, tenantId: TENANT_A, displayName: "applications" },
    { subscriptionId: FOREIGN_SUB, tenantId: TENANT_B, displayName: "foreign" },
  ],
  roleAssignments: [
    { principalId: P.owner.objectId, role: "Owner", scope: sub(NET_SUB) },
    { principalId: P.owner.objectId, role: "Owner", scope: sub(APP_SUB) },
    { principalId: P.storage.objectId, role: "Storage Account Contributor", scope: sub(APP_SUB) },
    { principalId: P.reader.objectId, role: "Reader", scope: sub(NET_SUB) },
    { principalId: P.reader.objectId, role: "Reader", scope: sub(APP_SUB) },
    { principalId: P.sql.objectId, role: "SQL Server Contributor", scope: sub(APP_SUB) },
    { principalId: P.cosmos.objectId, role: "DocumentDB Account Contributor", scope: sub(APP_SUB) },
    { principalId: P.contributor.objectId, role: "Contributor", scope: sub(APP_SUB) },
    { principalId: P.foreign.objectId, role: "Owner", scope: sub(FOREIGN_SUB) },
    { principalId: P.appA.objectId, role: "Owner", scope: sub(APP_SUB) },
    { principalId: P.appB.objectId, role: "Network Contributor", scope: FOREIGN_VNET },
  ],
};

/** Where a server answers: an in-process harness or a `vnetlab serve` process. */
type Endpoint = Pick<Harness, "endpoint" | "ca">;

export interface AuthTest {
  h: Harness;
  auth: ArmAuth;
  /** Moves the server's clock (tokens expire against it). */
  clock: { now: number };
  close(): Promise<void>;
}

export async function startAuthServer(): Promise<AuthTest> {
  const clock = { now: Date.now() };
  const auth = await ArmAuth.create({
    principals: parsePrincipalsFile(PRINCIPALS_FILE, "principals.json"),
    now: () => clock.now,
  });
  const h = await startServer({ auth });
  return { h, auth, clock, close: () => h.close().then(() => auth.close()) };
}

/** A form POST to the server's Entra endpoints (raw HTTP, as MSAL sends it). */
export function formPost(
  h: Endpoint,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const payload = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, h.endpoint),
      {
        method: "POST",
        ca: h.ca,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? JSON.parse(text) : undefined,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** A token for `p` from the v2.0 endpoint (client credentials), for ARM unless told otherwise. */
export async function tokenFor(
  h: Endpoint,
  p: TestPrincipal,
  scope = "https://management.azure.com/.default",
): Promise<string> {
  const r = await formPost(h, `/${p.tenantId}/oauth2/v2.0/token`, {
    grant_type: "client_credentials",
    client_id: p.clientId,
    client_secret: p.clientSecret,
    scope,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body as { access_token: string }).access_token;
}

/**
 * What @azure/identity's ClientSecretCredential does, over raw HTTP: a client-credentials request to the
 * tenant's v2.0 token endpoint for the scopes the SDK asks for.
 */
export function credentialFor(h: Harness, p: TestPrincipal): TokenCredential {
  return {
    async getToken(scopes): Promise<AccessToken> {
      const scope = Array.isArray(scopes) ? scopes.join(" ") : (scopes as string);
      const r = await formPost(h, `/${p.tenantId}/oauth2/v2.0/token`, {
        grant_type: "client_credentials",
        client_id: p.clientId,
        client_secret: p.clientSecret,
        scope,
      });
      const body = r.body as { access_token: string; expires_in: number };
      return { token: body.access_token, expiresOnTimestamp: Date.now() + body.expires_in * 1000 };
    },
  };
}

/** An ARM request with a bearer token (and auxiliary tokens). */
export function as(
  h: Endpoint,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  auxiliary: string[] = [],
): Promise<HttpResult> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (auxiliary.length > 0)
    headers["x-ms-authorization-auxiliary"] = auxiliary.map((t) => `Bearer ${t}`).join(", ");
  return armRequest(h, method, path, body, headers);
}

/** Expects ARM's status and code, with the store of the estate left as it was. */
export async function denied(
  h: Harness,
  call: () => Promise<HttpResult>,
  status: number,
  code: string,
): Promise<HttpResult> {
  const before = await h.store.version();
  const r = await call();
  expect({ status: r.status, code: errorCode(r) }, JSON.stringify(r.body)).toEqual({ status, code });
  expect(await h.store.version(), "a refused request changes nothing").toBe(before);
  return r;
}

export const ok = (r: HttpResult): HttpResult => {
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r;
};

export type Who = keyof typeof P;

/** A server with both networks written, a token for every principal, and requests as any of them. */
export interface NetworkedTest extends AuthTest {
  tk: Record<Who, string>;
  /** An ARM request as a principal of the fixture (or with a raw token), with auxiliary tokens. */
  call(
    who: Who | string,
    method: string,
    path: string,
    body?: unknown,
    auxiliary?: string[],
  ): Promise<HttpResult>;
}

export async function startWithNetworks(): Promise<NetworkedTest> {
  const t = await startAuthServer();
  await createNetworks(t.h);
  const tk = {} as Record<Who, string>;
  for (const [k, p] of Object.entries(P)) tk[k as Who] = await tokenFor(t.h, p);
  const call: NetworkedTest["call"] = (who, method, path, body, auxiliary) =>
    as(t.h, who in tk ? tk[who as Who] : who, method, path, body, auxiliary);
  return { ...t, tk, call };
}

/** The network of both tenants, written by their owners: vnet-hub (tenant A) and vnet-x (tenant B), eastus. */
export async function createNetworks(h: Harness): Promise<void> {
  const owner = await tokenFor(h, P.owner);
  const foreign = await tokenFor(h, P.foreign);
  const endpoints = [
    "Microsoft.Storage",
    "Microsoft.Sql",
    "Microsoft.KeyVault",
    "Microsoft.AzureCosmosDB",
    "Microsoft.CognitiveServices",
  ].map((service) => ({ service }));
  const vnet = (prefix: string, subnet: string): object => ({
    location: "eastus",
    properties: {
      addressSpace: { addressPrefixes: [`${prefix}.0.0/16`] },
      subnets: [
        { name: subnet, properties: { addressPrefix: `${prefix}.1.0/24`, serviceEndpoints: endpoints } },
      ],
    },
  });
  ok(await as(h, owner, "PUT", `${NET_RG}?api-version=2021-04-01`, { location: "eastus" }));
  ok(await as(h, owner, "PUT", `${APP_RG}?api-version=2021-04-01`, { location: "eastus" }));
  ok(await as(h, owner, "PUT", `${VNET}?api-version=2024-05-01`, vnet("10.0", "snet-app")));
  ok(await as(h, foreign, "PUT", `${FOREIGN_RG}?api-version=2021-04-01`, { location: "eastus" }));
  ok(await as(h, foreign, "PUT", `${FOREIGN_VNET}?api-version=2024-05-01`, vnet("10.9", "snet-x")));
}

/** A NIC in a subnet (the source of a trace), written by `token`'s principal. */
export async function nicIn(
  h: Harness,
  token: string,
  rgId: string,
  name: string,
  subnet: string,
  ip: string,
): Promise<void> {
  ok(
    await as(
      h,
      token,
      "PUT",
      `${rgId}/providers/Microsoft.Network/networkInterfaces/${name}?api-version=2024-05-01`,
      {
        location: "eastus",
        properties: {
          ipConfigurations: [
            {
              name: "ipconfig1",
              properties: {
                subnet: { id: subnet },
                privateIPAllocationMethod: "Static",
                privateIPAddress: ip,
              },
            },
          ],
        },
      },
    ),
  );
}
