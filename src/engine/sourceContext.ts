// What a trace needs about each place a flow starts from or passes through — the subnet and VNet of a NIC IP
// configuration, its NSGs and VirtualNetwork tag, its route table, its egress — worked out once per
// configuration and per subnet (the estate is immutable), so that trace() parses no resource ids and
// lower-cases no strings on its hot path.
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import type { SubnetProperties, VirtualNetworkProperties } from "../model/resources/network.js";
import { formatIp } from "../net/index.js";
import { linkedZones } from "./dns.js";
import { type DnsTargets, dnsTargets } from "./dnsTarget.js";
import { egressOf } from "./egress.js";
import type { FlowSource } from "./flow.js";
import { shareOrigin } from "./firewalls/origins.js";
import type { RequestOrigin } from "./firewalls/types.js";
import { type NsgPoint, nsgPointOf } from "./nsg/index.js";
import { type SubnetRoutes, subnetRoutes } from "./routes/index.js";
import { type NicIpConfig, type Topology, topologyOf } from "./topology.js";

/** Region names compare without spaces or case ("East US" = "eastus"). */
const regionKey = (r: string | undefined): string | undefined => r?.replace(/\s+/g, "").toLowerCase();

export class SubnetContext {
  /** The VNet's region as `regionKey` gives it. */
  readonly regionKey: string | undefined;
  private table: SubnetRoutes | undefined;

  constructor(
    private readonly estate: Estate,
    readonly subnet: ArmResource<SubnetProperties>,
    readonly vnet: ArmResource<VirtualNetworkProperties>,
  ) {
    this.regionKey = regionKey(vnet.location);
  }

  /** The subnet's effective routes, built when a flow first leaves the subnet. */
  get routes(): SubnetRoutes {
    this.table ??= subnetRoutes(this.estate, this.subnet.id);
    return this.table;
  }
}

/** How internet-bound traffic leaves a NIC configuration (see egress.ts), with the texts a trace shows. */
export type EgressPath =
  | { kind: "none"; reason: string }
  | {
      kind: "egress";
      origin: RequestOrigin;
      egressIp: string;
      /** The path summary when the service sees the egress address, and when it sees an internal one. */
      summary: string;
      internalSummary: string;
    };

/** A NIC IP configuration; what is not needed by every trace from it is worked out on first use. */
export class NicContext {
  /** The configuration's name, NIC id, subnet id and address, at hand without reading the configuration. */
  readonly name: string;
  readonly nicId: string;
  readonly subnetId: string;
  readonly ipFamily: 4 | 6;
  readonly ipValue: number | bigint;
  readonly privateIpText: string;
  /** The `source` stage's summary for a flow from this configuration. */
  sourceSummary?: string;
  egress?: EgressPath;
  serviceEndpointOrigin?: RequestOrigin;
  /** Names as resolved from the configuration's VNet. */
  names?: DnsTargets;
  private subnet?: SubnetContext | null;
  private points?: NsgPoint;

  constructor(
    private readonly estate: Estate,
    readonly config: NicIpConfig,
  ) {
    this.name = config.name;
    this.nicId = config.nic.id;
    this.subnetId = config.subnetId;
    this.ipFamily = config.privateIp.family;
    this.ipValue = config.privateIp.value;
    this.privateIpText = formatIp(config.privateIp);
  }

  /** The configuration's subnet and VNet; undefined when the estate lacks either. */
  get at(): SubnetContext | undefined {
    if (this.subnet === undefined) this.subnet = subnetContext(this.estate, this.config.subnetId) ?? null;
    return this.subnet ?? undefined;
  }

  /** The NIC's and its subnet's NSGs: outbound where the flow starts, inbound where it arrives. */
  get nsgs(): NsgPoint {
    this.points ??= nsgPointOf(this.estate, this.config.nic.id, this.config.subnetId);
    return this.points;
  }
}

export interface EstateContext {
  readonly topo: Topology;
  readonly subnets: Map<string, SubnetContext | null>;
  readonly nics: Map<NicIpConfig, NicContext>;
  /** The contexts of a NIC's IP configurations, by NIC id as given. */
  readonly byNic: Map<string, readonly NicContext[]>;
  /** The stand-in configurations of subnet sources, by subnet id as given and address. */
  readonly bySubnet: Map<string, Map<number | bigint, NicContext>>;
  /** Names as sources outside Azure resolve them. */
  publicNames?: DnsTargets;
}

const contexts = new WeakMap<Estate, EstateContext>();

/** The contexts of an estate: fetch once per trace and pass on. */
export function contextOf(estate: Estate): EstateContext {
  let c = contexts.get(estate);
  if (!c) {
    c = {
      topo: topologyOf(estate),
      subnets: new Map(),
      nics: new Map(),
      byNic: new Map(),
      bySubnet: new Map(),
    };
    contexts.set(estate, c);
  }
  return c;
}

/** The subnet and VNet behind a subnet id (cached by the id string); undefined when either is missing. */
export function subnetContext(estate: Estate, subnetId: string): SubnetContext | undefined {
  const c = contextOf(estate);
  let s = c.subnets.get(subnetId);
  if (s === undefined) {
    const subnet = c.topo.subnet(subnetId);
    const vnet = c.topo.vnetOf(subnetId);
    s = subnet && vnet ? new SubnetContext(estate, subnet, vnet) : null;
    c.subnets.set(subnetId, s);
  }
  return s ?? undefined;
}

export function nicContext(estate: Estate, config: NicIpConfig): NicContext {
  const c = contextOf(estate);
  let n = c.nics.get(config);
  if (!n) {
    n = new NicContext(estate, config);
    c.nics.set(config, n);
  }
  return n;
}

/** The context of a flow's NIC source, or undefined when the NIC has no such IP configuration. */
export function nicSourceContext(
  estate: Estate,
  c: EstateContext,
  src: Extract<FlowSource, { kind: "nic" }>,
): NicContext | undefined {
  let contexts = c.byNic.get(src.nicId);
  if (!contexts) {
    contexts = c.topo.ipConfigsOf(src.nicId).map((config) => nicContext(estate, config));
    c.byNic.set(src.nicId, contexts);
  }
  for (let i = 0; i < contexts.length; i++) if (contexts[i]!.name === src.ipConfigName) return contexts[i];
  return undefined;
}

/**
 * The stand-in configuration of a subnet source: a NIC that is not in the estate (so no NIC-level NSG, public IP
 * or ASG) at the source's address, in the subnet's region. Undefined when the estate lacks the subnet.
 */
export function subnetSourceContext(
  estate: Estate,
  c: EstateContext,
  src: Extract<FlowSource, { kind: "subnet" }>,
): NicContext | undefined {
  let byIp = c.bySubnet.get(src.subnetId);
  if (!byIp) {
    byIp = new Map();
    c.bySubnet.set(src.subnetId, byIp);
  }
  let n = byIp.get(src.privateIp.value);
  if (!n) {
    const at = subnetContext(estate, src.subnetId);
    if (!at) return undefined;
    const nic = {
      id: `${at.subnet.id}/vnetlabAnyVm`,
      name: `any VM in ${at.subnet.name}`,
      type: "Microsoft.Network/networkInterfaces",
      location: at.vnet.location,
    };
    const config: NicIpConfig = {
      nic,
      name: "ipconfig1",
      privateIp: src.privateIp,
      subnetId: at.subnet.id,
      primary: true,
      asgIds: [],
    };
    n = new NicContext(estate, config);
    byIp.set(src.privateIp.value, n);
  }
  return n;
}

/** Whether a flow source says what its configuration says (callers may build sources by hand). */
export function sourceMatches(src: Extract<FlowSource, { kind: "nic" }>, n: NicContext): boolean {
  return (
    src.nicId === n.nicId &&
    src.subnetId === n.subnetId &&
    src.privateIp.family === n.ipFamily &&
    src.privateIp.value === n.ipValue
  );
}

const VIA = {
  natGateway: "NAT gateway",
  instancePublicIp: "instance public IP",
  defaultOutboundAccess: "default outbound access",
} as const;

export function egressPath(estate: Estate, n: NicContext, at: SubnetContext): EgressPath {
  if (n.egress) return n.egress;
  const egress = egressOf(estate, n.config, at.subnet);
  if (egress.kind === "none") {
    n.egress = { kind: "none", reason: egress.reason };
  } else {
    const egressIp = formatIp(egress.ip);
    const via = VIA[egress.kind];
    n.egress = {
      kind: "egress",
      origin: shareOrigin({ kind: "public", ip: egress.ip, azureRegion: at.vnet.location }),
      egressIp,
      summary: `over the internet path, source NATed to ${egressIp} (${via})`,
      internalSummary: `over the internet path (${via} ${egressIp}); Storage in the same region sees an Azure-internal address instead`,
    };
  }
  return n.egress;
}

/** Names as sources outside Azure (the internet, on-premises) resolve them: public DNS. */
export function publicNames(estate: Estate, c: EstateContext): DnsTargets {
  c.publicNames ??= dnsTargets(estate, linkedZones(estate, undefined));
  return c.publicNames;
}

/** Names as resolved from the configuration's VNet (the zones linked to `vnetOf(config.subnetId)`). */
export function namesFrom(estate: Estate, n: NicContext): DnsTargets {
  n.names ??= dnsTargets(estate, linkedZones(estate, contextOf(estate).topo.vnetOf(n.config.subnetId)?.id));
  return n.names;
}

export function serviceEndpointOrigin(n: NicContext, at: SubnetContext): RequestOrigin {
  n.serviceEndpointOrigin ??= shareOrigin({
    kind: "serviceEndpoint",
    subnetId: at.subnet.id,
    vnetId: at.vnet.id,
    privateIp: n.config.privateIp,
    region: at.vnet.location ?? "",
  });
  return n.serviceEndpointOrigin;
}

/**
 * A storage account (by `storageRegionOf`) whose primary region is the client's: requests reach it from
 * Azure-internal addresses.
 */
export function sameRegionStorage(storageRegion: string | undefined | null, at: SubnetContext): boolean {
  return storageRegion !== null && at.vnet.location !== undefined && storageRegion === at.regionKey;
}
