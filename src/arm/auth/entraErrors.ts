// Entra ID's OAuth 2.0 error answers: RFC 6749 §5.2 codes with an AADSTS number, a trace and correlation id and
// a timestamp, in Entra's own JSON (observed bodies quoted in public issues; each use names its source).
import { randomUUID } from "node:crypto";
import { type ErrorCode, VnetlabError } from "../../model/errors.js";

type OAuthCode =
  | "invalid_request"
  | "invalid_client"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_tenant";

export class EntraError extends VnetlabError {
  constructor(
    code: OAuthCode & ErrorCode,
    readonly aadsts: number,
    description: string,
  ) {
    super(code, description);
  }

  /** Entra's body; `correlationId` is the client's `client-request-id` when it sent one. */
  toEntra(baseUrl: string, correlationId: string | undefined, nowMs: number): object {
    const timestamp = new Date(nowMs)
      .toISOString()
      .replace("T", " ")
      .replace(/\.\d+Z$/, "Z");
    const traceId = randomUUID();
    const correlation = correlationId ?? randomUUID();
    return {
      error: this.code,
      error_description: `AADSTS${this.aadsts}: ${this.message} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [this.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `${baseUrl}/error?code=${this.aadsts}`,
    };
  }
}

/** [OBS AADSTS900144 / the older AADSTS90014] A required form field is missing. */
export const missingParameter = (name: string): EntraError =>
  new EntraError(
    "invalid_request",
    900144,
    `The request body must contain the following parameter: '${name}'.`,
  );

/** [OBS msal / azure-cli traces] The tenant of the URL is unknown; the discovery document answers invalid_tenant. */
export const tenantNotFound = (tenant: string, code: "invalid_request" | "invalid_tenant"): EntraError =>
  new EntraError(
    code,
    90002,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  );

/** [OBS many issues] The client id is not an application of the tenant. */
export const applicationNotFound = (clientId: string, tenant: string): EntraError =>
  new EntraError(
    "unauthorized_client",
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  );

/** [OBS azure-sdk issues quoting AADSTS7000215] */
export const invalidSecret = (clientId: string): EntraError =>
  new EntraError(
    "invalid_client",
    7000215,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  );

/** [OBS ms-identity-javascript-v2 #18 and others] */
export const missingSecret = (): EntraError =>
  new EntraError(
    "invalid_client",
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );

/** [OBS databricks-sql-nodejs #226, msgraph-sdk-python #181] */
export const scopeNotDefault = (scope: string): EntraError =>
  new EntraError(
    "invalid_scope",
    1002012,
    `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  );

/** [INF] Only the client-credentials grant is served; the AADSTS number is Entra's for an unsupported grant. */
export const unsupportedGrant = (grant: string): EntraError =>
  new EntraError("unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant}'.`);
