// An estate as a diagram: VNets with their address spaces, subnets with badges for their endpoints, policies,
// NSG and route table, the VMs, private endpoints and gateways inside their subnets, peerings and gateway
// connections, the on-premises networks and the internet (the sources of the reachability overlay), and the
// PaaS resources grouped by service (paas.ts). Route tables, NSGs and policies are badges, not boxes: they
// change what a subnet does, and a box per rule set would bury the subnets at a few hundred resources.
import { topologyOf } from "../../engine/topology.js";
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { idKey, parentId } from "../../model/resourceId.js";
import {
  type ConnectionProperties,
  type LocalNetworkGatewayProperties,
  NetworkTypes as N,
  type NetworkInterfaceProperties,
  type PrivateEndpointProperties,
  type PublicIPAddressProperties,
  type SubnetProperties,
  type VirtualNetworkGatewayProperties,
  type VirtualNetworkPeeringProperties,
  type VirtualNetworkProperties,
} from "../../model/resources/network.js";
import { formatIp } from "../../net/index.js";
import { paasNodes } from "./paas.js";
import { resourceNode } from "./resourceNode.js";
import type { Badge, Diagram, DiagramEdge, DiagramNode } from "./types.js";

const lastName = (id: string): string => id.split("/").pop() ?? id;

/** `Microsoft.Storage` → `Storage`, `Microsoft.Storage.Global` → `Storage.Global`. */
const shortService = (s: string): string => s.replace(/^Microsoft\./i, "");

function subnetBadges(p: SubnetProperties | undefined): Badge[] {
  const badges: Badge[] = (p?.serviceEndpoints ?? []).map((e) => ({
    kind: "endpoint",
    text: shortService(e.service),
    // Not the locations: ARM fills them in on write, and a what-if against a file would show every endpoint changed.
    title: `service endpoint ${e.service}`,
  }));
  for (const pol of p?.serviceEndpointPolicies ?? [])
    badges.push({ kind: "policy", text: "SEP", title: `service endpoint policy ${lastName(pol.id)}` });
  if (p?.networkSecurityGroup)
    badges.push({ kind: "nsg", text: "NSG", title: `NSG ${lastName(p.networkSecurityGroup.id)}` });
  if (p?.routeTable)
    badges.push({ kind: "routeTable", text: "RT", title: `route table ${lastName(p.routeTable.id)}` });
  if (p?.natGateway)
    badges.push({ kind: "nat", text: "NAT", title: `NAT gateway ${lastName(p.natGateway.id)}` });
  for (const d of p?.delegations ?? [])
    if (d.properties?.serviceName)
      badges.push({ kind: "delegation", text: "Deleg", title: `delegated to ${d.properties.serviceName}` });
  return badges;
}

function subnetNode(s: ArmResource<SubnetProperties>): DiagramNode {
  const p = s.properties;
  const refs = [
    p?.networkSecurityGroup?.id,
    p?.routeTable?.id,
    p?.natGateway?.id,
    ...(p?.serviceEndpointPolicies ?? []).map((x) => x.id),
  ].filter((x): x is string => x !== undefined);
  const node = resourceNode(s, "subnet", {
    lines: [p?.addressPrefix ?? (p?.addressPrefixes ?? []).join(", ")],
    badges: subnetBadges(p),
    sources: [idKey(s.id)],
  });
  node.refs.push(...refs.map(idKey));
  const parent = parentId(s.id);
  if (parent) node.parent = idKey(parent);
  return node;
}

function vmNodes(estate: Estate, has: (id: string) => boolean): DiagramNode[] {
  const topo = topologyOf(estate);
  const out: DiagramNode[] = [];
  for (const nic of estate.ofType<NetworkInterfaceProperties>(N.networkInterface)) {
    // A private endpoint's NIC is drawn as the private endpoint.
    if (nic.properties?.privateEndpoint) continue;
    const configs = topo.ipConfigsOf(nic.id);
    const primary = configs.find((c) => c.primary) ?? configs[0];
    if (!primary || !has(primary.subnetId)) continue;
    const vm = topo.vmOf(nic.id);
    const nics = vm?.properties?.networkProfile?.networkInterfaces?.length ?? 1;
    const publicIps = configs
      .map((c) => (c.publicIpId ? estate.get<PublicIPAddressProperties>(c.publicIpId) : undefined))
      .filter((p): p is ArmResource<PublicIPAddressProperties> => p !== undefined);
    const node = resourceNode(nic, "vm", {
      label: vm ? (nics > 1 ? `${vm.name} (${nic.name})` : vm.name) : nic.name,
      lines: [
        configs.map((c) => formatIp(c.privateIp)).join(", "),
        ...publicIps.map((p) => `public ${p.properties?.ipAddress ?? p.name}`),
      ],
      parent: idKey(primary.subnetId),
      sources: configs.map((c) => idKey(c.primary ? nic.id : `${nic.id}#${c.name}`)),
    });
    const nsg = nic.properties?.networkSecurityGroup?.id;
    if (nsg) node.badges.push({ kind: "nsg", text: "NSG", title: `NIC NSG ${lastName(nsg)}` });
    node.refs.push(...[vm?.id, nsg, ...publicIps.map((p) => p.id)].filter((x) => x !== undefined).map(idKey));
    out.push(node);
  }
  return out;
}

function privateEndpointNodes(estate: Estate, has: (id: string) => boolean): DiagramNode[] {
  return estate.ofType<PrivateEndpointProperties>(N.privateEndpoint).flatMap((pe) => {
    const p = pe.properties;
    const subnet = p?.subnet?.id;
    const ips = [
      ...(p?.ipConfigurations ?? []).map((c) => c.properties?.privateIPAddress),
      ...(p?.customDnsConfigs ?? []).flatMap((c) => c.ipAddresses ?? []),
    ].filter((x): x is string => x !== undefined);
    const node = resourceNode(pe, "privateEndpoint", {
      lines: [[...new Set(ips)].join(", ")].filter((l) => l !== ""),
      ...(subnet && has(subnet) ? { parent: idKey(subnet) } : {}),
    });
    node.refs.push(...(p?.networkInterfaces ?? []).map((n) => idKey(n.id)));
    return [node];
  });
}

function privateLinkEdges(estate: Estate, has: (id: string) => boolean): DiagramEdge[] {
  return estate.ofType<PrivateEndpointProperties>(N.privateEndpoint).flatMap((pe) => {
    const conns = [
      ...(pe.properties?.privateLinkServiceConnections ?? []),
      ...(pe.properties?.manualPrivateLinkServiceConnections ?? []),
    ];
    return conns.flatMap((c, i) => {
      const target = c.properties?.privateLinkServiceId;
      if (!target || !has(target)) return [];
      const status = c.properties?.privateLinkServiceConnectionState?.status;
      const groups = (c.properties?.groupIds ?? []).join(", ");
      return [
        {
          id: `pl:${idKey(pe.id)}:${i}`,
          kind: "privateLink" as const,
          source: idKey(pe.id),
          target: idKey(target),
          label: [groups, status && status !== "Approved" ? status : ""].filter((x) => x !== "").join(" "),
        },
      ];
    });
  });
}

function gatewayNodes(estate: Estate, has: (id: string) => boolean): DiagramNode[] {
  const vngs = estate.ofType<VirtualNetworkGatewayProperties>(N.virtualNetworkGateway).map((g) => {
    const subnet = g.properties?.ipConfigurations?.[0]?.properties?.subnet?.id;
    const p = g.properties;
    return resourceNode(g, "gateway", {
      lines: [
        [p?.gatewayType ?? "Vpn", p?.vpnType, p?.enableBgp ? "BGP" : undefined].filter(Boolean).join(" · "),
      ],
      ...(subnet && has(subnet) ? { parent: idKey(subnet) } : {}),
    });
  });
  const lngs = estate.ofType<LocalNetworkGatewayProperties>(N.localNetworkGateway).map((l) => {
    const prefixes = l.properties?.localNetworkAddressSpace?.addressPrefixes ?? [];
    return resourceNode(l, "onPremises", {
      lines: [prefixes.join(", "), l.properties?.gatewayIpAddress ?? l.properties?.fqdn ?? ""].filter(
        (x) => x !== "",
      ),
      sources: prefixes.map((p) => `onprem:${p}`.toLowerCase()),
    });
  });
  return [...vngs, ...lngs];
}

function connectionEdges(estate: Estate, has: (id: string) => boolean): DiagramEdge[] {
  return estate
    .ofType<ConnectionProperties & { virtualNetworkGateway2?: { id: string } }>(N.connection)
    .flatMap((c) => {
      const a = c.properties?.virtualNetworkGateway1?.id;
      const b = c.properties?.localNetworkGateway2?.id ?? c.properties?.virtualNetworkGateway2?.id;
      if (!a || !b || !has(a) || !has(b)) return [];
      const label = c.properties?.connectionType ?? "";
      return [
        { id: `cn:${idKey(c.id)}`, kind: "connection" as const, source: idKey(a), target: idKey(b), label },
      ];
    });
}

function peeringEdges(estate: Estate, has: (id: string) => boolean): DiagramEdge[] {
  const seen = new Map<string, DiagramEdge>();
  for (const p of estate.ofType<VirtualNetworkPeeringProperties>(N.virtualNetworkPeering)) {
    const from = parentId(p.id);
    const to = p.properties?.remoteVirtualNetwork?.id;
    if (!from || !to || !has(from) || !has(to)) continue;
    const [a, b] = [idKey(from), idKey(to)].sort() as [string, string];
    const state = p.properties?.peeringState ?? "Connected";
    const prior = seen.get(`${a}|${b}`);
    // One line per pair of VNets; a half-made peering (one side only, or not Connected) says so.
    if (prior) prior.label = prior.label === state ? state : `${prior.label} / ${state}`;
    else seen.set(`${a}|${b}`, { id: `pe:${a}|${b}`, kind: "peering", source: a, target: b, label: state });
  }
  return [...seen.values()];
}

export function buildDiagram(estate: Estate): Diagram {
  const nodes: DiagramNode[] = [];
  for (const v of estate.ofType<VirtualNetworkProperties>(N.virtualNetwork)) {
    const spaces = v.properties?.addressSpace?.addressPrefixes ?? [];
    nodes.push(
      resourceNode(v, "vnet", { lines: [spaces.join(", "), v.location ?? ""].filter((l) => l !== "") }),
    );
  }
  const vnets = new Set(nodes.map((n) => n.id));
  nodes.push(
    ...estate
      .ofType<SubnetProperties>(N.subnet)
      .map(subnetNode)
      .filter((s) => s.parent !== undefined && vnets.has(s.parent)),
  );
  const present = (): ((id: string) => boolean) => {
    const ids = new Set(nodes.map((n) => n.id));
    return (id) => ids.has(idKey(id));
  };
  const inSubnets = present();
  nodes.push(...vmNodes(estate, inSubnets), ...privateEndpointNodes(estate, inSubnets));
  nodes.push(...gatewayNodes(estate, inSubnets));
  nodes.push({
    id: "internet",
    kind: "internet",
    label: "Internet",
    lines: ["any public client"],
    badges: [],
    refs: ["internet"],
    sources: ["internet"],
  });
  nodes.push(...paasNodes(estate));
  const has = present();
  const edges = [
    ...peeringEdges(estate, has),
    ...connectionEdges(estate, has),
    ...privateLinkEdges(estate, has),
  ];
  return { nodes, edges };
}
