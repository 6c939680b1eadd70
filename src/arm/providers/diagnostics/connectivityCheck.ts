// POST .../networkWatchers/{nw}/connectivityCheck (§10): a connection from a VM (or NIC) to a VM, an address,
// an FQDN or a URL, answered by tracing the flow through the engine instead of sending probes.
//
// Request `{source: {resourceId, port?}, destination: {resourceId? | address?, port?}, protocol?: Tcp|Http|
// Https|Icmp, protocolConfiguration?, preferredIPVersion?}` [S25]. Response: `hops` with their `issues` (see
// hops.ts) and `connectionStatus`, plus `vnetlabTrace`, the engine's full trace (a vnetlab extension).
//
// Choices, each because vnetlab computes rather than measures:
// - connectionStatus is `Reachable` / `Unreachable`, what the service returns in Microsoft's REST and CLI
//   examples [OBS]; the REST spec's enum says Connected/Disconnected/Degraded/Unknown (modelAsString) [S25].
//   `Unknown` is used when the destination is a name the estate cannot resolve: vnetlab cannot tell.
// - No latency or probe counts (avgLatencyInMs, minLatencyInMs, maxLatencyInMs, probesSent, probesFailed):
//   nothing is sent, and a 0 would read as a measurement. Hop links and round-trip times are absent too.
// - Goes further than Azure: the service endpoint policy and the service's own firewall are evaluated, and
//   their denials are issues of type Platform.
// - protocolConfiguration (HTTP method, headers, valid status codes) and preferredIPVersion are accepted and
//   not used: the trace's verdict does not depend on them.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { Estate } from "../../../model/estate.js";
import { NetworkTypes as N } from "../../../model/resources/network.js";
import { formatIp, type IpAddress, parseIp } from "../../../net/index.js";
import {
  type FlowDestination,
  parseDestination,
  type Protocol,
  type Trace,
  trace,
} from "../../../engine/index.js";
import type { ActionHandler } from "../../resourceType.js";
import { type ConnectivityHop, hopsOf } from "./hops.js";
import {
  bodyObject,
  type JsonObject,
  objectField,
  oneOf,
  optionalString,
  port,
  requiredString,
} from "./requests.js";
import { checkWatcherRegion, ipConfigurationId, nicSource, referenced, resolveTarget } from "./targets.js";

type CheckProtocol = "Tcp" | "Http" | "Https" | "Icmp";

export interface ConnectivityInformation {
  hops: ConnectivityHop[];
  connectionStatus: "Reachable" | "Unreachable" | "Unknown";
  /** vnetlab extension: the engine's trace of the flow, stage by stage. */
  vnetlabTrace?: Trace;
}

const DEFAULT_PORTS: Partial<Record<CheckProtocol, number>> = { Http: 80, Https: 443, Icmp: 0 };

function invalid(message: string, target: string): VnetlabError {
  return new VnetlabError("InvalidRequestFormat", message, { target });
}

/** Where the check connects to, as an engine flow destination. */
function destinationOf(
  estate: Estate,
  watcher: ArmResource,
  dest: JsonObject,
  protocol: CheckProtocol,
): FlowDestination {
  const given = port(dest, "port", "destination.port", false) || undefined; // Azure's examples send 0 for "default"
  const defaultPort = given ?? DEFAULT_PORTS[protocol];
  const resourceId = optionalString(dest, "resourceId", "destination.resourceId");
  const address = optionalString(dest, "address", "destination.address")?.trim();
  if (resourceId) {
    const r = referenced(estate, resourceId, watcher, "destination.resourceId");
    const type = r.type.toLowerCase();
    if (type !== N.virtualMachine.toLowerCase() && type !== N.networkInterface.toLowerCase()) {
      throw new VnetlabError(
        "UnsupportedTargetResourceType",
        `Destination ${r.id} is a ${r.type}; a connectivity check connects to a virtual machine, or to an address, FQDN or URL.`,
        { target: "destination.resourceId" },
      );
    }
    return ipDestination(nicSource(estate, r.id, r).privateIp, defaultPort, protocol);
  }
  if (!address) throw invalid("The destination needs a resourceId or an address.", "destination");
  const ip = parseIp(address.replace(/^\[|\]$/g, ""));
  if (ip) return ipDestination(ip, defaultPort, protocol);
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(address);
  try {
    const d = parseDestination(estate, url || !defaultPort ? address : `${address}:${defaultPort}`);
    return url && given !== undefined ? { ...d, port: given } : d;
  } catch (e) {
    if (e instanceof VnetlabError && e.code === "UnknownDestination") {
      throw invalid(`destination.address: ${e.message}`, "destination.address");
    }
    throw e;
  }
}

function ipDestination(ip: IpAddress, p: number | undefined, protocol: CheckProtocol): FlowDestination {
  if (p === undefined)
    throw invalid(`destination.port is required for a ${protocol} check.`, "destination.port");
  return { kind: "ip", ip, port: p };
}

export function connectivityCheck(
  estate: Estate,
  watcher: ArmResource,
  body: unknown,
): ConnectivityInformation {
  const b = bodyObject(body, "connectivityCheck");
  const src = objectField(b, "source", "source");
  if (!src) throw invalid("The required property source is missing.", "source");
  const sourceId = requiredString(src, "resourceId", "source.resourceId");
  const sourcePort = port(src, "port", "source.port", false) || undefined;
  const dest = objectField(b, "destination", "destination");
  if (!dest) throw invalid("The required property destination is missing.", "destination");
  const protocol = oneOf(b, "protocol", "protocol", ["Tcp", "Http", "Https", "Icmp"] as const, "Tcp");
  oneOf(b, "preferredIPVersion", "preferredIPVersion", ["IPv4", "IPv6"] as const, "IPv4");

  const target = resolveTarget(estate, sourceId, watcher);
  checkWatcherRegion(estate, watcher, target.resource);
  const destination = destinationOf(estate, watcher, dest, protocol);
  const flowProtocol: Protocol = protocol === "Icmp" ? "Icmp" : "Tcp";
  let t: Trace;
  try {
    t = trace(estate, {
      source: target.source,
      destination,
      protocol: flowProtocol,
      ...(sourcePort !== undefined ? { sourcePort } : {}),
    });
  } catch (e) {
    if (e instanceof VnetlabError && e.code === "UnknownDestination")
      return unresolved(target.source, e.message);
    throw e;
  }
  return {
    hops: hopsOf(estate, target.source, t),
    connectionStatus: t.verdict === "Allow" ? "Reachable" : "Unreachable",
    vnetlabTrace: t,
  };
}

/** A name outside the estate: Azure would resolve it on the internet; vnetlab can only say it does not know. */
function unresolved(
  source: Parameters<typeof ipConfigurationId>[0],
  message: string,
): ConnectivityInformation {
  return {
    hops: [
      {
        type: "Source",
        id: "00000000-0000-0000-0000-000000000000",
        address: formatIp(source.privateIp),
        resourceId: ipConfigurationId(source),
        nextHopIds: [],
        previousHopIds: [],
        issues: [
          {
            origin: "Local",
            severity: "Warning",
            type: "DnsResolution",
            context: [{ key: "Reason", value: `vnetlab: ${message}` }],
          },
        ],
      },
    ],
    connectionStatus: "Unknown",
  };
}

export const connectivityCheckAction: ActionHandler = (watcher, body, ctx) => ({
  status: 202,
  asyncResult: true,
  body: connectivityCheck(ctx.estate, watcher, body),
});
