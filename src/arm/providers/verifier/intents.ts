// .../verifierWorkspaces/{ws}/reachabilityAnalysisIntents: what a run analyses — a source and a destination
// resource and the traffic between them. Shape: stable/2024-07-01 networkVerifier.json
// (ReachabilityAnalysisIntentProperties, IPTraffic, NetworkProtocol); PUT, GET, DELETE (200/204) and list.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { Estate } from "../../../model/estate.js";
import { NetworkTypes as N } from "../../../model/resources/network.js";
import { publicHostsOf } from "../../../model/publicEndpoints.js";
import { paasServiceByType } from "../../../model/serviceCatalog.js";
import { parseIp, parsePrefix } from "../../../net/index.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { succeeded } from "../common.js";
import { type JsonObject, objectField, optionalString, requiredString } from "../diagnostics/requests.js";
import { referenced } from "../diagnostics/targets.js";
import {
  checkArmId,
  checkInScope,
  checkEach,
  checkVerifierName,
  enumList,
  invalid,
  requestProperties,
  stringList,
  VerifierTypes as V,
} from "./common.js";

/** networkVerifier.json NetworkProtocol (modelAsString, but these are the values the service analyses). */
export const NETWORK_PROTOCOLS = ["Any", "TCP", "UDP", "ICMP"] as const;
export type NetworkProtocol = (typeof NETWORK_PROTOCOLS)[number];

/** networkVerifier.json IPTraffic: every list is required. */
export interface IpTraffic {
  sourceIps: string[];
  destinationIps: string[];
  sourcePorts: string[];
  destinationPorts: string[];
  protocols: NetworkProtocol[];
}

/** networkVerifier.json IntentContent: what a run copies from its intent. */
export interface IntentContent {
  description?: string;
  sourceResourceId: string;
  destinationResourceId: string;
  ipTraffic: IpTraffic;
}

/** A port list entry: `*`, a port or a range `a-b` (0-65535), as [first, last]; undefined when malformed. */
export function portRange(text: string): [number, number] | undefined {
  const t = text.trim();
  if (t === "*") return [0, 65535];
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(t);
  if (!m) return undefined;
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  return first <= last && last <= 65535 ? [first, last] : undefined;
}

/** IPTraffic, checked: addresses or CIDR ranges (the portal's "IPv4 or IPv6 address or a range"), ports, protocols. */
export function parseIpTraffic(o: JsonObject, path: string): IpTraffic {
  const isAddress = (s: string): boolean => parseIp(s) !== undefined || parsePrefix(s) !== undefined;
  const isPort = (s: string): boolean => portRange(s) !== undefined;
  const sourceIps = stringList(o, "sourceIps", `${path}.sourceIps`, true);
  const destinationIps = stringList(o, "destinationIps", `${path}.destinationIps`, true);
  const sourcePorts = stringList(o, "sourcePorts", `${path}.sourcePorts`, true);
  const destinationPorts = stringList(o, "destinationPorts", `${path}.destinationPorts`, true);
  checkEach(sourceIps, `${path}.sourceIps`, isAddress, "an IP address or a CIDR range");
  checkEach(destinationIps, `${path}.destinationIps`, isAddress, "an IP address or a CIDR range");
  checkEach(sourcePorts, `${path}.sourcePorts`, isPort, "*, a port or a range a-b within 0-65535");
  checkEach(destinationPorts, `${path}.destinationPorts`, isPort, "*, a port or a range a-b within 0-65535");
  const protocols = enumList(o, "protocols", `${path}.protocols`, NETWORK_PROTOCOLS, true)!;
  return { sourceIps, destinationIps, sourcePorts, destinationPorts, protocols };
}

const is = (r: ArmResource, type: string): boolean => r.type.toLowerCase() === type.toLowerCase();

/** A source the engine traces from: a VM, a NIC or a subnet (whichever VM is in it). */
export function isSourceType(r: ArmResource): boolean {
  return is(r, N.virtualMachine) || is(r, N.networkInterface) || is(r, N.subnet);
}

/** A destination: a VM, NIC or subnet (by private address), or a PaaS resource (by its public name). */
export function isDestinationType(r: ArmResource): boolean {
  return isSourceType(r) || (paasServiceByType(r.type) !== undefined && publicHostsOf(r).length > 0);
}

function endpoint(
  estate: Estate,
  intent: ArmResource,
  id: string,
  path: string,
  role: "source" | "destination",
): void {
  const r = referenced(estate, id, intent, path);
  if (!(role === "source" ? isSourceType(r) : isDestinationType(r))) {
    throw new VnetlabError(
      "UnsupportedTargetResourceType",
      `${role === "source" ? "Source" : "Destination"} ${r.id} is a ${r.type}; a reachability analysis ${role === "source" ? "starts at a virtual machine, a network interface or a subnet" : "ends at a virtual machine, a network interface, a subnet or a PaaS resource with a public endpoint"}.`,
      { target: path },
    );
  }
  checkInScope(estate, intent.id, r.id, path);
}

export const reachabilityAnalysisIntents: ResourceTypeDef = {
  type: V.intent,
  location: "none",
  prepare(r) {
    checkVerifierName(r);
    const p = requestProperties(r);
    const description = optionalString(p, "description", "properties.description");
    const sourceResourceId = requiredString(p, "sourceResourceId", "properties.sourceResourceId");
    const destinationResourceId = requiredString(
      p,
      "destinationResourceId",
      "properties.destinationResourceId",
    );
    checkArmId(sourceResourceId, "properties.sourceResourceId");
    checkArmId(destinationResourceId, "properties.destinationResourceId");
    const traffic = objectField(p, "ipTraffic", "properties.ipTraffic");
    if (!traffic)
      throw invalid("The required property properties.ipTraffic is missing.", "properties.ipTraffic");
    const content: IntentContent = {
      ...(description !== undefined ? { description } : {}),
      sourceResourceId,
      destinationResourceId,
      ipTraffic: parseIpTraffic(traffic, "properties.ipTraffic"),
    };
    r.properties = content;
    return succeeded(r);
  },
  validate(r, ctx) {
    const estate = ctx.after();
    const p = r.properties as IntentContent;
    endpoint(estate, r, p.sourceResourceId, "properties.sourceResourceId", "source");
    endpoint(estate, r, p.destinationResourceId, "properties.destinationResourceId", "destination");
  },
};
