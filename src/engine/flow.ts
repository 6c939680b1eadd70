// Flows: where traffic starts and where it is going. Sources and destinations are discriminated unions.
import type { IpAddress } from "../net/index.js";

export type Protocol = "Tcp" | "Udp" | "Icmp";

export type FlowSource =
  /** A NIC's IP configuration inside a VNet (a VM resolves to its primary NIC). */
  | { kind: "nic"; nicId: string; ipConfigName: string; privateIp: IpAddress; subnetId: string }
  /**
   * Any VM in a subnet: a NIC of no NSG, public IP or ASG of its own at `privateIp` (the subnet's first usable
   * address unless given). What the subnet's own configuration allows, whoever is deployed there.
   */
  | { kind: "subnet"; subnetId: string; privateIp: IpAddress }
  /** A client on the public internet. */
  | { kind: "internet"; ip: IpAddress }
  /** An on-premises client arriving over a VPN or ExpressRoute gateway. */
  | { kind: "onprem"; ip: IpAddress; gatewayId?: string };

export type FlowDestination =
  | { kind: "fqdn"; host: string; port: number; scheme?: "http" | "https"; path?: string }
  | { kind: "ip"; ip: IpAddress; port: number; scheme?: "http" | "https" };

export interface Flow {
  source: FlowSource;
  destination: FlowDestination;
  protocol: Protocol;
  sourcePort?: number;
}
