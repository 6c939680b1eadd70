// Access tokens as Entra ID issues them for ARM (v1.0 access tokens, RS256, `iss` https://sts.windows.net/{tid}/
// even from the v2.0 endpoint, since ARM does not ask for v2 tokens), signed with one RSA key kept in the data
// directory and published as the tenant's signing keys; and ARM's checks of a bearer token, with its 401 codes.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  calculateJwkThumbprint,
  decodeJwt,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from "jose";
import { VnetlabError } from "../../model/errors.js";
import { type ResourceStore, StorePreconditionFailed } from "../../store/types.js";
import type { Principal } from "./principals.js";

type Key = Awaited<ReturnType<typeof importJWK>>;

export interface SigningKey {
  kid: string;
  privateKey: Key;
  publicKey: Key;
  publicJwk: JWK;
}

/** The file, inside `--data-dir`, that holds the private key (a JWK). */
export const KEY_FILE = "vnetlab-token-key.json";

async function newJwk(): Promise<JWK> {
  const pair = await generateKeyPair("RS256", { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(pair.privateKey);
  jwk.kid = (await calculateJwkThumbprint(jwk)).slice(0, 27);
  return jwk;
}

async function fromJwk(jwk: JWK): Promise<SigningKey> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  return {
    kid: jwk.kid!,
    privateKey: await importJWK(jwk, "RS256"),
    publicKey: await importJWK(publicJwk, "RS256"),
    publicJwk: { ...publicJwk, use: "sig", alg: "RS256" },
  };
}

/** The data directory's signing key, made on first use; without a directory, a key for this process only. */
export async function loadSigningKey(dir?: string): Promise<SigningKey> {
  const file = dir ? join(dir, KEY_FILE) : undefined;
  if (file && existsSync(file)) return fromJwk(JSON.parse(readFileSync(file, "utf8")) as JWK);
  const jwk = await newJwk();
  if (file) {
    mkdirSync(dir!, { recursive: true });
    writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  }
  return fromJwk(jwk);
}

/** Where a shared store keeps the signing key (not an ARM resource: the auth store is the server's own). */
const SHARED_KEY_ID = "/providers/vnetlab.identity/signingKeys/default";

/**
 * The signing key kept in a store that several servers share (`--store postgres://`), so that a token one of
 * them issues is good at all of them: the first to start makes it, the others read it.
 */
export async function loadSharedSigningKey(store: ResourceStore): Promise<SigningKey> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await store.get(SHARED_KEY_ID);
    if (found) return fromJwk(found.resource.properties as JWK);
    const jwk = await newJwk();
    const resource = {
      id: SHARED_KEY_ID,
      name: "default",
      type: "vnetlab.identity/signingKeys",
      properties: jwk,
    };
    try {
      await store.apply([{ kind: "put", resource, etag: jwk.kid! }], [{ id: SHARED_KEY_ID, etag: null }]);
      return fromJwk(jwk);
    } catch (e) {
      // Another server made it first: read theirs.
      if (!(e instanceof StorePreconditionFailed)) throw e;
    }
  }
  throw new VnetlabError("InvalidRequestFormat", "the shared signing key could not be read or made");
}

/** The claims of a vnetlab access token (those of an Entra v1.0 app-only token that ARM reads). */
export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  appid: string;
  appidacr: string;
  idp: string;
  idtyp: string;
  oid: string;
  sub: string;
  tid: string;
  uti: string;
  ver: string;
}

export const issuerOf = (tenantId: string): string => `https://sts.windows.net/${tenantId}/`;

/** Entra's default lifetime for app tokens is 60-90 minutes; vnetlab gives an hour. */
export const TOKEN_LIFETIME_SECONDS = 3599;

export async function issueToken(
  key: SigningKey,
  p: Principal,
  audience: string,
  nowSeconds: number,
  lifetimeSeconds = TOKEN_LIFETIME_SECONDS,
): Promise<{ token: string; claims: TokenClaims }> {
  const claims: TokenClaims = {
    aud: audience,
    iss: issuerOf(p.tenantId),
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + lifetimeSeconds,
    appid: p.clientId,
    appidacr: "1",
    idp: issuerOf(p.tenantId),
    idtyp: "app",
    oid: p.objectId,
    sub: p.objectId,
    tid: p.tenantId,
    uti: randomUUID().replace(/-/g, "").slice(0, 22),
    ver: "1.0",
  };
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ typ: "JWT", alg: "RS256", x5t: key.kid, kid: key.kid })
    .sign(key.privateKey);
  return { token, claims };
}

/** The audiences ARM accepts [OBS InvalidAuthenticationTokenAudience message], and this server's own URL. */
export function allowedAudiences(baseUrl: string): string[] {
  return [
    "https://management.core.windows.net/",
    "https://management.core.windows.net",
    "https://management.azure.com/",
    "https://management.azure.com",
    `${baseUrl}/`,
    baseUrl,
  ];
}

// [INF] ARM's text for a token it cannot read or whose signature fails is not published; this is its shape.
const INVALID = "The access token is invalid.";

/** .NET's invariant-culture UTC time, as ARM's ExpiredAuthenticationToken message prints it ('5/14/2023 8:22:51 AM'). */
export function armTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

/**
 * Checks a bearer token's form, signature, lifetime and audience (ARM's order: a token that is not one of
 * ours fails before its claims are looked at). The tenant is the caller's business (auth.ts): it depends on
 * the subscription addressed.
 */
export async function verifyToken(
  key: SigningKey,
  token: string,
  nowMs: number,
  baseUrl: string,
): Promise<TokenClaims> {
  let claims: TokenClaims;
  try {
    decodeJwt(token);
    const out = await jwtVerify(token, key.publicKey, {
      algorithms: ["RS256"],
      currentDate: new Date(nowMs),
    });
    claims = out.payload as unknown as TokenClaims;
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) {
      const exp = (decodeJwt(token).exp ?? 0) * 1000;
      // [OBS vscode-azureappservice #2483, foundry-dev-tools #461]
      throw new VnetlabError(
        "ExpiredAuthenticationToken",
        `The access token expiry UTC time '${armTime(exp)}' is earlier than current UTC time '${armTime(nowMs)}'.`,
      );
    }
    throw new VnetlabError("InvalidAuthenticationToken", INVALID);
  }
  if (typeof claims.oid !== "string" || typeof claims.tid !== "string") {
    // [OBS azure-sdk-for-java #1714]
    throw new VnetlabError(
      "InvalidAuthenticationToken",
      "The received access token is not valid: at least one of the claims 'puid' or 'altsecid' or 'oid' should be present. If you are accessing as application please make sure service principal is properly created in the tenant.",
    );
  }
  const allowed = allowedAudiences(baseUrl);
  if (!allowed.includes(claims.aud)) {
    // [OBS JetBrains/azure-tools-for-intellij #16, active-directory-dotnetcore-daemon-v2 #145]
    throw new VnetlabError(
      "InvalidAuthenticationTokenAudience",
      `The access token has been obtained for wrong audience or resource '${String(claims.aud)}'. It should exactly match with one of the allowed audiences ${allowed.map((a) => `'${a}'`).join(",")}.`,
    );
  }
  return claims;
}

/** ARM's answer to a request with no bearer token at all (the challenge header is the caller's business). */
export function missingAuthorization(): VnetlabError {
  return new VnetlabError(
    "AuthenticationFailed",
    "Authentication failed. The 'Authorization' header is missing.",
  );
}

/** [OBS azure-sdk-for-net #49391, pcs-cli #357] A token of one tenant for a subscription of another. */
export function wrongTenant(tokenTenant: string, subscriptionTenant: string): VnetlabError {
  return new VnetlabError(
    "InvalidAuthenticationTokenTenant",
    `The access token is from the wrong issuer '${issuerOf(tokenTenant)}'. It must match the tenant '${issuerOf(subscriptionTenant)}' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${subscriptionTenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
  );
}

/** [INF] A validly signed token of a tenant this server no longer knows (its principals are gone). */
export function unknownTenant(tokenTenant: string): VnetlabError {
  return new VnetlabError(
    "InvalidAuthenticationTokenTenant",
    `The access token is from the wrong issuer '${issuerOf(tokenTenant)}'. The tenant is not known to this server.`,
  );
}
