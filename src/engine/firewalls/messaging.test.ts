import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../model/arm.js";
import {
  check,
  estateOf,
  network,
  peOrigin,
  publicOrigin,
  resource,
  seOrigin,
  subnetId,
} from "./testEstate.js";

const SUBNET = subnetId("vnet-app", "snet-app");
const OTHER = subnetId("vnet-app", "snet-other");

function namespace(
  type: "Microsoft.EventHub/namespaces" | "Microsoft.ServiceBus/namespaces",
  tier: string,
  ruleSet: Record<string, unknown> | undefined,
  props: Record<string, unknown> = {},
): ArmResource {
  return resource(
    type,
    "ns-lab",
    "eastus",
    { ...props, ...(ruleSet ? { networkRuleSets: [{ name: "default", properties: ruleSet }] } : {}) },
    { sku: { name: tier, tier } },
  );
}

function estateWith(ns: ArmResource, extra: ArmResource[] = []) {
  return estateOf([
    ...network("vnet-app", "eastus", [
      {
        name: "snet-app",
        prefix: "10.1.1.0/24",
        serviceEndpoints: ["Microsoft.EventHub", "Microsoft.ServiceBus"],
      },
      {
        name: "snet-other",
        prefix: "10.1.2.0/24",
        serviceEndpoints: ["Microsoft.EventHub", "Microsoft.ServiceBus"],
      },
    ]),
    ns,
    ...extra,
  ]);
}

describe("semantics §4.5 edge case: zero IP and zero VNet rules allow all traffic even with defaultAction=Deny", () => {
  it("§11 example 8: Event Hubs Standard, Deny, no rules → allowed", () => {
    const ns = namespace("Microsoft.EventHub/namespaces", "Standard", { defaultAction: "Deny" });
    const r = check(estateWith(ns), ns.id, publicOrigin("198.51.100.1"));
    expect(r.decision).toBe("Allow");
    expect(r.rule).toBe("networkRuleSets/default (no rules)");
  });

  it("one rule makes Deny bite", () => {
    const ns = namespace("Microsoft.EventHub/namespaces", "Standard", {
      defaultAction: "Deny",
      ipRules: [{ ipMask: "203.0.113.0/24", action: "Allow" }],
    });
    expect(check(estateWith(ns), ns.id, publicOrigin("198.51.100.1")).decision).toBe("Deny");
  });
});

describe("semantics §4.5: defaultAction=Allow stores the rules without enforcing them", () => {
  it("admits an unlisted client", () => {
    const ns = namespace("Microsoft.EventHub/namespaces", "Standard", {
      defaultAction: "Allow",
      ipRules: [{ ipMask: "203.0.113.0/24" }],
    });
    expect(check(estateWith(ns), ns.id, publicOrigin("198.51.100.1")).rule).toBe(
      "networkRuleSets/default.defaultAction=Allow",
    );
  });
});

describe("semantics §4.5 tiers: Service Bus rules are Premium only, Event Hubs has none in Basic", () => {
  const rules = { defaultAction: "Deny", virtualNetworkRules: [{ subnet: { id: SUBNET } }] };

  it("a Standard Service Bus namespace ignores its rules", () => {
    const ns = namespace("Microsoft.ServiceBus/namespaces", "Standard", rules);
    expect(check(estateWith(ns), ns.id, publicOrigin("198.51.100.1"))).toMatchObject({
      decision: "Allow",
      rule: "sku=Standard",
    });
  });

  it("a Basic Event Hubs namespace ignores its rules", () => {
    const ns = namespace("Microsoft.EventHub/namespaces", "Basic", rules);
    expect(check(estateWith(ns), ns.id, publicOrigin("198.51.100.1")).decision).toBe("Allow");
  });

  it("a Premium Service Bus namespace enforces them: listed subnet in, neighbour out with 401", () => {
    const ns = namespace("Microsoft.ServiceBus/namespaces", "Premium", rules);
    const estate = estateWith(ns);
    expect(check(estate, ns.id, seOrigin(SUBNET))).toMatchObject({
      decision: "Allow",
      rule: `networkRuleSets/default.virtualNetworkRules[${SUBNET}]`,
    });
    const r = check(estate, ns.id, seOrigin(OTHER), { host: "ns-lab.servicebus.windows.net" });
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response.status).toBe(401);
    expect(r.response.body).toMatch(
      /^<Error><Code>401<\/Code><Detail>Ip has been prevented to connect to the endpoint\./,
    );
    expect(r.response.body).toContain(
      "SystemTracker:ns-lab.servicebus.windows.net, Timestamp:1970-01-01T00:00:00",
    );
  });
});

describe("semantics §4.5: publicNetworkAccess=Disabled admits only private endpoints and trusted services", () => {
  it("refuses a public client on a Standard namespace too", () => {
    const ns = namespace("Microsoft.ServiceBus/namespaces", "Standard", undefined, {
      publicNetworkAccess: "Disabled",
    });
    const estate = estateWith(ns);
    expect(check(estate, ns.id, publicOrigin("198.51.100.1")).rule).toBe("publicNetworkAccess=Disabled");
    expect(check(estate, ns.id, peOrigin()).decision).toBe("Allow");
  });

  it("admits a trusted service when trustedServiceAccessEnabled", () => {
    const ns = namespace("Microsoft.EventHub/namespaces", "Standard", {
      publicNetworkAccess: "Disabled",
      trustedServiceAccessEnabled: true,
    });
    expect(
      check(estateWith(ns), ns.id, publicOrigin("52.1.1.1"), { caller: { trustedService: "AzureServices" } })
        .decision,
    ).toBe("Allow");
  });
});
