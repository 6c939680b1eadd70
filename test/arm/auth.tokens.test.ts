// `serve --auth`, identity: the server's Entra endpoints (client-credentials tokens in Entra's shapes, Entra's
// AADSTS errors, OpenID discovery, signing keys) and ARM's 401s for every token it refuses, each with its code
// and the WWW-Authenticate challenge, changing nothing.
import { NetworkManagementClient } from "@azure/arm-network";
import { createLocalJWKSet, decodeJwt, generateKeyPair, jwtVerify, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../../src/arm/auth/tokens.js";
import { armRequest, errorCode } from "./http.js";
import {
  APP_RG,
  as,
  credentialFor,
  type AuthTest,
  denied,
  formPost,
  NET_RG,
  NET_SUB,
  ok,
  P,
  startAuthServer,
  TENANT_A,
  TENANT_B,
  tokenFor,
} from "./authFixture.js";

let t: AuthTest;
beforeAll(async () => {
  t = await startAuthServer();
  ok(
    await as(t.h, await tokenFor(t.h, P.owner), "PUT", `${NET_RG}?api-version=2021-04-01`, {
      location: "eastus",
    }),
  );
});
afterAll(async () => t.close());

const RG_WRITE = (name: string): string => `${NET_RG.replace("rg-net", name)}?api-version=2021-04-01`;
const entra = (body: unknown): { error: string; error_codes: number[]; error_description: string } =>
  body as { error: string; error_codes: number[]; error_description: string };

describe("the token endpoint (OAuth 2.0 client credentials, Entra's shapes)", () => {
  it("issues a v1.0 ARM access token from /{tenant}/oauth2/v2.0/token, verifiable with the published keys", async () => {
    const r = await formPost(t.h, `/${TENANT_A}/oauth2/v2.0/token`, {
      grant_type: "client_credentials",
      client_id: P.owner.clientId,
      client_secret: P.owner.clientSecret,
      scope: "https://management.azure.com/.default",
    });
    expect(r.status).toBe(200);
    const body = r.body as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    const discovery = await armRequest(t.h, "GET", `/${TENANT_A}/v2.0/.well-known/openid-configuration`);
    const doc = discovery.body as Record<string, string>;
    expect(doc.token_endpoint).toBe(`${t.h.endpoint}/${TENANT_A}/oauth2/v2.0/token`);
    expect(doc.jwks_uri).toBe(`${t.h.endpoint}/${TENANT_A}/discovery/v2.0/keys`);
    expect(doc.issuer).toBe(`${t.h.endpoint}/${TENANT_A}/v2.0`);
    const keys = (await armRequest(t.h, "GET", `/${TENANT_A}/discovery/v2.0/keys`)).body as { keys: [] };
    const { payload, protectedHeader } = await jwtVerify(
      body.access_token as string,
      createLocalJWKSet(keys),
    );
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({
      aud: "https://management.azure.com",
      iss: `https://sts.windows.net/${TENANT_A}/`,
      tid: TENANT_A,
      oid: P.owner.objectId,
      appid: P.owner.clientId,
      idtyp: "app",
      ver: "1.0",
    });
  });

  it("issues from the v1 endpoint /{tenant}/oauth2/token with `resource`, and takes client_secret_basic", async () => {
    const basic = Buffer.from(`${P.reader.clientId}:${P.reader.clientSecret}`).toString("base64");
    const r = await formPost(
      t.h,
      `/${TENANT_A}/oauth2/token`,
      { grant_type: "client_credentials", resource: "https://management.core.windows.net/" },
      { authorization: `Basic ${basic}` },
    );
    expect(r.status).toBe(200);
    const body = r.body as Record<string, string>;
    expect(body).toMatchObject({
      token_type: "Bearer",
      expires_in: "3599",
      resource: "https://management.core.windows.net/",
    });
    expect(decodeJwt(body.access_token!).aud).toBe("https://management.core.windows.net/");
  });

  it("answers bad requests with Entra's error JSON and AADSTS codes", async () => {
    const base = {
      grant_type: "client_credentials",
      client_id: P.owner.clientId,
      client_secret: P.owner.clientSecret,
      scope: "https://management.azure.com/.default",
    };
    const cases: [string, Record<string, string>, number, string, number][] = [
      [`/99999999-0000-4000-8000-000000000099/oauth2/v2.0/token`, base, 400, "invalid_request", 90002],
      [
        `/${TENANT_A}/oauth2/v2.0/token`,
        { ...base, client_id: "c0000000-0000-4000-8000-000000000077" },
        400,
        "unauthorized_client",
        700016,
      ],
      [`/${TENANT_B}/oauth2/v2.0/token`, base, 400, "unauthorized_client", 700016],
      [
        `/${TENANT_A}/oauth2/v2.0/token`,
        { ...base, client_secret: "not-the-secret" },
        401,
        "invalid_client",
        7000215,
      ],
      [`/${TENANT_A}/oauth2/v2.0/token`, { ...base, client_secret: "" }, 401, "invalid_client", 7000218],
      [
        `/${TENANT_A}/oauth2/v2.0/token`,
        { ...base, scope: "https://management.azure.com/user_impersonation" },
        400,
        "invalid_scope",
        1002012,
      ],
      [`/${TENANT_A}/oauth2/v2.0/token`, { ...base, grant_type: "" }, 400, "invalid_request", 900144],
      [
        `/${TENANT_A}/oauth2/v2.0/token`,
        { ...base, grant_type: "password" },
        400,
        "unsupported_grant_type",
        70003,
      ],
    ];
    for (const [path, form, status, error, code] of cases) {
      const r = await formPost(t.h, path, form, {
        "client-request-id": "11112222-3333-4444-5555-666677778888",
      });
      const body = entra(r.body);
      expect([r.status, body.error, body.error_codes], `${path} ${JSON.stringify(form)}`).toEqual([
        status,
        error,
        [code],
      ]);
      expect(body.error_description).toMatch(
        new RegExp(
          `^AADSTS${code}: .* Trace ID: .* Correlation ID: 11112222-3333-4444-5555-666677778888 Timestamp: `,
        ),
      );
    }
    const wrong = entra(
      (await formPost(t.h, `/${TENANT_A}/oauth2/v2.0/token`, { ...base, client_secret: "nope-nope" })).body,
    );
    expect(wrong.error_description).toContain(
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${P.owner.clientId}'.`,
    );
  });

  it("answers discovery for an unknown tenant with invalid_tenant (AADSTS90002)", async () => {
    const r = await armRequest(
      t.h,
      "GET",
      "/99999999-0000-4000-8000-000000000099/v2.0/.well-known/openid-configuration",
    );
    expect([r.status, entra(r.body).error, entra(r.body).error_codes]).toEqual([
      400,
      "invalid_tenant",
      [90002],
    ]);
  });

  it("points /metadata/endpoints' login endpoint at the server itself", async () => {
    const legacy = (await armRequest(t.h, "GET", "/metadata/endpoints")).body as {
      authentication: { loginEndpoint: string };
    };
    expect(legacy.authentication.loginEndpoint).toBe(`${t.h.endpoint}/`);
    const clouds = (await armRequest(t.h, "GET", "/metadata/endpoints?api-version=2022-09-01")).body as [
      { authentication: { loginEndpoint: string } },
    ];
    expect(clouds[0].authentication.loginEndpoint).toBe(`${t.h.endpoint}/`);
  });
});

describe("ARM refuses requests without a valid token (401, its code, WWW-Authenticate, nothing changes)", () => {
  const write =
    (token: string, name = "rg-refused"): (() => ReturnType<typeof as>) =>
    () =>
      as(t.h, token, "PUT", RG_WRITE(name), { location: "eastus" });

  const challenge = (r: { headers: Record<string, unknown> }): string =>
    String(r.headers["www-authenticate"] ?? "");

  it("no token: AuthenticationFailed, as without --auth", async () => {
    const r = await armRequest(
      t.h,
      "PUT",
      RG_WRITE("rg-refused"),
      { location: "eastus" },
      { authorization: "" },
    );
    expect([r.status, errorCode(r)]).toEqual([401, "AuthenticationFailed"]);
  });

  it("a malformed token: InvalidAuthenticationToken", async () => {
    const r = await denied(t.h, write("not-a-jwt"), 401, "InvalidAuthenticationToken");
    expect(challenge(r)).toMatch(
      /^Bearer authorization_uri="https:\/\/127\.0\.0\.1:\d+\/aaaaaaaa-[^"]+", error="invalid_token", error_description="The access token is invalid\."$/,
    );
  });

  it("a token signed with another key: InvalidAuthenticationToken", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({ ...decodeJwt(await tokenFor(t.h, P.owner)) })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .sign(privateKey);
    await denied(t.h, write(forged), 401, "InvalidAuthenticationToken");
  });

  it("an expired token: ExpiredAuthenticationToken with ARM's times", async () => {
    const token = await tokenFor(t.h, P.owner);
    t.clock.now += 2 * 3600_000;
    try {
      const r = await denied(t.h, write(token), 401, "ExpiredAuthenticationToken");
      expect((r.body as { error: { message: string } }).error.message).toMatch(
        /^The access token expiry UTC time '\d+\/\d+\/\d{4} \d+:\d\d:\d\d [AP]M' is earlier than current UTC time '\d+\/\d+\/\d{4} \d+:\d\d:\d\d [AP]M'\.$/,
      );
      expect(challenge(r)).toContain('error="invalid_token"');
    } finally {
      t.clock.now -= 2 * 3600_000;
    }
  });

  it("a token for another audience: InvalidAuthenticationTokenAudience", async () => {
    const graph = await tokenFor(t.h, P.owner, "https://graph.microsoft.com/.default");
    const r = await denied(t.h, write(graph), 401, "InvalidAuthenticationTokenAudience");
    expect((r.body as { error: { message: string } }).error.message).toContain(
      "The access token has been obtained for wrong audience or resource 'https://graph.microsoft.com'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'",
    );
  });

  it("a token of another tenant than the subscription's: InvalidAuthenticationTokenTenant", async () => {
    const r = await denied(
      t.h,
      write(await tokenFor(t.h, P.foreign)),
      401,
      "InvalidAuthenticationTokenTenant",
    );
    expect((r.body as { error: { message: string } }).error.message).toMatch(
      new RegExp(
        `^The access token is from the wrong issuer 'https://sts.windows.net/${TENANT_B}/'. It must match the tenant 'https://sts.windows.net/${TENANT_A}/' associated with this subscription.`,
      ),
    );
  });

  it("a validly signed token of a tenant the server does not know: InvalidAuthenticationTokenTenant", async () => {
    const stranger = { ...P.owner, tenantId: "99999999-0000-4000-8000-000000000099" };
    const { token } = await issueToken(
      t.auth.key,
      stranger,
      "https://management.azure.com/",
      Math.floor(t.clock.now / 1000),
    );
    await denied(t.h, write(token), 401, "InvalidAuthenticationTokenTenant");
  });

  it("a bad auxiliary token: 401 naming its client and tenant", async () => {
    const owner = await tokenFor(t.h, P.owner);
    const r = await denied(
      t.h,
      () => as(t.h, owner, "PUT", RG_WRITE("rg-aux"), { location: "eastus" }, ["garbage"]),
      401,
      "InvalidAuthenticationToken",
    );
    expect(r.status).toBe(401);
  });

  it("a valid token works, and so does the API for registering principals (vnetlab's own)", async () => {
    const owner = await tokenFor(t.h, P.owner);
    ok(await as(t.h, owner, "PUT", `${APP_RG}?api-version=2021-04-01`, { location: "eastus" }));
    const created = ok(await as(t.h, owner, "POST", "/vnetlab/principals", { displayName: "ci-pipeline" }));
    const p = created.body as { tenantId: string; clientId: string; clientSecret: string; objectId: string };
    expect(p.tenantId).toBe(TENANT_A);
    const token = await tokenFor(t.h, { ...p, displayName: "ci-pipeline" });
    expect(decodeJwt(token).oid).toBe(p.objectId);
    // A new principal has no role: it may authenticate, not act.
    await denied(
      t.h,
      () => as(t.h, token, "GET", `${APP_RG}?api-version=2021-04-01`),
      403,
      "AuthorizationFailed",
    );
  });
});

describe("the Azure SDK against `serve --auth`", () => {
  it("gets tokens from the server (as ClientSecretCredential would) and writes; a reader is refused with 403", async () => {
    const owner = new NetworkManagementClient(credentialFor(t.h, P.owner), NET_SUB, t.h.clientOptions);
    const vnet = await owner.virtualNetworks.beginCreateOrUpdateAndWait("rg-net", "vnet-sdk", {
      location: "eastus",
      addressSpace: { addressPrefixes: ["10.50.0.0/16"] },
    });
    const subnet = await owner.subnets.beginCreateOrUpdateAndWait("rg-net", "vnet-sdk", "snet-data", {
      addressPrefix: "10.50.3.0/24",
      serviceEndpoints: [{ service: "Microsoft.Storage" }],
    });
    expect(subnet.serviceEndpoints?.[0]?.locations).toEqual(["eastus", "westus"]);
    const reader = new NetworkManagementClient(credentialFor(t.h, P.reader), NET_SUB, t.h.clientOptions);
    expect((await reader.virtualNetworks.get("rg-net", "vnet-sdk")).id).toBe(vnet.id);
    await expect(
      reader.subnets.beginCreateOrUpdateAndWait("rg-net", "vnet-sdk", "snet-x", {
        addressPrefix: "10.50.4.0/24",
      }),
    ).rejects.toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
  });
});
