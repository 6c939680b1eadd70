// The flow trace contract shared by the CLI, the API, the UI and the tests.
import type { FirewallResult, ServiceResponse } from "./firewalls/types.js";

export type Verdict = "Allow" | "Deny";
export type DecidingStage = "dns" | "nsg" | "route" | "policy" | "firewall";

export interface Decision {
  stage: DecidingStage;
  resourceId?: string;
  rule?: string;
  reason: string;
}

/** An entry of an effective route table, as `az network nic show-effective-route-table` shows it. */
export interface EffectiveRoute {
  name?: string;
  source: "Default" | "User" | "VirtualNetworkGateway";
  state: "Active" | "Invalid";
  addressPrefix: string[];
  nextHopType: string;
  nextHopIpAddress: string[];
  /** The UDR's id, or the service tag / peering / gateway it came from. */
  origin?: string;
}

export type PathKind =
  | "serviceEndpoint"
  | "internet"
  | "privateEndpoint"
  | "virtualNetwork"
  | "peering"
  | "virtualAppliance"
  | "gateway"
  | "dropped";

export type Stage =
  | { stage: "source"; hop: number; summary: string; nicId?: string; subnetId?: string; ip: string }
  | {
      stage: "dns";
      hop: number;
      summary: string;
      name: string;
      answer?: string;
      via: "public" | "privateDnsZone" | "none";
      zoneId?: string;
      outcome: "pass" | "block";
    }
  | {
      stage: "nsg";
      hop: number;
      summary: string;
      direction: "Inbound" | "Outbound";
      association: "networkInterface" | "subnet";
      nsgId: string;
      rule: string;
      priority: number;
      access: "Allow" | "Deny";
    }
  | {
      stage: "route";
      hop: number;
      summary: string;
      routeTableId?: string;
      route: { addressPrefix: string; nextHopType: string; nextHopIpAddress?: string; source: string };
      why: string;
      outcome: "pass" | "block";
    }
  | {
      stage: "path";
      hop: number;
      summary: string;
      path: PathKind;
      sourceIpSeenByService?: string;
    }
  | {
      stage: "policy";
      hop: number;
      summary: string;
      policyIds: string[];
      outcome: "pass" | "block";
      definition?: string;
    }
  | {
      stage: "firewall";
      hop: number;
      summary: string;
      resourceId: string;
      resourceType: string;
      result: FirewallResult;
    };

export interface Trace {
  verdict: Verdict;
  decidedBy: Decision;
  /** Every stage that blocks the flow, in path order; the first is `decidedBy`. Fix them all in one go. */
  blockers: Decision[];
  sourceIpSeenByService?: string;
  route?: { nextHopType: string; addressPrefix: string; source: string };
  response?: ServiceResponse;
  destination: { host?: string; ip?: string; port: number; resourceId?: string; resourceType?: string };
  stages: Stage[];
}
