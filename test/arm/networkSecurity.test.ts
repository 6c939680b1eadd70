// NSGs with security rules (§3.1-§3.5) and route tables with routes (§2.3) through the real @azure/arm-network
// client: server-filled default rules and back-references, each validation's status and code, and a store left
// untouched by every refused request.
import type { SecurityRule } from "@azure/arm-network";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  http,
  netId,
  type NetworkTest,
  networkTest,
  refused,
  rejects,
  RG,
  subnetId,
} from "./networkFixture.js";

let t: NetworkTest;
beforeAll(async () => {
  t = await networkTest();
});
afterAll(async () => t.close());

const rule = (name: string, priority: number, extra: Partial<SecurityRule> = {}): SecurityRule => ({
  name,
  priority,
  direction: "Outbound",
  access: "Allow",
  protocol: "Tcp",
  sourceAddressPrefix: "VirtualNetwork",
  sourcePortRange: "*",
  destinationAddressPrefix: "Storage.EastUS",
  destinationPortRange: "443",
  ...extra,
});

describe("network security groups", () => {
  it("fill the six default rules as ARM does and take inline rules", async () => {
    const nsg = await t.net.networkSecurityGroups.beginCreateOrUpdateAndWait(RG, "nsg1", {
      location: "eastus",
      securityRules: [rule("allow-storage", 100)],
    });
    expect(nsg.defaultSecurityRules?.map((r) => [r.name, r.priority, r.direction])).toEqual([
      ["AllowVnetInBound", 65000, "Inbound"],
      ["AllowAzureLoadBalancerInBound", 65001, "Inbound"],
      ["DenyAllInBound", 65500, "Inbound"],
      ["AllowVnetOutBound", 65000, "Outbound"],
      ["AllowInternetOutBound", 65001, "Outbound"],
      ["DenyAllOutBound", 65500, "Outbound"],
    ]);
    expect(nsg.defaultSecurityRules?.[0]?.id).toBe(
      `${netId("networkSecurityGroups", "nsg1")}/defaultSecurityRules/AllowVnetInBound`,
    );
    expect(nsg.securityRules?.[0]).toMatchObject({
      id: `${nsg.id}/securityRules/allow-storage`,
      provisioningState: "Succeeded",
    });
    expect(nsg.resourceGuid).toMatch(/^[0-9a-f-]{36}$/);
    const def = await t.net.defaultSecurityRules.get(RG, "nsg1", "DenyAllOutBound");
    expect(def).toMatchObject({ access: "Deny", sourceAddressPrefix: "*", destinationAddressPrefix: "*" });
  });

  it("add, read and list a rule on its own", async () => {
    const r = await t.net.securityRules.beginCreateOrUpdateAndWait(
      RG,
      "nsg1",
      "deny-internet",
      rule("deny-internet", 4000, {
        access: "Deny",
        destinationAddressPrefix: "Internet",
        destinationPortRange: "*",
      }),
    );
    expect(r.id).toBe(`${netId("networkSecurityGroups", "nsg1")}/securityRules/deny-internet`);
    const names: string[] = [];
    for await (const x of t.net.securityRules.list(RG, "nsg1")) names.push(x.name!);
    expect(names).toEqual(["allow-storage", "deny-internet"]);
  });

  const add = (r: SecurityRule) => () =>
    t.net.securityRules.beginCreateOrUpdateAndWait(RG, "nsg1", r.name!, r);

  it("refuse priorities outside 100-4096 and a second rule with the same priority and direction", async () => {
    await rejects(t.h, add(rule("low", 99)), "SecurityRuleInvalidPriority");
    await rejects(t.h, add(rule("high", 4097)), "SecurityRuleInvalidPriority");
    await rejects(t.h, add(rule("dup", 100)), "SecurityRuleConflict");
    await t.net.securityRules.beginCreateOrUpdateAndWait(
      RG,
      "nsg1",
      "same-prio-in",
      rule("same-prio-in", 100, { direction: "Inbound" }),
    );
  });

  it("refuse bad ports, prefixes, tags in lists, unknown tags and protocols", async () => {
    await rejects(
      t.h,
      add(rule("p1", 200, { destinationPortRange: "80,443" })),
      "SecurityRuleInvalidPortRange",
    );
    await rejects(
      t.h,
      add(rule("p2", 201, { destinationPortRange: "70000" })),
      "SecurityRuleInvalidPortRange",
    );
    await rejects(
      t.h,
      add(rule("p3", 202, { destinationPortRange: undefined, destinationPortRanges: ["443", "9-1"] })),
      "SecurityRuleInvalidPortRange",
    );
    await rejects(
      t.h,
      add(rule("a1", 203, { destinationAddressPrefix: "Storage.Nowhere" })),
      "SecurityRuleInvalidAddressPrefix",
    );
    await rejects(
      t.h,
      add(rule("a2", 204, { destinationAddressPrefix: "10.0.0.1/16" })),
      "SecurityRuleInvalidAddressPrefix",
    );
    await rejects(
      t.h,
      add(
        rule("a3", 205, {
          destinationAddressPrefix: undefined,
          destinationAddressPrefixes: ["10.0.0.0/24", "Storage"],
        }),
      ),
      "SecurityRuleParameterContainsUnsupportedValue",
    );
    await rejects(t.h, add(rule("pr", 206, { protocol: "Gre" })), "InvalidRequestFormat");
    await rejects(
      t.h,
      add(
        rule("asg", 207, {
          destinationAddressPrefix: undefined,
          destinationApplicationSecurityGroups: [{ id: netId("applicationSecurityGroups", "nope") }],
        }),
      ),
      "InvalidResourceReference",
    );
    const ok = await add(
      rule("cidrs", 208, {
        destinationAddressPrefix: undefined,
        destinationAddressPrefixes: ["10.0.0.0/24", "52.1.2.3"],
        destinationPortRanges: ["80", "8000-8080"],
        destinationPortRange: undefined,
      }),
    )();
    expect(ok.destinationAddressPrefixes).toEqual(["10.0.0.0/24", "52.1.2.3"]);
  });

  it("refuse more than 1,000 rules in one NSG", async () => {
    // Unique (priority, direction) pairs: two directions share each priority.
    const rules = Array.from({ length: 1001 }, (_, i) => {
      const { name, ...properties } = rule(`r${i}`, 100 + Math.floor(i / 2), {
        direction: i % 2 ? "Inbound" : "Outbound",
      });
      return { name, properties };
    });
    await refused(
      t.h,
      () =>
        http(t.h, "PUT", netId("networkSecurityGroups", "big"), {
          location: "eastus",
          properties: { securityRules: rules },
        }),
      "NetworkSecurityGroupSecurityRuleLimitReached",
    );
  });

  it("report subnets and NICs, and refuse deleting while in use", async () => {
    const nsgId = netId("networkSecurityGroups", "nsg1");
    await t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "app", {
      addressPrefix: "10.0.1.0/24",
      networkSecurityGroup: { id: nsgId },
    });
    await t.net.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-nsg", {
      location: "eastus",
      networkSecurityGroup: { id: nsgId },
      ipConfigurations: [{ name: "c", subnet: { id: subnetId("vnet1", "app") } }],
    });
    const nsg = await t.net.networkSecurityGroups.get(RG, "nsg1");
    // The SDK fills subnet defaults (privateEndpointNetworkPolicies...) into back-references: compare ids.
    expect(nsg.subnets?.map((x) => x.id)).toEqual([subnetId("vnet1", "app")]);
    expect(nsg.networkInterfaces).toEqual([{ id: netId("networkInterfaces", "nic-nsg") }]);
    await rejects(
      t.h,
      () => t.net.networkSecurityGroups.beginDeleteAndWait(RG, "nsg1"),
      "InUseNetworkSecurityGroupCannotBeDeleted",
    );
  });

  it("refuse a subnet that names a missing NSG, or one in another region", async () => {
    await rejects(
      t.h,
      () =>
        t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "data", {
          addressPrefix: "10.0.2.0/24",
          networkSecurityGroup: { id: netId("networkSecurityGroups", "nope") },
        }),
      "InvalidResourceReference",
    );
    const west = await t.net.networkSecurityGroups.beginCreateOrUpdateAndWait(RG, "nsg-west", {
      location: "westus",
    });
    await rejects(
      t.h,
      () =>
        t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "data", {
          addressPrefix: "10.0.2.0/24",
          networkSecurityGroup: { id: west.id },
        }),
      "InvalidResourceReference",
    );
  });
});

describe("route tables", () => {
  const route = (name: string, addressPrefix: string, nextHopType: string, nextHopIpAddress?: string) => () =>
    t.net.routes.beginCreateOrUpdateAndWait(RG, "rt1", name, {
      addressPrefix,
      nextHopType,
      ...(nextHopIpAddress ? { nextHopIpAddress } : {}),
    });

  it("take UDRs to an appliance and to a service tag", async () => {
    const rt = await t.net.routeTables.beginCreateOrUpdateAndWait(RG, "rt1", {
      location: "eastus",
      routes: [
        {
          name: "default",
          addressPrefix: "0.0.0.0/0",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.0.1.100",
        },
      ],
    });
    expect(rt).toMatchObject({ provisioningState: "Succeeded", disableBgpRoutePropagation: false });
    expect(rt.routes?.[0]?.id).toBe(`${rt.id}/routes/default`);
    const tagRoute = await route("storage", "Storage", "Internet")();
    expect(tagRoute).toMatchObject({ addressPrefix: "Storage", nextHopType: "Internet" });
  });

  it("refuse next hops a UDR cannot use and a VirtualAppliance without an address", async () => {
    await rejects(t.h, route("va", "10.5.0.0/16", "VirtualAppliance"), "InvalidNextHopIpAddress");
    await rejects(t.h, route("inet-ip", "10.5.0.0/16", "Internet", "10.0.1.100"), "InvalidNextHopIpAddress");
    await rejects(t.h, route("peer", "10.5.0.0/16", "VNetPeering"), "InvalidRequestFormat");
    await rejects(t.h, route("se", "10.5.0.0/16", "VirtualNetworkServiceEndpoint"), "InvalidRequestFormat");
    await rejects(t.h, route("badprefix", "10.5.0.1/16", "None"), "InvalidCIDRNotation");
    await rejects(t.h, route("badtag", "NotATag", "None"), "InvalidAddressPrefixFormat");
  });

  it("refuse more than 400 routes, and more than 25 service-tag routes", async () => {
    const many = Array.from({ length: 401 }, (_, i) => ({
      name: `r${i}`,
      properties: { addressPrefix: `10.${100 + Math.floor(i / 250)}.${i % 250}.0/24`, nextHopType: "None" },
    }));
    await refused(
      t.h,
      () =>
        http(t.h, "PUT", netId("routeTables", "big"), { location: "eastus", properties: { routes: many } }),
      "RouteTableRouteLimitReached",
    );
    const tags = [
      "Storage",
      "Sql",
      "AzureKeyVault",
      "EventHub",
      "ServiceBus",
      "AzureCosmosDB",
      "AppService",
      "AzureCloud",
    ];
    const regions = ["EastUS", "WestUS", "WestEurope", "NorthEurope"];
    const tagRoutes = tags.flatMap((tg) => regions.map((rg) => `${tg}.${rg}`)).slice(0, 26);
    const body = {
      location: "eastus",
      properties: {
        routes: tagRoutes.map((p, i) => ({
          name: `t${i}`,
          properties: { addressPrefix: p, nextHopType: "Internet" },
        })),
      },
    };
    await refused(
      t.h,
      () => http(t.h, "PUT", netId("routeTables", "tags"), body),
      "RouteTableServiceTagRouteLimitReached",
    );
  });

  it("report subnets, refuse deleting in use, and refuse a table in another region", async () => {
    await t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "pe", {
      addressPrefix: "10.0.3.0/24",
      routeTable: { id: netId("routeTables", "rt1") },
    });
    expect((await t.net.routeTables.get(RG, "rt1")).subnets?.map((x) => x.id)).toEqual([
      subnetId("vnet1", "pe"),
    ]);
    await rejects(
      t.h,
      () => t.net.routeTables.beginDeleteAndWait(RG, "rt1"),
      "InUseRouteTableCannotBeDeleted",
    );
    const west = await t.net.routeTables.beginCreateOrUpdateAndWait(RG, "rt-west", { location: "westus" });
    await rejects(
      t.h,
      () =>
        t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "tiny", {
          addressPrefix: "10.0.9.0/29",
          routeTable: { id: west.id },
        }),
      "InvalidResourceReference",
    );
    await rejects(
      t.h,
      () =>
        t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "tiny", {
          addressPrefix: "10.0.9.0/29",
          routeTable: { id: netId("routeTables", "nope") },
        }),
      "InvalidResourceReference",
    );
  });
});

describe("subscription limits", () => {
  it("refuse a 201st route table in a region", async () => {
    const tables = Array.from({ length: 200 }, (_, i) => ({
      kind: "put" as const,
      etag: `W/"seed-${i}"`,
      resource: {
        id: netId("routeTables", `seed${i}`),
        name: `seed${i}`,
        type: "Microsoft.Network/routeTables",
        location: "westeurope",
        properties: { routes: [] },
      },
    }));
    await t.h.store.apply(tables);
    await rejects(
      t.h,
      () => t.net.routeTables.beginCreateOrUpdateAndWait(RG, "one-too-many", { location: "westeurope" }),
      "RouteTableCountLimitReached",
    );
    await t.net.routeTables.beginCreateOrUpdateAndWait(RG, "seed0", {
      location: "westeurope",
      tags: { updates: "still work" },
    });
  });
});
