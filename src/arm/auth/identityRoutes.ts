// Entra ID's endpoints, served by vnetlab itself under `serve --auth`, in Entra's shapes: the tenant's OAuth 2.0
// token endpoints (v2.0 with `scope`, v1 with `resource`; client credentials with client_secret_post or
// client_secret_basic), the OpenID discovery documents, the signing keys and MSAL's instance discovery.
// `/vnetlab/principals` is vnetlab's own (Entra has Microsoft Graph for this), and every principal of a tenant may
// register another one there, as Entra lets members register applications by default.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ArmState } from "../armState.js";
import type { ArmAuth } from "./auth.js";
import {
  applicationNotFound,
  EntraError,
  invalidSecret,
  missingParameter,
  missingSecret,
  scopeNotDefault,
  tenantNotFound,
  unsupportedGrant,
} from "./entraErrors.js";
import { principalFrom, secretMatches } from "./principals.js";
import { missingAuthorization } from "./tokens.js";

type Form = Record<string, string>;

const baseUrlOf = (req: FastifyRequest): string => `${req.protocol}://${req.headers.host ?? "localhost"}`;

/** client_secret_basic: `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1). */
function basicCredentials(header: string | undefined): { id?: string; secret?: string } {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!m) return {};
  const [id, secret] = Buffer.from(m[1]!, "base64").toString("utf8").split(":");
  return { id: id && decodeURIComponent(id), secret: secret && decodeURIComponent(secret) };
}

/** The audience a request asks for: v2.0 `scope` (`{resource}/.default`), v1 `resource`. */
function audienceOf(form: Form, v2: boolean): string {
  if (!v2) {
    if (!form.resource) throw missingParameter("resource"); // [INF] the v1 endpoint's text
    return form.resource;
  }
  if (!form.scope) throw missingParameter("scope");
  const scopes = form.scope.split(/\s+/).filter((s) => s !== "");
  const resource = scopes.find((s) => s.endsWith("/.default"));
  if (!resource) throw scopeNotDefault(scopes[0] ?? form.scope);
  return resource.slice(0, -"/.default".length);
}

async function token(auth: ArmAuth, state: ArmState, req: FastifyRequest, v2: boolean): Promise<object> {
  const tenant = (req.params as { tenant: string }).tenant.toLowerCase();
  if (!(await auth.tenants((await state.snapshot()).estate())).has(tenant))
    throw tenantNotFound(tenant, "invalid_request");
  const form = (req.body ?? {}) as Form;
  if (!form.grant_type) throw missingParameter("grant_type");
  if (form.grant_type !== "client_credentials") throw unsupportedGrant(form.grant_type);
  const basic = basicCredentials(req.headers.authorization);
  const clientId = form.client_id ?? basic.id;
  if (!clientId) throw missingParameter("client_id");
  const audience = audienceOf(form, v2);
  const principal = await auth.directory.find(tenant, clientId);
  if (!principal) throw applicationNotFound(clientId, tenant);
  const secret = form.client_secret ?? basic.secret;
  if (!secret) throw missingSecret();
  if (!secretMatches(principal, secret)) throw invalidSecret(clientId);
  const issued = await auth.issue(principal, audience);
  const expiresIn = issued.expiresOn - Math.floor(auth.now() / 1000);
  // Entra's answers: numbers from v2.0, strings (and expires_on, resource) from v1.
  return v2
    ? { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: issued.token }
    : {
        token_type: "Bearer",
        expires_in: String(expiresIn),
        ext_expires_in: String(expiresIn),
        expires_on: String(issued.expiresOn),
        not_before: String(issued.notBefore),
        resource: audience,
        access_token: issued.token,
      };
}

function discovery(base: string, tenant: string, v2: boolean): object {
  const t = `${base}/${tenant}`;
  const o = v2 ? "oauth2/v2.0" : "oauth2";
  return {
    token_endpoint: `${t}/${o}/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${t}/discovery/${v2 ? "v2.0/" : ""}keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: v2 ? `${t}/v2.0` : `https://sts.windows.net/${tenant}/`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${t}/${o}/authorize`,
    device_authorization_endpoint: `${t}/${o}/devicecode`,
    end_session_endpoint: `${t}/${o}/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "tid", "ver", "oid"],
    tenant_region_scope: "WW",
    cloud_instance_name: new URL(base).host,
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
  };
}

/** The tenant segment of a discovery URL: a known tenant, or `common` / `organizations` (answered generically). */
async function discoveryTenant(auth: ArmAuth, state: ArmState, req: FastifyRequest): Promise<string> {
  const tenant = (req.params as { tenant: string }).tenant.toLowerCase();
  if (tenant === "common" || tenant === "organizations") return "{tenantid}";
  if (!(await auth.tenants((await state.snapshot()).estate())).has(tenant))
    throw tenantNotFound(tenant, "invalid_tenant");
  return tenant;
}

async function answer(
  req: FastifyRequest,
  reply: FastifyReply,
  auth: ArmAuth,
  work: () => Promise<object>,
): Promise<FastifyReply> {
  void reply.header("cache-control", "no-store, no-cache");
  try {
    return await reply.code(200).send(await work());
  } catch (e) {
    if (!(e instanceof EntraError)) throw e;
    const correlation = req.headers["client-request-id"] as string | undefined;
    return reply.code(e.status).send(e.toEntra(baseUrlOf(req), correlation, auth.now()));
  }
}

/** The principal of an ARM-valid bearer token (of a tenant this server knows), for vnetlab's own endpoint. */
async function tokenCaller(
  auth: ArmAuth,
  state: ArmState,
  req: FastifyRequest,
): Promise<{ tenantId: string }> {
  if (!/^Bearer\s+\S+/i.test(req.headers.authorization ?? "")) throw missingAuthorization();
  return auth.authenticate(req.headers, req.url, baseUrlOf(req), state);
}

export async function identityRoutes(app: FastifyInstance, auth: ArmAuth, state: ArmState): Promise<void> {
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  for (const [path, v2] of [
    ["/:tenant/oauth2/v2.0/token", true],
    ["/:tenant/oauth2/token", false],
  ] as const) {
    app.post(path, (req, reply) => answer(req, reply, auth, () => token(auth, state, req, v2)));
  }
  for (const [path, v2] of [
    ["/:tenant/v2.0/.well-known/openid-configuration", true],
    ["/:tenant/.well-known/openid-configuration", false],
  ] as const) {
    app.get(path, (req, reply) =>
      answer(req, reply, auth, async () =>
        discovery(baseUrlOf(req), await discoveryTenant(auth, state, req), v2),
      ),
    );
  }
  for (const path of ["/:tenant/discovery/v2.0/keys", "/:tenant/discovery/keys"]) {
    app.get(path, (req, reply) =>
      answer(req, reply, auth, async () => {
        const tenant = await discoveryTenant(auth, state, req);
        return {
          keys: [{ ...auth.key.publicJwk, x5t: auth.key.kid, issuer: `${baseUrlOf(req)}/${tenant}/v2.0` }],
        };
      }),
    );
  }
  // MSAL's instance discovery: this server is its own cloud, with one host.
  app.get("/common/discovery/instance", async (req) => {
    const host = new URL(baseUrlOf(req)).host;
    const authority = (req.query as Record<string, string>).authorization_endpoint ?? "";
    const tenant = /^https?:\/\/[^/]+\/([^/]+)/.exec(authority)?.[1] ?? "common";
    return {
      tenant_discovery_endpoint: `${baseUrlOf(req)}/${tenant}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
  });
  app.post("/vnetlab/principals", async (req, reply) => {
    const caller = await tokenCaller(auth, state, req);
    // As Entra, the directory picks the ids and the secret: only the display name is the caller's.
    const displayName = (req.body as { displayName?: unknown } | undefined)?.displayName;
    const { p, secret } = principalFrom({ displayName, tenantId: caller.tenantId }, "principal", true);
    await auth.directory.create(p);
    const { secretSha256: _s, ...shown } = p;
    return reply.code(201).send({ ...shown, clientSecret: secret });
  });
  app.get("/vnetlab/principals", async (req) => {
    const caller = await tokenCaller(auth, state, req);
    const mine = (await auth.directory.all()).filter((p) => p.tenantId === caller.tenantId);
    return { value: mine.map(({ secretSha256: _s, ...shown }) => shown) };
  });
}
