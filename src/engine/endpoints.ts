// Turns what a user types into flow endpoints. Sources: a VM or NIC (ARM id or unique name), a subnet (ARM
// id: whichever VM is in it), a NIC's private IP, `internet:IP`, `onprem:IP`. Destinations: a URL, `FQDN[:port]`, or `IP:port`.

import { VnetlabError } from "../model/errors.js";
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import type { SubnetProperties } from "../model/resources/network.js";
import { NetworkTypes as N } from "../model/resources/network.js";
import { paasServiceByType } from "../model/serviceCatalog.js";
import { type IpAddress, parseIp, parsePrefix } from "../net/index.js";
import { canonicalHost, publicName } from "./dns.js";
import type { FlowDestination, FlowSource } from "./flow.js";
import { type NicIpConfig, topologyOf } from "./topology.js";

function nicSource(estate: Estate, nicId: string, text: string): FlowSource {
  const configs = topologyOf(estate).ipConfigsOf(nicId);
  const c = configs.find((x) => x.primary) ?? configs[0];
  if (!c)
    throw new VnetlabError("UnknownSource", `${text} has no IP configuration in a subnet`, {
      resourceId: nicId,
    });
  return nicFlowSource(c);
}

/** The flow source of a NIC IP configuration. */
export function nicFlowSource(c: NicIpConfig): Extract<FlowSource, { kind: "nic" }> {
  return { kind: "nic", nicId: c.nic.id, ipConfigName: c.name, privateIp: c.privateIp, subnetId: c.subnetId };
}

/** The first address Azure gives a VM in a subnet: it reserves the first four of each prefix [Azure VNet FAQ]. */
export function firstUsableAddress(subnet: ArmResource<SubnetProperties>): IpAddress | undefined {
  const p = subnet.properties;
  const text = p?.addressPrefix ?? p?.addressPrefixes?.[0];
  const prefix = text === undefined ? undefined : parsePrefix(text);
  if (!prefix) return undefined;
  return prefix.family === 4
    ? { family: 4, value: (prefix.network + 4) >>> 0 }
    : { family: 6, value: prefix.network + 4n };
}

function resourceSource(estate: Estate, id: string, text: string): FlowSource {
  const r = estate.get(id);
  if (!r) throw new VnetlabError("UnknownSource", `no resource ${id} in the estate`);
  if (r.type.toLowerCase() === N.virtualMachine.toLowerCase()) {
    const nic = topologyOf(estate).primaryNicOf(r.id);
    if (!nic)
      throw new VnetlabError("UnknownSource", `VM ${r.name} has no network interface`, { resourceId: r.id });
    return nicSource(estate, nic.id, text);
  }
  if (r.type.toLowerCase() === N.networkInterface.toLowerCase()) return nicSource(estate, r.id, text);
  if (r.type.toLowerCase() === N.subnet.toLowerCase()) {
    const privateIp = firstUsableAddress(r as ArmResource<SubnetProperties>);
    if (!privateIp)
      throw new VnetlabError("UnknownSource", `subnet ${r.name} has no address prefix`, { resourceId: r.id });
    return { kind: "subnet", subnetId: r.id, privateIp };
  }
  throw new VnetlabError("UnknownSource", `${text} is a ${r.type}, not a VM or a network interface`, {
    resourceId: r.id,
  });
}

export function parseSource(estate: Estate, text: string): FlowSource {
  const t = text.trim();
  const m = /^(internet|onprem):(.+)$/i.exec(t);
  if (m) {
    const ip = parseIp(m[2]!);
    if (!ip) throw new VnetlabError("UnknownSource", `'${m[2]}' in '${t}' is not an IP address`);
    return m[1]!.toLowerCase() === "internet" ? { kind: "internet", ip } : { kind: "onprem", ip };
  }
  if (t.startsWith("/")) return resourceSource(estate, t, t);
  const ip = parseIp(t);
  if (ip) {
    const configs = topologyOf(estate).ipConfigsByIp(ip);
    if (configs.length === 0)
      throw new VnetlabError("UnknownSource", `no network interface has the address ${t}`);
    if (configs.length > 1) {
      throw new VnetlabError(
        "AmbiguousName",
        `${t} is held by ${configs.length} network interfaces (${configs.map((c) => c.nic.id).join(", ")}); name one by id`,
      );
    }
    return nicFlowSource(configs[0]!);
  }
  const matches = estate.byName(t, [N.virtualMachine, N.networkInterface]);
  // A VM and its NIC may share a name; the VM wins.
  const vms = matches.filter((r) => r.type.toLowerCase() === N.virtualMachine.toLowerCase());
  const pick = vms.length > 0 ? vms : matches;
  if (pick.length === 0) {
    throw new VnetlabError(
      "UnknownSource",
      `no VM or network interface named '${t}' (use an ARM id, a private IP, internet:IP or onprem:IP)`,
    );
  }
  if (pick.length > 1) {
    throw new VnetlabError(
      "AmbiguousName",
      `'${t}' names ${pick.length} resources (${pick.map((r) => r.id).join(", ")}); use the ARM id`,
    );
  }
  return resourceSource(estate, pick[0]!.id, t);
}

/** Default ports per service when a bare FQDN is given: the port clients of that service use. */
const DEFAULT_PORTS: Record<string, number> = { sql: 1433, postgresql: 5432, mysql: 3306, mariadb: 3306 };

function parsePort(text: string, whole: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new VnetlabError("UnknownDestination", `'${text}' in '${whole}' is not a port (1-65535)`);
  }
  return port;
}

export function parseDestination(estate: Estate, text: string): FlowDestination {
  const t = text.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      throw new VnetlabError("UnknownDestination", `'${t}' is not a valid URL`);
    }
    const scheme = url.protocol === "http:" ? "http" : url.protocol === "https:" ? "https" : undefined;
    if (!scheme)
      throw new VnetlabError("UnknownDestination", `unsupported URL scheme in '${t}' (use http or https)`);
    const port = url.port ? Number(url.port) : scheme === "https" ? 443 : 80;
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const ip = parseIp(host);
    if (ip) return { kind: "ip", ip, port, scheme };
    return {
      kind: "fqdn",
      host: canonicalHost(estate, host.toLowerCase()),
      port,
      scheme,
      path: url.pathname,
    };
  }
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (v6) {
    const ip = parseIp(v6[1]!);
    if (!ip) throw new VnetlabError("UnknownDestination", `'${v6[1]}' is not an IP address`);
    if (!v6[2]) throw new VnetlabError("UnknownDestination", `'${t}' needs a port: [IP]:port`);
    return { kind: "ip", ip, port: parsePort(v6[2], t) };
  }
  const colon = t.lastIndexOf(":");
  const hostPart = colon > 0 && !t.slice(0, colon).includes(":") ? t.slice(0, colon) : t;
  const portPart = hostPart === t ? undefined : t.slice(colon + 1);
  const ip = parseIp(hostPart);
  if (ip) {
    if (portPart === undefined) throw new VnetlabError("UnknownDestination", `'${t}' needs a port: IP:port`);
    return { kind: "ip", ip, port: parsePort(portPart, t) };
  }
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\.?$/i.test(hostPart)) {
    throw new VnetlabError("UnknownDestination", `'${t}' is not a URL, FQDN[:port] or IP:port`);
  }
  const host = canonicalHost(estate, hostPart.toLowerCase());
  let port = portPart === undefined ? undefined : parsePort(portPart, t);
  if (port === undefined) {
    const kind = publicName(estate, host)?.resource.type;
    port = (kind && DEFAULT_PORTS[paasServiceByType(kind)?.kind ?? ""]) || 443;
  }
  return { kind: "fqdn", host, port };
}
