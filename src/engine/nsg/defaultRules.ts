// The default security rules every NSG carries; they cannot be deleted, only overridden by lower numbers.
// Names, descriptions and prefixes as ARM returns them in `defaultSecurityRules` (§3.2, [S4][S25c]).
import type { SecurityRuleProperties } from "../../model/resources/network.js";

export interface DefaultRule {
  name: string;
  properties: SecurityRuleProperties;
}

function rule(
  name: string,
  description: string,
  priority: number,
  direction: "Inbound" | "Outbound",
  source: string,
  destination: string,
  access: "Allow" | "Deny",
): DefaultRule {
  return {
    name,
    properties: {
      description,
      protocol: "*",
      sourcePortRange: "*",
      destinationPortRange: "*",
      sourceAddressPrefix: source,
      destinationAddressPrefix: destination,
      access,
      priority,
      direction,
    },
  };
}

// ARM spells the VNet rules "AllowVnetInBound"/"AllowVnetOutBound" (semantics.md §3.2 writes AllowVNetInBound).
export const DEFAULT_RULES: readonly DefaultRule[] = [
  rule(
    "AllowVnetInBound",
    "Allow inbound traffic from all VMs in VNET",
    65000,
    "Inbound",
    "VirtualNetwork",
    "VirtualNetwork",
    "Allow",
  ),
  rule(
    "AllowAzureLoadBalancerInBound",
    "Allow inbound traffic from azure load balancer",
    65001,
    "Inbound",
    "AzureLoadBalancer",
    "*",
    "Allow",
  ),
  rule("DenyAllInBound", "Deny all inbound traffic", 65500, "Inbound", "*", "*", "Deny"),
  rule(
    "AllowVnetOutBound",
    "Allow outbound traffic from all VMs to all VMs in VNET",
    65000,
    "Outbound",
    "VirtualNetwork",
    "VirtualNetwork",
    "Allow",
  ),
  rule(
    "AllowInternetOutBound",
    "Allow outbound traffic from all VMs to Internet",
    65001,
    "Outbound",
    "*",
    "Internet",
    "Allow",
  ),
  rule("DenyAllOutBound", "Deny all outbound traffic", 65500, "Outbound", "*", "*", "Deny"),
];
