// The generator's network security groups: one per VNet of 50 rules (the kinds real NSGs carry, service tags
// included) on most of its subnets, and ten shared NIC-level NSGs per region.
import type { ArmResource } from "../../src/model/arm.js";
import type {
  NetworkSecurityGroupProperties,
  SecurityRuleProperties,
} from "../../src/model/resources/network.js";
import {
  CLIENT_OCTETS,
  ip4,
  NVA_SUBNET,
  pad,
  parse4,
  REGION_NAMES,
  ridNetwork,
  SUBSCRIPTIONS,
} from "./addresses.js";
import type { EstatePlan } from "./plan.js";

/** 50 rules: ~34 outbound, ~16 inbound, the kinds real NSGs carry. */
function nsgRules(
  plan: EstatePlan,
  nsgId: string,
  region: string,
  vnetCidr: string,
  lockdown: boolean,
): ArmResource<SecurityRuleProperties>[] {
  const r = plan.rng;
  const other = r.pick(REGION_NAMES.filter((x) => x !== region));
  const publicCidrs = (n: number): string[] =>
    Array.from(
      { length: n },
      () => `${r.pick(CLIENT_OCTETS)}.${r.int(256)}.${r.int(256) & 0xf0}.0/${r.pick([20, 24, 28])}`,
    ).map((c) => {
      const [addr, len] = c.split("/");
      const l = Number(len);
      return `${ip4((parse4(addr!) & ((0xffffffff << (32 - l)) >>> 0)) >>> 0)}/${l}`;
    });
  const src = (): Partial<SecurityRuleProperties> =>
    r.weighted<Partial<SecurityRuleProperties>>([
      [{ sourceAddressPrefix: "VirtualNetwork" }, 5],
      [{ sourceAddressPrefix: "*" }, 3],
      [{ sourceAddressPrefix: vnetCidr }, 2],
      [{ sourceAddressPrefixes: [vnetCidr, "192.168.100.0/24"] }, 1],
    ]);
  const key: Partial<SecurityRuleProperties>[] = [
    {
      access: "Allow",
      protocol: "Tcp",
      destinationAddressPrefix: r.chance(0.7) ? plan.tagName("Storage", region) : "Storage",
      destinationPortRange: "443",
    },
    {
      access: "Allow",
      protocol: "Tcp",
      destinationAddressPrefix: plan.tagName("Sql", region),
      destinationPortRanges: ["1433", "11000-11999"],
    },
    {
      access: "Allow",
      protocol: "Tcp",
      destinationAddressPrefix: r.chance(0.5) ? "AzureKeyVault" : plan.tagName("AzureKeyVault", region),
      destinationPortRange: "443",
    },
    {
      access: "Allow",
      protocol: "*",
      destinationAddressPrefix: "VirtualNetwork",
      destinationPortRange: "*",
    },
  ];
  if (r.chance(0.1))
    key.unshift({
      access: "Deny",
      protocol: "Tcp",
      destinationAddressPrefix: "Sql",
      destinationPortRange: "1433",
    });
  if (r.chance(0.08))
    key.unshift({
      access: "Deny",
      protocol: "Tcp",
      destinationAddressPrefix: plan.tagName("Storage", other),
      destinationPortRange: "443",
    });
  const fillerOut = (): Partial<SecurityRuleProperties> =>
    r.weighted<Partial<SecurityRuleProperties>>([
      [
        {
          access: "Deny",
          protocol: "Tcp",
          destinationAddressPrefixes: publicCidrs(r.range(1, 6)),
          destinationPortRanges: ["22", "3389"],
        },
        4,
      ],
      [
        {
          access: "Allow",
          protocol: "Udp",
          destinationAddressPrefixes: publicCidrs(2),
          destinationPortRanges: ["53", "123"],
        },
        2,
      ],
      [
        {
          access: "Allow",
          protocol: "Tcp",
          destinationAddressPrefix: "VirtualNetwork",
          destinationPortRange: `${8000 + r.int(900)}-${9000 + r.int(900)}`,
        },
        3,
      ],
      [
        {
          access: "Deny",
          protocol: "Tcp",
          destinationAddressPrefix: "Internet",
          destinationPortRanges: ["25", "445", "137-139"],
        },
        2,
      ],
      [
        {
          access: "Allow",
          protocol: "Tcp",
          destinationAddressPrefix: plan.tagName("EventHub", region),
          destinationPortRange: "443",
        },
        1,
      ],
      [{ access: "Deny", protocol: "Icmp", destinationAddressPrefix: "*", destinationPortRange: "*" }, 1],
      [
        {
          access: "Allow",
          protocol: "Tcp",
          destinationAddressPrefix: `${r.pick(CLIENT_OCTETS)}.${r.int(256)}.0.0/16`,
          destinationPortRange: String(r.range(1024, 65000)),
        },
        2,
      ],
    ]);
  const fillerIn = (): Partial<SecurityRuleProperties> =>
    r.weighted<Partial<SecurityRuleProperties>>([
      [
        {
          access: "Allow",
          protocol: "Tcp",
          sourceAddressPrefix: "Internet",
          destinationAddressPrefix: "VirtualNetwork",
          destinationPortRanges: ["80", "443"],
        },
        2,
      ],
      [
        {
          access: "Deny",
          protocol: "Tcp",
          sourceAddressPrefix: "Internet",
          destinationAddressPrefix: "*",
          destinationPortRanges: ["22", "3389"],
        },
        2,
      ],
      [
        {
          access: "Allow",
          protocol: "Tcp",
          sourceAddressPrefix: "172.16.0.0/12",
          destinationAddressPrefix: "*",
          destinationPortRanges: ["22", "443", "5985-5986"],
        },
        2,
      ],
      [
        {
          access: "Allow",
          protocol: "*",
          sourceAddressPrefix: "AzureLoadBalancer",
          destinationAddressPrefix: "*",
          destinationPortRange: "*",
        },
        1,
      ],
      [
        {
          access: "Allow",
          protocol: "*",
          sourceAddressPrefix: "VirtualNetwork",
          destinationAddressPrefix: "*",
          destinationPortRange: "*",
        },
        2,
      ],
      [
        {
          access: "Deny",
          protocol: "Udp",
          sourceAddressPrefixes: publicCidrs(3),
          destinationAddressPrefix: "*",
          destinationPortRange: "*",
        },
        2,
      ],
      [
        {
          access: "Allow",
          protocol: "Tcp",
          sourceAddressPrefixes: publicCidrs(r.range(1, 4)),
          destinationAddressPrefix: vnetCidr,
          destinationPortRange: `${r.range(1000, 3000)}-${r.range(3001, 9000)}`,
        },
        3,
      ],
    ]);

  const out: Partial<SecurityRuleProperties>[] = [];
  const outCount = lockdown ? 33 : 34;
  // Key rules sit at random places among the fillers, as they do in long-lived NSGs.
  const keyAt = new Set(
    r.sample(
      Array.from({ length: outCount }, (_, i) => i),
      key.length,
    ),
  );
  const keyOrder = [...keyAt].sort((a, b) => a - b);
  for (let i = 0; i < outCount; i++) {
    const k = keyOrder.indexOf(i);
    out.push({ ...src(), ...(k >= 0 ? key[k]! : fillerOut()) });
  }
  if (lockdown)
    out.push({
      access: "Deny",
      protocol: "*",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: "Internet",
      destinationPortRange: "*",
    });
  const inbound = Array.from({ length: 50 - out.length }, fillerIn);

  const rules: ArmResource<SecurityRuleProperties>[] = [];
  const add = (list: Partial<SecurityRuleProperties>[], direction: "Inbound" | "Outbound"): void => {
    list.forEach((p, i) => {
      const last = lockdown && direction === "Outbound" && i === list.length - 1;
      const priority = last ? 4000 : 100 + i * 10;
      const name = `${direction === "Outbound" ? "out" : "in"}-${pad(priority, 4)}-${(p.access ?? "Allow").toLowerCase()}`;
      const props: SecurityRuleProperties = {
        protocol: p.protocol ?? "Tcp",
        access: p.access ?? "Allow",
        priority,
        direction,
        sourcePortRange: "*",
        ...(p.sourceAddressPrefix === undefined && p.sourceAddressPrefixes === undefined
          ? { sourceAddressPrefix: "*" }
          : {}),
        ...p,
      } as SecurityRuleProperties;
      props.priority = priority;
      props.direction = direction;
      rules.push({
        id: `${nsgId}/securityRules/${name}`,
        name,
        type: "Microsoft.Network/networkSecurityGroups/securityRules",
        properties: props,
      });
    });
  };
  add(out, "Outbound");
  add(inbound, "Inbound");
  return rules;
}

function nsg(
  plan: EstatePlan,
  sub: string,
  rg: string,
  name: string,
  region: string,
  vnetCidr: string,
): string {
  const id = ridNetwork(sub, rg, "networkSecurityGroups", name);
  const res: ArmResource<NetworkSecurityGroupProperties> = {
    id,
    name,
    type: "Microsoft.Network/networkSecurityGroups",
    location: region,
    properties: { securityRules: nsgRules(plan, id, region, vnetCidr, plan.rng.chance(0.4)) },
  };
  plan.resources.push(res);
  return id;
}

export function emitNsgs(plan: EstatePlan): void {
  for (const v of plan.vnets) {
    const nsgId = nsg(plan, v.sub, v.rg, `nsg-${v.name}`, v.region, `${ip4(v.base)}/21`);
    for (const s of v.subnets) {
      if (s.name === "GatewaySubnet") continue;
      if (plan.rng.chance(s.index === NVA_SUBNET ? 0.3 : 0.85)) s.nsgId = nsgId;
    }
  }
  // NIC-level NSGs: ten per region, shared by the NICs that carry one.
  for (const region of REGION_NAMES) {
    const ids: string[] = [];
    for (let k = 0; k < 10; k++) {
      ids.push(
        nsg(
          plan,
          SUBSCRIPTIONS[0]!,
          `rg-nsg-${region}`,
          `nsg-nic-${region}-${pad(k, 2)}`,
          region,
          "10.0.0.0/8",
        ),
      );
    }
    plan.nicNsgs.set(region, ids);
  }
}
