// The places traffic can start from, each of which gets an egress proxy: every NIC IP configuration of the
// estate (a VM's primary one under the VM's name), the internet, and each on-premises network behind a local
// network gateway. Ids are stable across restarts, so each source keeps its port (remembered in ports.json).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { FlowSource } from "../engine/flow.js";
import { topologyOf } from "../engine/topology.js";
import { nicFlowSource } from "../engine/endpoints.js";
import type { Estate } from "../model/estate.js";
import { idKey } from "../model/resourceId.js";
import {
  type LocalNetworkGatewayProperties,
  type NetworkInterfaceProperties,
  NetworkTypes as N,
} from "../model/resources/network.js";
import { addressAt, formatIp, parseIp, parsePrefix } from "../net/index.js";

export type SourceKind = "vm" | "nic" | "internet" | "onprem";

export interface Source {
  /** Stable: a NIC id (lower case, `#ipconfig` for secondary configurations), `internet`, `onprem:<gateway id>`. */
  id: string;
  kind: SourceKind;
  /** What a person calls it: the VM (or NIC) name, `internet`, the local network gateway's name. */
  name: string;
  /** The address the traffic starts from (private IP, internet client, on-premises host). */
  ip: string;
  subnetId?: string;
  resourceId?: string;
  flow: FlowSource;
}

/** A client on the internet that no rule of the lab names (TEST-NET-2, RFC 5737), as the README's traces use. */
export const DEFAULT_INTERNET_IP = "198.51.100.7";

export function sourcesOf(estate: Estate, internetIp = DEFAULT_INTERNET_IP): Source[] {
  const out: Source[] = [];
  const topo = topologyOf(estate);
  for (const nic of estate.ofType<NetworkInterfaceProperties>(N.networkInterface)) {
    // A private endpoint's NIC is the endpoint's, not a place traffic starts from.
    if (nic.properties?.privateEndpoint) continue;
    const vm = topo.vmOf(nic.id);
    const isPrimaryNic = vm !== undefined && topo.primaryNicOf(vm.id)?.id === nic.id;
    for (const c of topo.ipConfigsOf(nic.id)) {
      const named = vm && isPrimaryNic && c.primary;
      out.push({
        id: c.primary ? idKey(nic.id) : `${idKey(nic.id)}#${c.name.toLowerCase()}`,
        kind: named ? "vm" : "nic",
        name: named ? vm.name : `${vm ? `${vm.name}/` : ""}${nic.name}${c.primary ? "" : `#${c.name}`}`,
        ip: formatIp(c.privateIp),
        subnetId: c.subnetId,
        resourceId: named ? vm.id : nic.id,
        flow: nicFlowSource(c),
      });
    }
  }
  const client = parseIp(internetIp);
  if (client) {
    out.push({
      id: "internet",
      kind: "internet",
      name: "internet",
      ip: internetIp,
      flow: { kind: "internet", ip: client },
    });
  }
  for (const lng of estate.ofType<LocalNetworkGatewayProperties>(N.localNetworkGateway)) {
    const prefix = (lng.properties?.localNetworkAddressSpace?.addressPrefixes ?? [])
      .map((p) => (typeof p === "string" ? parsePrefix(p) : undefined))
      .find((p) => p !== undefined);
    if (!prefix) continue;
    // A host inside the on-premises range (not its network address) stands for it.
    const ip = addressAt(prefix, 1);
    out.push({
      id: `onprem:${idKey(lng.id)}`,
      kind: "onprem",
      name: lng.name,
      ip: formatIp(ip),
      resourceId: lng.id,
      flow: { kind: "onprem", ip },
    });
  }
  return out;
}

/** The port each source had, kept in a small JSON file so that proxies keep their ports across restarts. */
export class PortBook {
  private readonly ports: Record<string, number>;

  constructor(private readonly file: string | undefined) {
    let read: unknown;
    try {
      read = file && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
    } catch {
      read = undefined;
    }
    this.ports = typeof read === "object" && read !== null ? (read as Record<string, number>) : {};
  }

  get(id: string): number {
    const p = this.ports[id];
    return typeof p === "number" && Number.isInteger(p) ? p : 0;
  }

  set(id: string, port: number): void {
    if (this.ports[id] === port) return;
    this.ports[id] = port;
    if (this.file) writeFileSync(this.file, JSON.stringify(this.ports, null, 2));
  }
}
