// Every response a service firewall sends when it refuses a request: status, code, message template, headers
// and exact body, each with its source tag (semantics.md §13; [OBS] = seen in real error output, [INF] =
// inferred, [UNCONF] = not confirmed). The engine is pure, so request ids and times are inputs with
// deterministic defaults.
import type { ServiceResponse } from "./types.js";

export const ZERO_GUID = "00000000-0000-0000-0000-000000000000";
export const EPOCH = new Date(0);

export interface DenialInput {
  /** The resource name as the service prints it (account, server, vault, namespace, site). */
  resourceName: string;
  /** The address the service saw; undefined when unknown (printed as `unknown`). */
  clientIp?: string;
  /** The client arrived over a subnet service endpoint (the service knows it came from a VNet). */
  viaServiceEndpoint?: boolean;
  /** The resource's region, for services that print it (Key Vault). */
  location?: string;
  /** The namespace host and entity path, for Service Bus / Event Hubs trackers. */
  host?: string;
  /** Key Vault's `Caller:` line (the token's app and object ids), unknown to vnetlab. */
  caller?: string;
  requestId?: string;
  time?: Date;
}

export interface Denial {
  readonly status: number;
  readonly code: string;
  /** The message with `{placeholders}`: {resource} {ip} {client} {requestId} {time} {timestamp} {location} {host} {caller}. */
  readonly template: string;
  readonly source: string;
  /** The inputs the message, body and headers read. */
  readonly reads: readonly (keyof DenialInput)[];
  build(input: DenialInput): ServiceResponse;
}

interface DateTexts {
  iso: string;
  http: string;
}

// Traces carry no time, so the epoch's texts are made once; other times are formatted when asked for.
const EPOCH_TEXTS: DateTexts = { iso: EPOCH.toISOString(), http: EPOCH.toUTCString() };

function formatted(d: Date): DateTexts {
  return d.getTime() === 0 ? EPOCH_TEXTS : { iso: d.toISOString(), http: d.toUTCString() };
}

/** Storage's time format: ISO 8601 with seven fractional digits (`2025-10-02T12:53:16.1654353Z`). */
export function storageTime(d: Date): string {
  return `${formatted(d).iso.slice(0, 23)}0000Z`;
}

type Placeholder = (input: DenialInput) => string;

// Each placeholder is computed only when a template uses it: denials sit on the hot path of batch traces.
const placeholders: Record<string, Placeholder> = {
  resource: (i) => i.resourceName,
  ip: (i) => i.clientIp ?? "unknown",
  client: (i) => `${i.clientIp ?? "unknown"}${i.viaServiceEndpoint ? " from unknown subnet" : ""}`,
  requestId: (i) => i.requestId ?? ZERO_GUID,
  time: (i) => storageTime(i.time ?? EPOCH),
  timestamp: (i) => formatted(i.time ?? EPOCH).iso.slice(0, 19),
  caller: (i) => i.caller ?? `appid=${ZERO_GUID};oid=${ZERO_GUID}`,
  location: (i) => i.location ?? "unknown",
  host: (i) => i.host ?? i.resourceName,
};

/** The inputs each placeholder reads. */
const reads: Record<string, (keyof DenialInput)[]> = {
  resource: ["resourceName"],
  ip: ["clientIp"],
  client: ["clientIp", "viaServiceEndpoint"],
  requestId: ["requestId"],
  time: ["time"],
  timestamp: ["time"],
  caller: ["caller"],
  location: ["location"],
  host: ["host", "resourceName"],
};

/** The inputs a template reads. */
function templateReads(template: string): Set<keyof DenialInput> {
  const out = new Set<keyof DenialInput>();
  for (const m of template.matchAll(/\{(\w+)\}/g)) for (const k of reads[m[1] ?? ""] ?? []) out.add(k);
  return out;
}

/** Splits a template once into literal text and placeholder functions. */
function compileTemplate(template: string): (input: DenialInput) => string {
  const parts: (string | Placeholder)[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const fn = placeholders[m[1] ?? ""];
    if (!fn) continue;
    parts.push(template.slice(last, m.index), fn);
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  return (input) => {
    let out = "";
    for (const p of parts) out += typeof p === "string" ? p : p(input);
    return out;
  };
}

/** UTF-8 length without allocating (Content-Length). */
function byteLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

type Spec = Omit<Denial, "build" | "reads"> & {
  render(message: string, input: DenialInput): Partial<ServiceResponse>;
  /** Inputs the body or headers read beyond the message's placeholders. */
  renderReads?: (keyof DenialInput)[];
};

function denial(spec: Spec): Denial {
  const { render, renderReads, ...rest } = spec;
  const fill = compileTemplate(spec.template);
  const reads = [...new Set([...templateReads(spec.template), ...(renderReads ?? [])])];
  return {
    ...rest,
    reads,
    build(input: DenialInput): ServiceResponse {
      const message = fill(input);
      return { status: spec.status, code: spec.code, message, ...render(message, input) };
    },
  };
}

/** Storage's error response: XML with a byte-order mark, the code again in `x-ms-error-code`. */
function storageError(code: string): Spec["render"] {
  return (message, input) => {
    const body = `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
    return {
      body,
      contentType: "application/xml",
      headers: {
        "content-length": String(byteLength(body)),
        "content-type": "application/xml",
        server: "Microsoft-HTTPAPI/2.0",
        "x-ms-request-id": input.requestId ?? ZERO_GUID,
        "x-ms-error-code": code,
        date: formatted(input.time ?? EPOCH).http,
      },
    };
  };
}

/** Bodies for protocols with no HTTP (TDS, PostgreSQL, MySQL): the client sees only the error text. */
const textOnly = (): Partial<ServiceResponse> => ({});

export const denials = {
  // [OBS S9] microsoft/AzureStorageExplorer #3609 (XML body), #8769/#9150 (headers; content-length 246 = this
  // body with its UTF-8 byte-order mark). PNA Disabled answers the same [INF].
  storageAuthorizationFailure: denial({
    status: 403,
    code: "AuthorizationFailure",
    template: "This request is not authorized to perform this operation.\nRequestId:{requestId}\nTime:{time}",
    source: "[OBS S9] microsoft/AzureStorageExplorer#3609, #8769, #9150",
    renderReads: ["requestId", "time"],
    render: storageError("AuthorizationFailure"),
  }),
  // Secure transfer required (supportsHttpsTrafficOnly, on by default): a request over http:// gets this
  // [OBS] MicrosoftDocs/azure-dev-docs#721 (status, code, message); body and headers as storage errors do [INF].
  storageAccountRequiresHttps: denial({
    status: 400,
    code: "AccountRequiresHttps",
    template: "The account being accessed does not support http.\nRequestId:{requestId}\nTime:{time}",
    source: "[OBS] MicrosoftDocs/azure-dev-docs#721",
    renderReads: ["requestId", "time"],
    render: storageError("AccountRequiresHttps"),
  }),
  // [S12] sql-docs vnet-service-endpoint-rule-overview "Error 40914".
  sqlVirtualNetworkRule: denial({
    status: 0,
    code: "40914",
    template:
      "Cannot open server '{resource}' requested by the login. Client is not allowed to access the server.",
    source: "[S12] MicrosoftDocs/sql-docs vnet-service-endpoint-rule-overview",
    render: textOnly,
  }),
  // [S12] gives the first two sentences; the rest is the text SQL Database really sends [OBS airbytehq/airbyte#20344].
  sqlIpFirewall: denial({
    status: 0,
    code: "40615",
    template:
      "Cannot open server '{resource}' requested by the login. Client with IP address '{ip}' is not allowed to access the server.  To enable access, use the Windows Azure Management Portal or run sp_set_firewall_rule on the master database to create a firewall rule for this IP address or address range.  It may take up to five minutes for this change to take effect.",
    source: "[S12] + [OBS] airbytehq/airbyte#20344",
    render: textOnly,
  }),
  // [S13] learn/azure-sql/database/connectivity-settings "Error 47073".
  sqlPublicNetworkAccessDisabled: denial({
    status: 0,
    code: "47073",
    template:
      "An instance-specific error occurred while establishing a connection to SQL Server. The public network interface on this server is not accessible. To connect to this server, use the Private Endpoint from inside your virtual network.",
    source: "[S13] connectivity-settings",
    render: textOnly,
  }),
  // [OBS] Azure/azure-postgresql#80, microsoft/azuredatastudio-postgresql#257 (SQLSTATE 28000). The user and
  // database are the client's, unknown here; a service-endpoint client's private address is printed [INF].
  postgreSqlFirewall: denial({
    status: 0,
    code: "28000",
    template: 'FATAL: no pg_hba.conf entry for host "{ip}", user "<user>", database "<database>", SSL on',
    source: "[OBS] Azure/azure-postgresql#80, microsoft/azuredatastudio-postgresql#257",
    render: textOnly,
  }),
  // [OBS] several lab write-ups of Azure Database for MySQL single server (ERROR 9000 (HY000)).
  mySqlFirewall: denial({
    status: 0,
    code: "9000",
    template: "Client with IP address '{ip}' is not allowed to connect to this MySQL server.",
    source: "[OBS] mysql client output against *.mysql.database.azure.com",
    render: textOnly,
  }),
  // [INF] MariaDB single server ran on the MySQL gateway; its own text was not found, MySQL's is followed.
  mariaDbFirewall: denial({
    status: 0,
    code: "9000",
    template: "Client with IP address '{ip}' is not allowed to connect to this MariaDB server.",
    source: "[INF] follows mySqlFirewall",
    render: textOnly,
  }),
  // [OBS S15b] MicrosoftDocs/azure-docs#52649, hashicorp/packer-plugin-azure#384 ("from unknown subnet" for
  // a VNet client). The caller line names the token's app and object ids, which vnetlab does not know.
  keyVaultFirewall: denial({
    status: 403,
    code: "ForbiddenByFirewall",
    template:
      "Client address is not authorized and caller is not a trusted service.\r\nClient address: {client}\r\nCaller: {caller}\r\nVault: {resource};location={location}",
    source: "[OBS S15b] MicrosoftDocs/azure-docs#52649, hashicorp/packer-plugin-azure#384",
    render: (message) => ({
      contentType: "application/json; charset=utf-8",
      body: json({ error: { code: "Forbidden", message, innererror: { code: "ForbiddenByFirewall" } } }),
    }),
  }),
  // [OBS S15b]; a newer observed wording is "Connection is not an approved private link and caller was
  // ignored because bypass is not set to 'AzureServices' and PublicNetworkAccess is set to 'Disabled'." [OBS].
  keyVaultPublicNetworkAccessDisabled: denial({
    status: 403,
    code: "ForbiddenByConnection",
    template:
      "Public network access is disabled and request is not from a trusted service nor via an approved private link.\r\nCaller: {caller}\r\nVault: {resource};location={location}",
    source: "[OBS S15b]",
    render: (message) => ({
      contentType: "application/json; charset=utf-8",
      body: json({ error: { code: "Forbidden", message, innererror: { code: "ForbiddenByConnection" } } }),
    }),
  }),
  // [OBS S16c] microsoft/azure-tools-for-java#7123 and Cosmos troubleshooting docs; also sent when PNA is Disabled [OBS].
  cosmosDbPublicInternet: denial({
    status: 403,
    code: "Forbidden",
    template:
      "Request originated from IP {ip} through public internet. This is blocked by your Cosmos DB account firewall settings. More info: https://aka.ms/cosmosdb-tsg-forbidden",
    source: "[OBS S16c]",
    renderReads: ["requestId"],
    render: (message, input) => ({
      contentType: "application/json",
      headers: { "x-ms-activity-id": input.requestId ?? ZERO_GUID },
      body: json({ code: "Forbidden", message }),
    }),
  }),
  cosmosDbServiceEndpoint: denial({
    status: 403,
    code: "Forbidden",
    template:
      "Request originated from VNET through service endpoint. This is blocked by your Cosmos DB account firewall settings.",
    source: "[OBS S16c]",
    renderReads: ["requestId"],
    render: (message, input) => ({
      contentType: "application/json",
      headers: { "x-ms-activity-id": input.requestId ?? ZERO_GUID },
      body: json({ code: "Forbidden", message }),
    }),
  }),
  // [OBS] Service Bus / Event Hubs REST answer 401 with this XML for IP-filter, VNet and PNA refusals alike
  // (several public troubleshooting notes); [S17b] "rejected as unauthorized, the response doesn't mention the rule".
  messagingIpPrevented: denial({
    status: 401,
    code: "401",
    template:
      "Ip has been prevented to connect to the endpoint.\nFor more information see:\nVirtual Network service endpoints:\nEvent Hubs: https://go.microsoft.com/fwlink/?linkid=2044192\nService Bus: https://go.microsoft.com/fwlink/?linkid=2044235\nIP Filters:\nEvent Hubs: https://go.microsoft.com/fwlink/?linkid=2044428\nService Bus: https://go.microsoft.com/fwlink/?linkid=2044183\nTrackingId:{requestId}, SystemTracker:{host}, Timestamp:{timestamp}",
    source: "[OBS] public troubleshooting notes quoting the SB/EH 401 body; [S17b]",
    render: (message) => ({
      contentType: "application/xml; charset=utf-8",
      body: `<Error><Code>401</Code><Detail>${message}</Detail></Error>`,
    }),
  }),
  // [UNCONF] App Service's access-restriction page; only the heading and first sentence are known.
  appServiceForbidden: denial({
    status: 403,
    code: "Forbidden",
    template: "Error 403 - Forbidden. The web app you have attempted to reach has blocked your access.",
    source: "[UNCONF] semantics.md §4.6",
    render: () => ({
      contentType: "text/html",
      body: "<!DOCTYPE html><html><head><title>Web App - Unavailable</title></head><body><h1>Error 403 - Forbidden</h1><p>The web app you have attempted to reach has blocked your access.</p></body></html>",
    }),
  }),
  // [OBS] semantics.md §4.7 and many client libraries matching this text; PNA Disabled answers the same [INF].
  cognitiveServicesFirewall: denial({
    status: 403,
    code: "403",
    template: "Access denied due to Virtual Network/Firewall rules.",
    source: "[OBS] semantics.md §4.7",
    render: (message) => ({
      contentType: "application/json",
      body: json({ error: { code: "403", message } }),
    }),
  }),
  // [OBS S21] container-registry-troubleshoot-access "Error 3"; the CLI shows the quote as \u0027.
  containerRegistryDenied: denial({
    status: 403,
    code: "DENIED",
    template:
      "client with IP '{ip}' is not allowed access. Refer https://aka.ms/acr/firewall to grant access.",
    source: "[OBS S21] container-registry troubleshooting docs",
    render: (message) => ({
      contentType: "application/json; charset=utf-8",
      body: json({ errors: [{ code: "DENIED", message }] }),
    }),
  }),
  // [OBS] microsoft/AzureStorageExplorer#3520 (ADLS Gen1); the WebHDFS RemoteException wrapper is [INF].
  dataLakeStoreFirewall: denial({
    status: 403,
    code: "AccessDeniedByFirewall",
    template:
      "The client IP '{ip}' is not allowed, meanwhile the request doesn't originate from an allowed virtual network, based on the configuration of the Azure Data Lake account '{resource}'.",
    source: "[OBS] microsoft/AzureStorageExplorer#3520",
    render: (message) => ({
      contentType: "application/json",
      body: json({ RemoteException: { exception: "AccessDeniedByFirewall", message } }),
    }),
  }),
} as const satisfies Record<string, Denial>;

export type DenialId = keyof typeof denials;

export function buildDenial(id: DenialId, input: DenialInput): ServiceResponse {
  return denials[id].build(input);
}
