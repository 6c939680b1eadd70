// The decisions of the data plane, as the engine takes them (semantics §0). A connection is opened once:
// the name resolved as its source resolves it (private DNS zones linked to its VNet, private endpoints), then
// NSGs, routes and service endpoint policies — a network drop ends it there. Each request on an open
// connection then meets the service firewall of the estate as it is at that moment, with the origin the
// connection established (a firewall change applies to the next request; NSGs are stateful [S4]).
import { finishTrace, parseDestination, type Trace, traceNetwork } from "../engine/index.js";
import { evaluateWith, firewallFor } from "../engine/firewalls/index.js";
import type { FirewallRequest, FirewallResult, RequestOrigin } from "../engine/firewalls/types.js";
import type { Flow } from "../engine/flow.js";
import type { PathKind } from "../engine/trace.js";
import type { ArmResource } from "../model/arm.js";
import { VnetlabError } from "../model/errors.js";
import type { Estate } from "../model/estate.js";
import { publicHostsOf } from "../model/publicEndpoints.js";
import { idKey } from "../model/resourceId.js";
import { type PaasKind, paasServiceByType } from "../model/serviceCatalog.js";
import type { Source } from "./sources.js";

/** A connection the network let through: what each of its requests is checked and routed by. */
export interface OpenFlow {
  /** The name (or address) the client connected to, lower case, and the port. */
  host: string;
  port: number;
  resourceId: string;
  resourceName: string;
  kind: PaasKind;
  /** The private-link group id of the host (`blob`, `queue_secondary`, `vault`, ...) when known. */
  subresource?: string;
  /** How the request reaches the service, as its firewall sees it. */
  origin: RequestOrigin;
  /** The address the service sees. */
  sourceIp?: string;
  path?: PathKind;
  /** The trace that opened the connection. */
  trace: Trace;
}

export type FlowDecision =
  | { kind: "open"; flow: OpenFlow }
  /** NSG, route `None`, service endpoint policy: the packets never arrive. */
  | { kind: "drop"; trace: Trace }
  /** The name does not resolve from this source, or nothing in the estate answers to it. */
  | { kind: "unresolved"; message: string; trace?: Trace }
  /** Reachable, but not a PaaS resource vnetlab serves (a VM's address, a resource without a firewall model). */
  | { kind: "notService"; message: string; trace: Trace };

/** The stages at which the network, not the service, stops a flow (semantics §0 steps 1, 2 and 4). */
const NETWORK_STAGES: ReadonlySet<string> = new Set(["nsg", "route", "policy"]);

/** Services that speak their own protocol, not HTTP: their connections are tunnelled, not terminated. */
export const RAW_PROTOCOL_KINDS: ReadonlySet<PaasKind> = new Set(["sql", "postgresql", "mysql", "mariadb"]);

function destinationText(host: string, port: number): string {
  const h = host.includes(":") ? `[${host}]` : host;
  return `${port === 80 ? "http" : "https"}://${h}:${port}/`;
}

function pathOf(t: Trace): PathKind | undefined {
  for (let i = t.stages.length - 1; i >= 0; i--) {
    const s = t.stages[i]!;
    if (s.stage === "path") return s.path;
  }
  return undefined;
}

function subresourceOf(resource: ArmResource, host: string, groupId: string | undefined): string | undefined {
  return publicHostsOf(resource).find((h) => h.host === host)?.subresource ?? groupId;
}

/** Resolves and traces a new connection from `source` to `host:port`. */
export function openFlow(estate: Estate, source: Source, host: string, port: number): FlowDecision {
  let flow: Flow;
  let phase: ReturnType<typeof traceNetwork>;
  try {
    flow = {
      source: source.flow,
      destination: parseDestination(estate, destinationText(host, port)),
      protocol: "Tcp",
    };
    phase = traceNetwork(estate, flow);
  } catch (e) {
    if (e instanceof VnetlabError) return { kind: "unresolved", message: e.message };
    throw e;
  }
  const trace = finishTrace(estate, phase);
  const decided = trace.decidedBy;
  if (trace.verdict === "Deny" && NETWORK_STAGES.has(decided.stage)) return { kind: "drop", trace };
  if (trace.verdict === "Deny" && decided.stage === "dns")
    return { kind: "unresolved", message: decided.reason, trace };
  const { target, end } = phase;
  const resource = target?.resource;
  const info = resource && paasServiceByType(resource.type);
  if (!end.reached || !end.origin || !resource || !info || !target?.paas) {
    const what = trace.destination.ip ? `${host} (${trace.destination.ip})` : host;
    return {
      kind: "notService",
      message: `${what} is not a PaaS service that vnetlab's data plane serves`,
      trace,
    };
  }
  const canonical = flow.destination.kind === "fqdn" ? flow.destination.host : host;
  return {
    kind: "open",
    flow: {
      host: host.toLowerCase(),
      port,
      resourceId: resource.id,
      resourceName: resource.name,
      kind: info.kind,
      subresource: subresourceOf(resource, canonical, target.privateEndpoint?.groupId),
      origin: end.origin,
      sourceIp: trace.sourceIpSeenByService,
      path: pathOf(trace),
      trace,
    },
  };
}

type Check = (request: FirewallRequest) => FirewallResult;

/** Each estate's firewalls bound to their resources, looked up once per resource (estates are immutable). */
const checks = new WeakMap<Estate, Map<string, Check | null>>();

function checkOf(estate: Estate, resourceId: string): Check | undefined {
  let byId = checks.get(estate);
  if (!byId) {
    byId = new Map();
    checks.set(estate, byId);
  }
  const key = idKey(resourceId);
  let check = byId.get(key);
  if (check === undefined) {
    const resource = estate.get(resourceId);
    const firewall = resource && firewallFor(resource.type);
    check = resource
      ? (firewall?.bind?.(resource, estate) ?? ((r) => evaluateWith(firewall, resource, r, estate)))
      : null;
    byId.set(key, check);
  }
  return check ?? undefined;
}

export interface RequestFacts {
  /** The request came over TLS (storage's secure transfer required refuses plain http). */
  secure: boolean;
  /** HTTP request headers; App Service's header filters read them [S19]. */
  headers?: Record<string, string>;
  requestId: string;
  time: Date;
}

/**
 * The service firewall's answer to one request on an open connection, in the estate as it is now; undefined
 * when the resource no longer exists.
 */
export function checkRequest(
  estate: Estate,
  flow: OpenFlow,
  facts: RequestFacts,
): FirewallResult | undefined {
  return checkOf(
    estate,
    flow.resourceId,
  )?.({
    origin: flow.origin,
    host: flow.host,
    port: flow.port,
    ...facts,
  });
}
