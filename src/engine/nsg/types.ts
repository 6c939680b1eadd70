// The NSG contract: a flow as NSGs see it, and the outcome of each NSG on its path.
import type { IpAddress } from "../../net/index.js";
import type { Protocol } from "../flow.js";

export type Direction = "Inbound" | "Outbound";
export type Access = "Allow" | "Deny";
export type Association = "networkInterface" | "subnet";

/**
 * A packet at a NIC or subnet. Inbound: the receiving NIC/subnet; outbound: the sending one. NSGs see
 * private addresses (post-DNAT inbound, pre-SNAT outbound) [S4].
 */
export interface NsgFlow {
  nicId?: string;
  subnetId?: string;
  direction: Direction;
  protocol: Protocol;
  sourceIp: IpAddress;
  /** Undefined when unknown: then only rules taking every source port match. */
  sourcePort?: number;
  destinationIp: IpAddress;
  destinationPort?: number;
}

export interface NsgEvaluation {
  nsgId: string;
  association: Association;
  direction: Direction;
  /** As effective views print it: `securityRules/<name>` or `defaultSecurityRules/<name>`. */
  rule: string;
  ruleId?: string;
  priority: number;
  access: Access;
  /** Platform traffic (168.63.129.16, 169.254.169.254) that no platform-tag rule matched: not filtered [S4]. */
  platformBypass?: boolean;
  /** One sentence for traces. */
  reason: string;
}
