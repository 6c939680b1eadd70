// Which child resources ARM lets a parent carry inline, and under which property. The Estate uses this both
// to lift inline children out (so each has its own id) and to fold separately-declared children back in.

export interface ChildKind {
  parentType: string;
  /** The child's type segment, e.g. `subnets`. Its full type is `${parentType}/${segment}`. */
  segment: string;
  /** Where the parent holds its children inline. */
  property: string;
  /** A singleton child merged into one property of the parent (`sites/config/web` → `siteConfig`). */
  mergeInto?: { name: string; property: string };
}

export const childKinds: readonly ChildKind[] = [
  { parentType: "Microsoft.Network/virtualNetworks", segment: "subnets", property: "subnets" },
  {
    parentType: "Microsoft.Network/virtualNetworks",
    segment: "virtualNetworkPeerings",
    property: "virtualNetworkPeerings",
  },
  {
    parentType: "Microsoft.Network/networkSecurityGroups",
    segment: "securityRules",
    property: "securityRules",
  },
  { parentType: "Microsoft.Network/routeTables", segment: "routes", property: "routes" },
  {
    parentType: "Microsoft.Network/serviceEndpointPolicies",
    segment: "serviceEndpointPolicyDefinitions",
    property: "serviceEndpointPolicyDefinitions",
  },
  { parentType: "Microsoft.Network/privateDnsZones", segment: "A", property: "A" },
  {
    parentType: "Microsoft.Network/privateDnsZones",
    segment: "virtualNetworkLinks",
    property: "virtualNetworkLinks",
  },
  ...[
    "Microsoft.Sql/servers",
    "Microsoft.DBforPostgreSQL/servers",
    "Microsoft.DBforMySQL/servers",
    "Microsoft.DBforMariaDB/servers",
  ].flatMap((parentType) => [
    { parentType, segment: "firewallRules", property: "firewallRules" },
    { parentType, segment: "virtualNetworkRules", property: "virtualNetworkRules" },
  ]),
  { parentType: "Microsoft.ServiceBus/namespaces", segment: "networkRuleSets", property: "networkRuleSets" },
  { parentType: "Microsoft.EventHub/namespaces", segment: "networkRuleSets", property: "networkRuleSets" },
  { parentType: "Microsoft.DataLakeStore/accounts", segment: "firewallRules", property: "firewallRules" },
  {
    parentType: "Microsoft.DataLakeStore/accounts",
    segment: "virtualNetworkRules",
    property: "virtualNetworkRules",
  },
  {
    parentType: "Microsoft.Web/sites",
    segment: "config",
    property: "siteConfig",
    mergeInto: { name: "web", property: "siteConfig" },
  },
];

const byParent = new Map<string, ChildKind[]>();
const byChildType = new Map<string, ChildKind>();
for (const k of childKinds) {
  const key = k.parentType.toLowerCase();
  byParent.set(key, [...(byParent.get(key) ?? []), k]);
  byChildType.set(`${key}/${k.segment.toLowerCase()}`, k);
}

export function childKindsOf(parentType: string): readonly ChildKind[] {
  return byParent.get(parentType.toLowerCase()) ?? [];
}

export function childKindOfType(childType: string): ChildKind | undefined {
  return byChildType.get(childType.toLowerCase());
}
