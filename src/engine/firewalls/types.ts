// The contract every service firewall implements: one evaluator per service, run as an ordered chain.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import type { IpAddress } from "../../net/index.js";

/** How a request reaches the service, which decides what the firewall can match on. */
export type RequestOrigin =
  /** Arrived over a service endpoint route: carries the subnet identity and the private source IP. */
  | { kind: "serviceEndpoint"; subnetId: string; vnetId: string; privateIp: IpAddress; region: string }
  /** Arrived through a private endpoint of this resource: firewall rules do not apply. */
  | { kind: "privateEndpoint"; privateEndpointId: string; sourceIp: IpAddress }
  /**
   * Arrived from a public address. `ip` is what the service sees (undefined when unknown, e.g. behind an
   * on-premises NAT). `azureRegion` is set when the client is an Azure VM without a service endpoint:
   * Storage sees same-region Azure clients by Azure-internal addresses, not their public IP (semantics §4.1 R9).
   */
  | { kind: "public"; ip: IpAddress | undefined; azureRegion?: string; fromOnPremises?: boolean };

/**
 * An Azure service calling with its own identity rather than a network flow from a VM: what resource-instance
 * rules and trusted-service exceptions match. A flow traced from a NIC never carries one.
 */
export interface ServiceCaller {
  /** The calling resource instance, e.g. a Synapse workspace (Storage resourceAccessRules, Cosmos bypass ids). */
  resourceId?: string;
  /** The exception this caller qualifies for as a trusted Microsoft service (Storage also knows Logging, Metrics). */
  trustedService?: "AzureServices" | "Logging" | "Metrics";
}

export interface FirewallRequest {
  origin: RequestOrigin;
  /** The host name the client used, e.g. `stgworkloads.blob.core.windows.net`; selects sub-services (scm site, secondary). */
  host?: string;
  port: number;
  /** Whether the request came over TLS; undefined when the caller does not say (taken as TLS). */
  secure?: boolean;
  /** HTTP request headers (names case-insensitive); App Service header filters need them. */
  headers?: Record<string, string>;
  caller?: ServiceCaller;
  /** Printed in denial bodies that carry one; the engine has no randomness, so the default is the zero GUID. */
  requestId?: string;
  /** Printed in denial bodies that carry a time; the engine has no clock, so the default is the epoch. */
  time?: Date;
}

/** An immutable value: the engine may hand the same response to many results. */
export interface ServiceResponse {
  /** HTTP status; 0 for services whose refusal is not HTTP (the TDS, PostgreSQL and MySQL protocols). */
  status: number;
  /** The service's error code (`AuthorizationFailure`, `40914`, `ForbiddenByFirewall`, ...). */
  code: string;
  message: string;
  headers?: Record<string, string>;
  /** The exact body the service sends, when known (XML for Storage, JSON for most others). */
  body?: string;
  contentType?: string;
}

export type FirewallResult =
  | { decision: "Allow"; rule: string; reason: string }
  | { decision: "Deny"; rule: string; reason: string; response: ServiceResponse };

export interface ServiceFirewall {
  /** Resource types this evaluator answers for (ARM type names). */
  readonly resourceTypes: readonly string[];
  evaluate(resource: ArmResource, request: FirewallRequest, estate: Estate): FirewallResult;
  /** `evaluate` for one resource of the estate, its rules looked up once rather than per request. */
  bind?(resource: ArmResource, estate: Estate): (request: FirewallRequest) => FirewallResult;
}
