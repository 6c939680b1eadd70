// Effective security rules of a NIC, in the shape of `POST .../networkInterfaces/{nic}/effectiveNetworkSecurityGroups`
// (§10, [S25][S25c]): one entry per NSG on the NIC and on its subnet, tags expanded, ports as ranges.
import type { Estate } from "../../model/estate.js";
import type { NetworkInterfaceProperties, SubnetProperties } from "../../model/resources/network.js";
import { formatPrefix, type Prefix, parsePrefix } from "../../net/index.js";
import { topologyOf } from "../topology.js";
import { complementV4 } from "./addresses.js";
import { type AddressMatch, type CompiledNsg, type CompiledRule, compiledNsg } from "./compile.js";
import { formatPorts } from "./ports.js";
import type { Access, Direction } from "./types.js";
import { type VirtualNetworkTag, virtualNetworkTag } from "./virtualNetworkTag.js";

export interface EffectiveSecurityRule {
  name: string;
  protocol: string;
  sourcePortRange?: string;
  destinationPortRange?: string;
  sourcePortRanges: string[];
  destinationPortRanges: string[];
  sourceAddressPrefix?: string;
  destinationAddressPrefix?: string;
  sourceAddressPrefixes: string[];
  destinationAddressPrefixes: string[];
  expandedSourceAddressPrefix: string[];
  expandedDestinationAddressPrefix: string[];
  access: Access;
  priority: number;
  direction: Direction;
}

export interface EffectiveNetworkSecurityGroup {
  networkSecurityGroup: { id: string };
  association: { subnet?: { id: string }; networkInterface?: { id: string } };
  effectiveSecurityRules: EffectiveSecurityRule[];
  tagMap: Record<string, string[]>;
}

export interface EffectiveNetworkSecurityGroupList {
  value: EffectiveNetworkSecurityGroup[];
}

/** The NIC's NSG first, then its (primary configuration's) subnet's NSG, as Azure lists them. */
export function effectiveSecurityRules(estate: Estate, nicId: string): EffectiveNetworkSecurityGroupList {
  const nic = estate.get<NetworkInterfaceProperties>(nicId);
  if (!nic) return { value: [] };
  const configs = topologyOf(estate).ipConfigsOf(nic.id);
  const subnetId = (configs.find((c) => c.primary) ?? configs[0])?.subnetId;
  const vnet = virtualNetworkTag(estate, subnetId);
  const value: EffectiveNetworkSecurityGroup[] = [];
  const nicNsg = nic.properties?.networkSecurityGroup?.id;
  const compiledNic = nicNsg ? compiledNsg(estate, nicNsg) : undefined;
  if (compiledNic) value.push(view(compiledNic, { networkInterface: { id: nic.id } }, vnet));
  const subnet = estate.get<SubnetProperties>(subnetId);
  const subnetNsg = subnet?.properties?.networkSecurityGroup?.id;
  const compiledSubnet = subnetNsg ? compiledNsg(estate, subnetNsg) : undefined;
  if (compiledSubnet && subnet) value.push(view(compiledSubnet, { subnet: { id: subnet.id } }, vnet));
  return { value };
}

function view(
  nsg: CompiledNsg,
  association: EffectiveNetworkSecurityGroup["association"],
  vnet: VirtualNetworkTag,
): EffectiveNetworkSecurityGroup {
  const tagMap: Record<string, string[]> = {};
  const rules = [...nsg.inbound, ...nsg.outbound].map((r) => ruleView(r, vnet, tagMap));
  return { networkSecurityGroup: { id: nsg.id }, association, effectiveSecurityRules: rules, tagMap };
}

const PROTOCOL_VIEW: Record<string, string> = { "*": "All" };

function ruleView(
  r: CompiledRule,
  vnet: VirtualNetworkTag,
  tagMap: Record<string, string[]>,
): EffectiveSecurityRule {
  const sourcePorts = formatPorts(r.sourcePorts);
  const destinationPorts = formatPorts(r.destinationPorts);
  const source = side(r.source, vnet, tagMap);
  const destination = side(r.destination, vnet, tagMap);
  return {
    name: r.name,
    protocol: PROTOCOL_VIEW[r.protocol] ?? r.protocol,
    ...(sourcePorts.length === 1 ? { sourcePortRange: sourcePorts[0] } : {}),
    ...(destinationPorts.length === 1 ? { destinationPortRange: destinationPorts[0] } : {}),
    sourcePortRanges: sourcePorts,
    destinationPortRanges: destinationPorts,
    ...(source.prefixes.length === 1 ? { sourceAddressPrefix: source.prefixes[0] } : {}),
    ...(destination.prefixes.length === 1 ? { destinationAddressPrefix: destination.prefixes[0] } : {}),
    sourceAddressPrefixes: source.prefixes,
    destinationAddressPrefixes: destination.prefixes,
    expandedSourceAddressPrefix: source.expanded,
    expandedDestinationAddressPrefix: destination.expanded,
    access: r.access,
    priority: r.priority,
    direction: r.direction,
  };
}

/**
 * One side of a rule as effective views print it: `*` becomes 0.0.0.0/0, a bare address gets /32, tags
 * keep their name and are expanded (with the tag map filled); ASGs are shown by their members' addresses.
 */
function side(
  m: AddressMatch,
  vnet: VirtualNetworkTag,
  tagMap: Record<string, string[]>,
): { prefixes: string[]; expanded: string[] } {
  const prefixes: string[] = [];
  const expanded: string[] = [];
  let tagged = m.asgMembers.length > 0;
  const addTag = (name: string, list: readonly Prefix[]): void => {
    const texts = list.map(formatPrefix);
    tagMap[name] = texts;
    expanded.push(...texts);
    tagged = true;
  };
  for (const item of m.items) {
    const lower = item.trim().toLowerCase();
    const prefix = parsePrefix(item.trim());
    if (lower === "*" || lower === "any") prefixes.push("0.0.0.0/0");
    else if (prefix) {
      prefixes.push(formatPrefix(prefix));
      expanded.push(formatPrefix(prefix));
    } else {
      prefixes.push(item);
      if (lower === "virtualnetwork") addTag("VirtualNetwork", vnet.prefixes);
      else if (lower === "internet") addTag("Internet", complementV4(vnet.set));
      else {
        const entry = [...m.tags].find(([name]) => name.toLowerCase() === lower);
        if (entry) addTag(entry[0], entry[1]);
      }
    }
  }
  for (const a of m.asgMembers) {
    prefixes.push(formatPrefix(a));
    expanded.push(formatPrefix(a));
  }
  return { prefixes, expanded: tagged ? expanded : [] };
}
