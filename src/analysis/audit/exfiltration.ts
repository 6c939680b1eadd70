// "From where can data leave?": every subnet that can reach a storage account (or SQL server, key vault,
// Cosmos DB account) outside the trusted set, and by which path; the subnets with the storage endpoint and no
// endpoint policy; and, per such subnet, an endpoint policy built from the accounts it reaches today, with a
// what-if showing it closes the endpoint path without breaking a flow that works now.
import type { PathKind } from "../../engine/trace.js";
import type { ArmResource } from "../../model/arm.js";
import { deriveEstate } from "../../model/compileEstate.js";
import type { Estate } from "../../model/estate.js";
import { NetworkTypes as N, type SubnetProperties } from "../../model/resources/network.js";
import { ServiceTypes as T } from "../../model/resources/services.js";
import {
  type MatrixResource,
  type MatrixSource,
  matrixResources,
  matrixSources,
} from "../matrix/endpoints.js";
import { Matrix } from "../matrix/matrix.js";
import { type CellOutcome } from "../matrix/outcome.js";
import { proposePolicy, type PolicyProposal } from "./proposal.js";
import { type RogueService, rogueResources, rogueSubscription } from "./rogue.js";

export interface ExfiltrationOptions {
  /** Subscriptions whose resources are trusted; default: every subscription the estate holds resources in. */
  trustedSubscriptions?: readonly string[];
  /** Tenants whose resources are trusted (added to the subscriptions). */
  trustedTenants?: readonly string[];
}

export interface ExfiltrationPath {
  subnetId: string;
  /** An untrusted resource of the estate, or an attacker's account (`rogue`) in a region. */
  destination:
    | { kind: "estate"; resourceId: string; resourceType: string }
    | { kind: "rogue"; service: RogueService; region: string; resourceType: string };
  path: PathKind | "none";
  viaAppliance: boolean;
  decidedBy: CellOutcome["decidedBy"];
}

export interface ExfiltrationReport {
  trusted: { subscriptions: string[]; tenants: string[] };
  paths: ExfiltrationPath[];
  /** Subnets with a storage endpoint and no endpoint policy. */
  unprotectedSubnets: { subnetId: string; endpoints: string[] }[];
  proposals: PolicyProposal[];
}

const STORAGE_ENDPOINTS = new Set(["microsoft.storage", "microsoft.storage.global"]);

function storageEndpointsOf(subnet: ArmResource<SubnetProperties>): string[] {
  return (subnet.properties?.serviceEndpoints ?? [])
    .map((e) => e.service ?? "")
    .filter((s) => STORAGE_ENDPOINTS.has(s.toLowerCase()));
}

const subscriptionOf = (id: string): string => (id.split("/")[2] ?? "").toLowerCase();

export function auditExfiltration(estate: Estate, options: ExfiltrationOptions = {}): ExfiltrationReport {
  const paas = matrixResources(estate);
  const subscriptions = new Set(
    (options.trustedSubscriptions ?? estate.resources.map((r) => subscriptionOf(r.id))).map((s) =>
      s.toLowerCase(),
    ),
  );
  const tenants = new Set((options.trustedTenants ?? []).map((t) => t.toLowerCase()));
  const trusted = (r: ArmResource): boolean =>
    subscriptions.has(subscriptionOf(r.id)) || tenants.has(estate.tenantOf(r.id).toLowerCase());

  // The estate with the attacker's accounts added, and every subnet against them and the untrusted resources.
  const rogues = rogueResources(estate);
  const withRogues = deriveEstate(estate, [rogueSubscription(), ...rogues.map((r) => r.resource)]);
  const subnets = matrixSources(withRogues).filter((s) => s.kind === "subnet");
  const rogueIds = new Map(rogues.map((r) => [r.resource.id, r]));
  const targets = matrixResources(withRogues).filter(
    (r) => rogueIds.has(r.resource.id) || !trusted(r.resource),
  );
  const outside = new Matrix(withRogues, subnets, targets);
  const paths: ExfiltrationPath[] = [];
  for (let j = 0; j < targets.length; j++) {
    for (const cell of outside.column(j)) {
      if (cell.outcome.verdict !== "Allow") continue;
      const r = cell.resource.resource;
      const rogue = rogueIds.get(r.id);
      paths.push({
        subnetId: cell.source.id,
        destination: rogue
          ? { kind: "rogue", service: rogue.service, region: rogue.region, resourceType: r.type }
          : { kind: "estate", resourceId: r.id, resourceType: r.type },
        path: cell.outcome.path,
        viaAppliance: cell.outcome.viaAppliance,
        decidedBy: cell.outcome.decidedBy,
      });
    }
  }
  paths.sort((a, b) => (a.subnetId < b.subnetId ? -1 : a.subnetId > b.subnetId ? 1 : 0));

  const unprotectedSubnets = estate
    .ofType<SubnetProperties>(N.subnet)
    .filter(
      (s) => storageEndpointsOf(s).length > 0 && (s.properties?.serviceEndpointPolicies ?? []).length === 0,
    )
    .map((s) => ({ subnetId: s.id, endpoints: storageEndpointsOf(s) }));

  // A policy for each unprotected subnet that can reach an attacker's storage account over its endpoint.
  const leaking = new Set(
    paths
      .filter((p) => p.path === "serviceEndpoint" && p.destination.resourceType === T.storageAccount)
      .map((p) => p.subnetId.toLowerCase()),
  );
  const storage = paas.filter((r) => r.resource.type === T.storageAccount);
  const proposals = unprotectedSubnets
    .filter((u) => leaking.has(u.subnetId.toLowerCase()))
    .map((u) => proposePolicy(estate, withRogues, sourceOf(subnets, u.subnetId), storage, trusted, rogues));
  return {
    trusted: { subscriptions: [...subscriptions].sort(), tenants: [...tenants].sort() },
    paths,
    unprotectedSubnets,
    proposals,
  };
}

function sourceOf(sources: readonly MatrixSource[], subnetId: string): MatrixSource {
  return sources.find((s) => s.id.toLowerCase() === subnetId.toLowerCase())!;
}

export type { MatrixResource, PolicyProposal };
