// api-version checks. Each resource provider accepts the versions its REST specs define
// (Azure/azure-rest-api-specs); vnetlab accepts any well-formed version within a provider's published range
// [INF: the specs' version lists have gaps, which vnetlab does not reproduce], so SDKs of every era work.
import { VnetlabError } from "../model/errors.js";

const RANGES: Record<string, [string, string]> = {
  "microsoft.resources": ["2014-04-01", "2025-04-01"],
  "microsoft.network": ["2015-05-01", "2026-01-01"],
  "microsoft.compute": ["2015-06-15", "2025-04-01"],
  "microsoft.storage": ["2015-05-01", "2025-08-01"],
  "microsoft.sql": ["2014-04-01", "2025-02-01"],
  "microsoft.dbforpostgresql": ["2017-12-01", "2025-08-01"],
  "microsoft.dbformysql": ["2017-12-01", "2024-12-30"],
  "microsoft.dbformariadb": ["2018-06-01", "2020-01-01"],
  "microsoft.keyvault": ["2015-06-01", "2026-02-01"],
  "microsoft.documentdb": ["2014-04-01", "2025-10-15"],
  "microsoft.servicebus": ["2014-09-01", "2025-05-01"],
  "microsoft.eventhub": ["2014-09-01", "2025-05-01"],
  "microsoft.web": ["2015-08-01", "2025-03-01"],
  "microsoft.cognitiveservices": ["2016-02-01", "2025-09-01"],
  "microsoft.containerregistry": ["2016-06-27", "2025-11-01"],
  "microsoft.datalakestore": ["2015-10-01", "2016-11-01"],
  // roleAssignments and roleDefinitions (serve --auth): 2015-07-01 to 2022-05-01-preview in the REST specs.
  "microsoft.authorization": ["2015-07-01", "2022-05-01"],
};

/**
 * Types younger than their provider: the first api-version whose spec defines them (a type-id prefix, lower
 * case). Azure Virtual Network Manager: preview/2021-02-01-preview/networkManager.json; its verifier:
 * preview/2024-01-01-preview/networkVerifier.json (stable from 2024-03-01).
 */
const TYPE_SINCE: [string, string][] = [
  ["microsoft.network/networkmanagers/verifierworkspaces", "2024-01-01"],
  ["microsoft.network/networkmanagers", "2021-02-01"],
];

const FORMAT = /^(\d{4}-\d{2}-\d{2})(-preview|-privatepreview|-beta|-alpha)?$/i;

/** Throws ARM's error when the request has no api-version or one the provider does not offer. */
export function checkApiVersion(namespace: string, type: string, apiVersion: string | undefined): string {
  if (!apiVersion) {
    throw new VnetlabError(
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  const range = RANGES[namespace.toLowerCase()];
  const m = FORMAT.exec(apiVersion);
  if (!m) {
    throw new VnetlabError(
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${range ? `${range[0]} to ${range[1]}` : "none"}'.`,
    );
  }
  const t = type.toLowerCase();
  const since = TYPE_SINCE.find(([prefix]) => t === prefix || t.startsWith(`${prefix}/`))?.[1];
  const first = range && since && since > range[0] ? since : range?.[0];
  if (!range || m[1]! < first! || m[1]! > range[1]) {
    throw new VnetlabError(
      "NoRegisteredProviderFound",
      `No registered resource provider found for location 'global' and API version '${apiVersion}' for type '${type}'. The supported api-versions are '${range ? `${first} to ${range[1]}` : "none"}'.`,
    );
  }
  return apiVersion;
}

export function knownNamespace(namespace: string): boolean {
  return namespace.toLowerCase() in RANGES;
}
