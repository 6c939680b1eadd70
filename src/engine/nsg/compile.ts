// Rule compilation, once per NSG (per estate): protocol, port ranges and address sets are precomputed so
// that matching a flow is integer comparisons and binary searches. `VirtualNetwork` and `Internet` depend on
// where the NSG is applied, so they stay symbolic and are resolved against the subnet's VirtualNetwork set.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { idKey } from "../../model/resourceId.js";
import {
  NetworkTypes as N,
  type NetworkSecurityGroupProperties,
  type SecurityRuleProperties,
} from "../../model/resources/network.js";
import { type IpAddress, type Prefix, PrefixSet, parsePrefix, prefixOf } from "../../net/index.js";
import { topologyOf } from "../topology.js";
import { AZURE_LOAD_BALANCER, PLATFORM_TAGS } from "./addresses.js";
import { DEFAULT_RULES } from "./defaultRules.js";
import { type PortRanges, parsePorts } from "./ports.js";
import { buildProgram } from "./program.js";
import type { Access, Direction } from "./types.js";

export interface AddressMatch {
  /** `*` or `Any`: every address. */
  wildcard: boolean;
  virtualNetwork: boolean;
  internet: boolean;
  /** Uses AzurePlatformDNS/IMDS/LKM: the rule filters platform traffic [S4]. */
  platform: boolean;
  /** Explicit prefixes, service tags and ASG members. */
  set: PrefixSet;
  /** The items as written (prefixes and tag names). */
  items: string[];
  /** Service tags used (not VirtualNetwork/Internet), with their prefixes, for the tag map. */
  tags: Map<string, readonly Prefix[]>;
  /** ASG members' addresses, for the effective view. */
  asgMembers: Prefix[];
}

export interface CompiledRule {
  /** As effective views print it: `securityRules/<name>` or `defaultSecurityRules/<name>` [S25c]. */
  name: string;
  id?: string;
  priority: number;
  access: Access;
  direction: Direction;
  /** Canonical protocol (`Tcp`, `Udp`, `Icmp`, `Esp`, `Ah`) or `*`. */
  protocol: string;
  sourcePorts: PortRanges;
  destinationPorts: PortRanges;
  source: AddressMatch;
  destination: AddressMatch;
  /** The sentence a trace shows when this rule decides (built once, not per flow). */
  reason: string;
}

/** What a trace shows when a rule (or no rule, for platform traffic) of an NSG decides. */
export interface NsgStageTexts {
  readonly rule: string;
  readonly priority: number;
  readonly access: Access;
  readonly summary: string;
  readonly reason: string;
}

export interface CompiledNsg {
  id: string;
  inbound: readonly CompiledRule[];
  outbound: readonly CompiledRule[];
  /** Each direction's rules compiled for IPv4 TCP and UDP packets (see program.ts). */
  inboundProgram: Uint32Array;
  outboundProgram: Uint32Array;
  /**
   * Trace texts by [NIC outbound, NIC inbound, subnet outbound, subnet inbound] and rule index + 1 (0: no
   * rule), filled by the trace on first use.
   */
  stageTexts: (NsgStageTexts | undefined)[][];
}

const PROTOCOLS = new Map(["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"].map((x) => [x.toLowerCase(), x]));

interface EstateNsgs {
  nsgs: Map<string, CompiledNsg | undefined>;
  asgMembers: Map<string, Prefix[]>;
}

const cache = new WeakMap<Estate, EstateNsgs>();

function estateNsgs(estate: Estate): EstateNsgs {
  let c = cache.get(estate);
  if (!c) {
    c = { nsgs: new Map(), asgMembers: asgIndex(estate) };
    cache.set(estate, c);
  }
  return c;
}

/** ASG id → the private addresses of the NIC IP configurations in it [S24]. */
function asgIndex(estate: Estate): Map<string, Prefix[]> {
  const topo = topologyOf(estate);
  const out = new Map<string, Prefix[]>();
  for (const nic of estate.ofType(N.networkInterface)) {
    for (const c of topo.ipConfigsOf(nic.id)) {
      for (const asgId of c.asgIds) {
        const key = idKey(asgId);
        const list = out.get(key) ?? [];
        list.push(prefixOf(c.privateIp));
        out.set(key, list);
      }
    }
  }
  return out;
}

/** The compiled NSG, or undefined when the id names nothing in the estate. */
export function compiledNsg(estate: Estate, nsgId: string): CompiledNsg | undefined {
  const c = estateNsgs(estate);
  const key = idKey(nsgId);
  if (c.nsgs.has(key)) return c.nsgs.get(key);
  const nsg = estate.get<NetworkSecurityGroupProperties>(nsgId);
  const compiled = nsg ? compileNsg(estate, nsg, c.asgMembers) : undefined;
  c.nsgs.set(key, compiled);
  return compiled;
}

function compileNsg(
  estate: Estate,
  nsg: ArmResource<NetworkSecurityGroupProperties>,
  asgMembers: Map<string, Prefix[]>,
): CompiledNsg {
  const rules: CompiledRule[] = [];
  for (const r of (nsg.properties?.securityRules ?? []) as ArmResource<SecurityRuleProperties>[]) {
    if (r.properties)
      rules.push(compileRule(estate, `securityRules/${r.name}`, r.properties, asgMembers, r.id));
  }
  // Defaults are built in: ARM returns them but they cannot change, so the input's copy is not read.
  for (const d of DEFAULT_RULES) {
    rules.push(
      compileRule(
        estate,
        `defaultSecurityRules/${d.name}`,
        d.properties,
        asgMembers,
        `${nsg.id}/defaultSecurityRules/${d.name}`,
      ),
    );
  }
  // [S4] Lower numbers first; processing stops at the first match.
  rules.sort((a, b) => a.priority - b.priority);
  const inbound = rules.filter((r) => r.direction === "Inbound");
  const outbound = rules.filter((r) => r.direction === "Outbound");
  return {
    id: nsg.id,
    inbound,
    outbound,
    inboundProgram: buildProgram(inbound),
    outboundProgram: buildProgram(outbound),
    stageTexts: [[], [], [], []],
  };
}

export function compileRule(
  estate: Estate,
  name: string,
  p: SecurityRuleProperties,
  asgMembers: Map<string, Prefix[]>,
  id?: string,
): CompiledRule {
  const list = (one: string | undefined, many: string[] | undefined): string[] =>
    many && many.length > 0 ? many : one !== undefined && one !== "" ? [one] : [];
  return {
    name,
    ...(id !== undefined ? { id } : {}),
    priority: p.priority,
    access: p.access,
    direction: p.direction,
    protocol: PROTOCOLS.get(String(p.protocol).toLowerCase()) ?? String(p.protocol),
    sourcePorts: parsePorts(list(p.sourcePortRange, p.sourcePortRanges)),
    destinationPorts: parsePorts(list(p.destinationPortRange, p.destinationPortRanges)),
    source: compileAddresses(
      estate,
      list(p.sourceAddressPrefix, p.sourceAddressPrefixes),
      p.sourceApplicationSecurityGroups?.map((a) => a.id) ?? [],
      asgMembers,
    ),
    destination: compileAddresses(
      estate,
      list(p.destinationAddressPrefix, p.destinationAddressPrefixes),
      p.destinationApplicationSecurityGroups?.map((a) => a.id) ?? [],
      asgMembers,
    ),
    reason: `${name} (priority ${p.priority}) is the first ${String(p.direction).toLowerCase()} rule that matches`,
  };
}

/**
 * Compiled rule sides by what they say (items and ASGs), per ASG index (one per estate): the same tag or
 * prefix list in a thousand NSGs is one set in memory, which keeps matching in the CPU caches.
 */
const sides = new WeakMap<Map<string, Prefix[]>, Map<string, AddressMatch>>();

function compileAddresses(
  estate: Estate,
  items: string[],
  asgIds: string[],
  asgMembers: Map<string, Prefix[]>,
): AddressMatch {
  let known = sides.get(asgMembers);
  if (!known) {
    known = new Map();
    sides.set(asgMembers, known);
  }
  // Each text with its length in front: distinct lists never give one key.
  let key = `${items.length}`;
  for (const t of items) key += `|${t.length}:${t}`;
  for (const t of asgIds) key += `|${t.length}:${t}`;
  let m = known.get(key);
  if (!m) {
    m = buildAddresses(estate, items, asgIds, asgMembers);
    known.set(key, m);
  }
  return m;
}

function buildAddresses(
  estate: Estate,
  items: string[],
  asgIds: string[],
  asgMembers: Map<string, Prefix[]>,
): AddressMatch {
  const m: AddressMatch = {
    wildcard: false,
    virtualNetwork: false,
    internet: false,
    platform: false,
    set: PrefixSet.empty,
    items,
    tags: new Map(),
    asgMembers: [],
  };
  const prefixes: Prefix[] = [];
  for (const item of items) {
    const lower = item.trim().toLowerCase();
    if (lower === "*" || lower === "any") m.wildcard = true;
    else if (lower === "virtualnetwork") m.virtualNetwork = true;
    else if (lower === "internet") m.internet = true;
    else {
      const platform = PLATFORM_TAGS.get(lower);
      const prefix = parsePrefix(item.trim());
      const tag = prefix ? undefined : estate.serviceTags.get(item.trim());
      const tagPrefixes =
        platform ?? tag?.prefixes ?? (lower === "azureloadbalancer" ? AZURE_LOAD_BALANCER : undefined);
      if (platform) m.platform = true;
      if (prefix) prefixes.push(prefix);
      else if (tagPrefixes) {
        prefixes.push(...tagPrefixes);
        m.tags.set(tag?.name ?? item.trim(), tagPrefixes);
      }
    }
  }
  for (const asgId of asgIds) m.asgMembers.push(...(asgMembers.get(idKey(asgId)) ?? []));
  prefixes.push(...m.asgMembers);
  if (prefixes.length > 0) m.set = PrefixSet.of(prefixes);
  return m;
}

/** Does one side of a rule hold the address? `vnet` is the VirtualNetwork set where the NSG applies. */
export function addressMatches(m: AddressMatch, ip: IpAddress, vnet: PrefixSet): boolean {
  if (m.wildcard) return true;
  const v4 = ip.family === 4;
  if (v4 ? m.set.hasV4(ip.value) : m.set.has(ip)) return true;
  if (!m.virtualNetwork && !m.internet) return false;
  // [S6] Internet: the address space outside the VirtualNetwork set, Azure public space included.
  return (v4 ? vnet.hasV4(ip.value) : vnet.has(ip)) ? m.virtualNetwork : m.internet;
}
