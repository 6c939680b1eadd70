// The service catalog: which subnet service endpoints exist, what their routes cover, and which PaaS
// resources they unlock, with each resource's public host names and private-link zones. The facts live in
// data/serviceCatalog.json (with their sources); this file only types, checks and indexes them.
import catalog from "./data/serviceCatalog.json" with { type: "json" };
import type { Regions } from "./regions.js";
import type { ServiceTag, ServiceTags } from "./serviceTags.js";

export type PaasKind =
  | "storage"
  | "sql"
  | "postgresql"
  | "mysql"
  | "mariadb"
  | "keyVault"
  | "cosmosDb"
  | "serviceBus"
  | "eventHub"
  | "appService"
  | "cognitiveServices"
  | "containerRegistry"
  | "dataLakeStore";

/** How ARM fills a service endpoint's `locations` when the request omits it (semantics §1.2). */
export type DefaultLocations = "vnetRegionAndPair" | "vnetRegion" | "all";

export interface EndpointServiceInfo {
  /** e.g. `Microsoft.Storage`. */
  name: string;
  status: "GA" | "Preview";
  defaultLocations: DefaultLocations;
  /** The service tag family whose prefixes the SE route covers. */
  tag: string;
  /** The PaaS kinds whose firewalls see traffic over this endpoint as coming from the subnet. */
  kinds: PaasKind[];
  /** Where the facts come from (semantics.md source tags). */
  source: string;
}

export interface HostPattern {
  /** The private-link group id (sub-resource) this host belongs to, e.g. `blob`, `sqlServer`. */
  subresource: string;
  /** Host template: `{name}` (resource name), `{subdomain}` (customSubDomainName or name), `{location}`. */
  template: string;
  /** The public DNS zone the host lives in, e.g. `blob.core.windows.net`. */
  suffix: string;
  privateLinkZone?: string;
  /** A read-access geo-redundant secondary endpoint (served from the paired region). */
  secondary?: boolean;
  /** The App Service SCM (Kudu) site, governed by its own access restrictions. */
  scm?: boolean;
  /** Only for resources of this `kind` (case-insensitive), e.g. `OpenAI`, `MongoDB`. */
  resourceKind?: string;
  /** A dotted path into `properties` whose URL or host, when present and in `suffix`, replaces the template. */
  fromProperty?: string;
}

export interface PaasServiceInfo {
  kind: PaasKind;
  /** ARM resource type, e.g. `Microsoft.Storage/storageAccounts`. */
  resourceType: string;
  displayName: string;
  endpointService: string;
  tag: string;
  hosts: HostPattern[];
}

const KINDS: readonly PaasKind[] = [
  "storage",
  "sql",
  "postgresql",
  "mysql",
  "mariadb",
  "keyVault",
  "cosmosDb",
  "serviceBus",
  "eventHub",
  "appService",
  "cognitiveServices",
  "containerRegistry",
  "dataLakeStore",
];
const DEFAULTS: readonly DefaultLocations[] = ["vnetRegionAndPair", "vnetRegion", "all"];

// The JSON import types strings as `string`; check the closed vocabularies once, at load, so that a bad
// edit of the data file fails at startup instead of as a wrong answer.
function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`serviceCatalog.json: bad ${what} '${value}'`);
  return value as T;
}

const ENDPOINT_SERVICES: readonly EndpointServiceInfo[] = catalog.endpointServices.map((s) => ({
  name: s.name,
  status: oneOf(s.status, ["GA", "Preview"] as const, "status"),
  defaultLocations: oneOf(s.defaultLocations, DEFAULTS, "defaultLocations"),
  tag: s.tag,
  kinds: s.kinds.map((k) => oneOf(k, KINDS, "kind")),
  source: s.source,
}));

const PAAS_SERVICES: readonly PaasServiceInfo[] = catalog.paasServices.map((p) => ({
  kind: oneOf(p.kind, KINDS, "kind"),
  resourceType: p.resourceType,
  displayName: p.displayName,
  endpointService: p.endpointService,
  tag: p.tag,
  hosts: p.hosts.map((h): HostPattern => ({ ...h })),
}));

const ALIASES: readonly string[] = catalog.serviceEndpointPolicyAliases.map((a) => a.alias);

const servicesByName = new Map(ENDPOINT_SERVICES.map((s) => [s.name.toLowerCase(), s]));
const paasByType = new Map(PAAS_SERVICES.map((p) => [p.resourceType.toLowerCase(), p]));
/** The same by the type as ARM spells it: estates mostly do, and then no lower-cased copy is needed. */
const paasByExactType = new Map(PAAS_SERVICES.map((p) => [p.resourceType, p]));

/** An endpoint service by name, case-insensitively ("microsoft.storage"). */
export function endpointService(name: string): EndpointServiceInfo | undefined {
  return servicesByName.get(name.toLowerCase());
}

export function endpointServices(): readonly EndpointServiceInfo[] {
  return ENDPOINT_SERVICES;
}

/** The PaaS service of an ARM resource type, case-insensitively. */
export function paasServiceByType(resourceType: string): PaasServiceInfo | undefined {
  return paasByExactType.get(resourceType) ?? paasByType.get(resourceType.toLowerCase());
}

export function paasServices(): readonly PaasServiceInfo[] {
  return PAAS_SERVICES;
}

/** The endpoint services whose traffic a PaaS kind's firewall can match with a VNet rule. */
export function endpointServicesForKind(kind: PaasKind): readonly EndpointServiceInfo[] {
  return ENDPOINT_SERVICES.filter((s) => s.kinds.includes(kind));
}

/** `/services/Azure[/X]` aliases accepted in `service: "Global"` policy definitions; data [S2][S29]. */
export function serviceEndpointPolicyAliases(): readonly string[] {
  return ALIASES;
}

/**
 * ARM fills `locations` when the request omits it: semantics §1.2. Microsoft.Storage gets the VNet's region
 * and its pair [S28][INF] (just the region when it has no pair [UNCONF]); Microsoft.Sql the region [S28];
 * the rest `["*"]`. Empty for a service not in the catalog (ARM rejects those elsewhere).
 */
export function defaultEndpointLocations(service: string, vnetRegion: string, regions: Regions): string[] {
  const info = endpointService(service);
  if (!info) return [];
  const region = regions.normalize(vnetRegion) ?? vnetRegion.toLowerCase();
  switch (info.defaultLocations) {
    case "all":
      return ["*"];
    case "vnetRegion":
      return [region];
    case "vnetRegionAndPair": {
      const pair = regions.pairOf(region);
      return pair && pair !== region ? [region, pair] : [region];
    }
  }
}

/**
 * The service tags an SE route covers for an endpoint service with the given locations [S6][S3] (R2):
 * `"*"` is the family's global tag, a region its regional tag. A family without regional tags (AzureDataLake,
 * CognitiveServicesFrontend) is covered by its global tag whatever the locations [INF]. A region with no
 * regional tag contributes nothing. No duplicates; order follows `locations`.
 */
export function endpointRouteTags(
  service: string,
  locations: readonly string[],
  tags: ServiceTags,
): ServiceTag[] {
  const info = endpointService(service);
  if (!info) return [];
  const out: ServiceTag[] = [];
  const add = (t: ServiceTag | undefined): void => {
    if (t && !out.includes(t)) out.push(t);
  };
  const hasRegional = tags.regionalTags(info.tag).length > 0;
  for (const location of locations) {
    if (location === "*" || !hasRegional) add(tags.global(info.tag));
    else add(tags.regional(info.tag, location));
  }
  return out;
}
