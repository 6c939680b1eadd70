// Test helpers for the NSG tests: one VNet, one subnet, one NIC, and flows from or to that NIC.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { NetworkTypes as N, type SubnetProperties } from "../../model/resources/network.js";
import {
  asg,
  estateOf,
  ip,
  nic,
  nsg,
  type RuleSpec,
  ref,
  rid,
  subnetId,
  vnet,
} from "../routes/testEstate.js";
import { evaluateNsgs } from "./evaluate.js";
import type { NsgFlow } from "./types.js";

export const A = subnetId("vnet1", "a");
export const NIC = rid(N.networkInterface, "vm1-nic");

/** vnet1 10.1.0.0/16, subnet a (NSG `subnet-nsg` when given rules), NIC 10.1.0.4 (NSG `nic-nsg`). */
export function estate(opts: {
  nicRules?: RuleSpec[];
  subnetRules?: RuleSpec[];
  subnet?: Partial<SubnetProperties>;
  extra?: ArmResource[];
  asgs?: string[];
  peerings?: ArmResource[];
}): Estate {
  return estateOf([
    vnet(
      "vnet1",
      ["10.1.0.0/16"],
      [
        {
          name: "a",
          prefix: "10.1.0.0/24",
          props: {
            ...(opts.subnetRules ? { networkSecurityGroup: ref(N.networkSecurityGroup, "subnet-nsg") } : {}),
            ...opts.subnet,
          },
        },
        { name: "GatewaySubnet", prefix: "10.1.255.0/27" },
      ],
      { peerings: (opts.peerings ?? []) as never },
    ),
    ...(opts.nicRules ? [nsg("nic-nsg", opts.nicRules)] : []),
    ...(opts.subnetRules ? [nsg("subnet-nsg", opts.subnetRules)] : []),
    nic("vm1-nic", A, "10.1.0.4", {
      ...(opts.nicRules ? { nsg: "nic-nsg" } : {}),
      ...(opts.asgs ? { asgs: opts.asgs } : {}),
    }),
    ...(opts.asgs ?? []).map(asg),
    ...(opts.extra ?? []),
  ]);
}

export function out(dst: string, port = 443, protocol: NsgFlow["protocol"] = "Tcp"): NsgFlow {
  return {
    nicId: NIC,
    subnetId: A,
    direction: "Outbound",
    protocol,
    sourceIp: ip("10.1.0.4"),
    sourcePort: 50000,
    destinationIp: ip(dst),
    destinationPort: port,
  };
}

export function inb(src: string, port = 443, protocol: NsgFlow["protocol"] = "Tcp"): NsgFlow {
  return {
    nicId: NIC,
    subnetId: A,
    direction: "Inbound",
    protocol,
    sourceIp: ip(src),
    sourcePort: 50000,
    destinationIp: ip("10.1.0.4"),
    destinationPort: port,
  };
}

export const ruleOf = (e: Estate, f: NsgFlow): string[] =>
  evaluateNsgs(e, f).map((x) => `${x.access} ${x.rule}`);
