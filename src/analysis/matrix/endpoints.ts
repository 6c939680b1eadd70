// The rows and columns of the reachability matrix: every place traffic can start from, and every PaaS
// resource with a public name, each as the flow endpoint `trace` takes.
import { nicFlowSource, parseDestination } from "../../engine/endpoints.js";
import { firstUsableAddress } from "../../engine/index.js";
import type { FlowDestination, FlowSource } from "../../engine/flow.js";
import { topologyOf } from "../../engine/topology.js";
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { publicHostsOf } from "../../model/publicEndpoints.js";
import {
  type LocalNetworkGatewayProperties,
  NetworkTypes as N,
  type SubnetProperties,
} from "../../model/resources/network.js";
import { paasServices } from "../../model/serviceCatalog.js";
import { addressAt, formatIp, type IpAddress, parseIp, parsePrefix } from "../../net/index.js";

export type SourceKind = "subnet" | "nic" | "onprem" | "internet";

export interface MatrixSource {
  kind: SourceKind;
  /** Stable and unique: the subnet or NIC id (`#ipconfig` for secondary configurations), `onprem:RANGE`, `internet`. */
  id: string;
  /** What a person calls it: VM or NIC name, subnet name, range. */
  label: string;
  /** The subnet the source sits in (subnet and NIC sources). */
  subnetId?: string;
  /** The subscription it belongs to (subnet and NIC sources). */
  subscriptionId?: string;
  flow: FlowSource;
}

export interface MatrixResource {
  resource: ArmResource;
  /** The name clients use (its primary public host) and the port of its protocol. */
  host: string;
  destination: FlowDestination;
  subscriptionId: string;
}

/** A client on the internet that no rule of the estate names (TEST-NET-2, RFC 5737): "anyone". */
export const DEFAULT_INTERNET_IP = "198.51.100.10";

const subscriptionOf = (id: string): string => id.split("/")[2] ?? "";

export function matrixSources(estate: Estate, internetIp = DEFAULT_INTERNET_IP): MatrixSource[] {
  const out: MatrixSource[] = [];
  const topo = topologyOf(estate);
  for (const subnet of estate.ofType<SubnetProperties>(N.subnet)) {
    const ip = firstUsableAddress(subnet);
    if (!ip) continue;
    out.push({
      kind: "subnet",
      id: subnet.id,
      label: subnet.name,
      subnetId: subnet.id,
      subscriptionId: subscriptionOf(subnet.id),
      flow: { kind: "subnet", subnetId: subnet.id, privateIp: ip },
    });
  }
  for (const nic of estate.ofType(N.networkInterface)) {
    const vm = topo.vmOf(nic.id);
    for (const c of topo.ipConfigsOf(nic.id)) {
      out.push({
        kind: "nic",
        id: c.primary ? nic.id : `${nic.id}#${c.name}`,
        label: `${vm?.name ?? nic.name}${c.primary ? "" : `#${c.name}`}`,
        subnetId: c.subnetId,
        subscriptionId: subscriptionOf(nic.id),
        flow: nicFlowSource(c),
      });
    }
  }
  const seen = new Set<string>();
  for (const lng of estate.ofType<LocalNetworkGatewayProperties>(N.localNetworkGateway)) {
    for (const text of lng.properties?.localNetworkAddressSpace?.addressPrefixes ?? []) {
      const prefix = parsePrefix(text);
      if (!prefix || seen.has(text)) continue;
      seen.add(text);
      // A host inside the range (not its network address) stands for it.
      const ip: IpAddress = addressAt(prefix, 1);
      out.push({
        kind: "onprem",
        id: `onprem:${text}`,
        label: `${lng.name} ${text}`,
        flow: { kind: "onprem", ip },
      });
    }
  }
  const client = parseIp(internetIp);
  if (client) {
    out.push({
      kind: "internet",
      id: "internet",
      label: `internet (${formatIp(client)})`,
      flow: { kind: "internet", ip: client },
    });
  }
  return out;
}

const PAAS_TYPES = new Set(paasServices().map((s) => s.resourceType.toLowerCase()));

export function matrixResources(estate: Estate): MatrixResource[] {
  const out: MatrixResource[] = [];
  for (const r of estate.resources) {
    if (!PAAS_TYPES.has(r.type.toLowerCase())) continue;
    const host = publicHostsOf(r).find((h) => !h.secondary && !h.scm)?.host;
    if (!host) continue;
    out.push({
      resource: r,
      host,
      destination: parseDestination(estate, host),
      subscriptionId: subscriptionOf(r.id),
    });
  }
  return out;
}
