// Origins of requests, as the service firewalls read them: the address the service sees, the phrases that
// name a client in reasons, the region and subnet behind a service-endpoint client. Origins that many requests
// share (one per NIC configuration, see `shareOrigin`) remember what is derived from them.
import type { Estate } from "../../model/estate.js";
import { parentId } from "../../model/resourceId.js";
import { formatIp } from "../../net/index.js";
import type { RequestOrigin } from "./types.js";

/** The address the service sees, as text; undefined when unknown. */
export function clientIpText(origin: RequestOrigin): string | undefined {
  switch (origin.kind) {
    case "serviceEndpoint":
      return formatIp(origin.privateIp);
    case "privateEndpoint":
      return formatIp(origin.sourceIp);
    case "public":
      return origin.ip ? formatIp(origin.ip) : undefined;
  }
}

type ServiceEndpointOrigin = Extract<RequestOrigin, { kind: "serviceEndpoint" }>;

/** What is derived from a shared origin, filled on first use. */
interface OriginFacts {
  description?: string;
  subnetLabel?: string;
  subnetKey?: string;
  azureRegionKey?: string;
  vnetRegion?: { estate: Estate; key: string | undefined };
}

/** Where a shared origin keeps its facts: a symbol, so the origin's own fields stay as they are. */
const FACTS = Symbol("origin facts");

type WithFacts = { readonly [FACTS]?: OriginFacts };

function factsOf(origin: RequestOrigin): OriginFacts | undefined {
  return (origin as WithFacts)[FACTS];
}

/**
 * An origin that many requests share (the engine keeps one per NIC configuration and path): the phrases and
 * keys derived from it are then worked out once. A copy of `origin`, which must not change afterwards.
 */
export function shareOrigin<O extends RequestOrigin>(origin: O): O {
  return { ...origin, [FACTS]: {} };
}

/** `subnetLabel` of a service-endpoint client's subnet. */
export function originSubnetLabel(origin: ServiceEndpointOrigin): string {
  const facts = factsOf(origin);
  if (!facts) return subnetLabel(origin.subnetId);
  facts.subnetLabel ??= subnetLabel(origin.subnetId);
  return facts.subnetLabel;
}

/** `keyOf` (`idKey` or one with the same answers) of a service-endpoint client's subnet id. */
export function originSubnetKey(origin: ServiceEndpointOrigin, keyOf: (id: string) => string): string {
  const facts = factsOf(origin);
  if (!facts) return keyOf(origin.subnetId);
  facts.subnetKey ??= keyOf(origin.subnetId);
  return facts.subnetKey;
}

/** `regionKey` of the region an Azure public client reported. */
export function originAzureRegionKey(origin: RequestOrigin): string | undefined {
  if (origin.kind !== "public" || origin.azureRegion === undefined) return undefined;
  const facts = factsOf(origin);
  if (!facts) return regionKey(origin.azureRegion);
  facts.azureRegionKey ??= regionKey(origin.azureRegion);
  return facts.azureRegionKey;
}

/** `subnetRegion` of a service-endpoint client, with the origin's region as the fallback. */
export function originVnetRegion(estate: Estate, origin: ServiceEndpointOrigin): string | undefined {
  const facts = factsOf(origin);
  if (!facts) return subnetRegion(estate, origin.subnetId, origin.region);
  if (facts.vnetRegion?.estate !== estate) {
    facts.vnetRegion = { estate, key: subnetRegion(estate, origin.subnetId, origin.region) };
  }
  return facts.vnetRegion.key;
}

/** "subnet snet-app of vnet-spoke" from a subnet id (string search, not a full parse: it runs per request). */
export function subnetLabel(subnetId: string): string {
  const lower = subnetId.toLowerCase();
  const s = lower.lastIndexOf("/subnets/");
  const v = s < 0 ? -1 : lower.lastIndexOf("/virtualnetworks/", s);
  if (v < 0) return subnetId;
  return `subnet ${subnetId.slice(s + 9).replace(/\/$/, "")} of ${subnetId.slice(v + 17, s)}`;
}

/** A phrase naming the client for reasons: "subnet snet-app of vnet-spoke (service endpoint)", "203.0.113.7". */
export function describeOrigin(origin: RequestOrigin): string {
  const facts = factsOf(origin);
  if (!facts) return describe(origin);
  facts.description ??= describe(origin);
  return facts.description;
}

function describe(origin: RequestOrigin): string {
  switch (origin.kind) {
    case "serviceEndpoint":
      return `${originSubnetLabel(origin)} (via its service endpoint, source ${formatIp(origin.privateIp)})`;
    case "privateEndpoint":
      return `private endpoint ${lastName(origin.privateEndpointId)}`;
    case "public": {
      const ip = origin.ip ? formatIp(origin.ip) : "an unknown address";
      if (origin.fromOnPremises) return `on-premises client ${ip}`;
      if (origin.azureRegion) return `Azure client ${ip} in ${origin.azureRegion}`;
      return `public client ${ip}`;
    }
  }
}

export function lastName(id: string): string {
  const i = id.lastIndexOf("/");
  return i < 0 ? id : id.slice(i + 1);
}

/** Region names compare without spaces or case ("East US" = "eastus"). */
export function regionKey(region: string | undefined): string | undefined {
  return region?.replace(/\s+/g, "").toLowerCase();
}

/** Whether a public client is an Azure one: an Azure VM without a service endpoint, or an AzureCloud address. */
export function isAzureClient(estate: Estate, origin: RequestOrigin): boolean {
  if (origin.kind !== "public") return false;
  if (origin.azureRegion !== undefined) return true;
  return origin.ip !== undefined && (estate.serviceTags.get("AzureCloud")?.set.has(origin.ip) ?? false);
}

/** The region of the VNet holding a subnet: the VNet's location, else the region the origin reported. */
export function subnetRegion(estate: Estate, subnetId: string, fallback?: string): string | undefined {
  const vnet = estate.get(parentId(subnetId));
  return regionKey(vnet?.location ?? fallback);
}
