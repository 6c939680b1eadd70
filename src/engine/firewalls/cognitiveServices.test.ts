import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../model/arm.js";
import {
  check,
  estateOf,
  network,
  OTHER_SUB,
  OTHER_TENANT,
  publicOrigin,
  resource,
  SUB,
  seOrigin,
  subnetId,
  subscription,
  TENANT,
} from "./testEstate.js";

const SUBNET = subnetId("vnet-app", "snet-app");

function account(acls: Record<string, unknown>, more: Record<string, unknown> = {}): ArmResource {
  return resource("Microsoft.CognitiveServices/accounts", "ai-lab", "eastus", { networkAcls: acls, ...more });
}

function estateWith(acc: ArmResource, extra: ArmResource[] = []) {
  return estateOf([
    ...network("vnet-app", "eastus", [
      { name: "snet-app", prefix: "10.1.1.0/24", serviceEndpoints: ["Microsoft.CognitiveServices"] },
    ]),
    acc,
    ...extra,
  ]);
}

describe("semantics §4.7: rules are ineffective unless defaultAction=Deny", () => {
  it("Allow accepts anyone; Deny refuses with 'Access denied due to Virtual Network/Firewall rules.'", () => {
    const open = account({ defaultAction: "Allow", ipRules: [{ value: "203.0.113.0/24" }] });
    expect(check(estateWith(open), open.id, publicOrigin("198.51.100.1")).decision).toBe("Allow");
    const closed = account({ defaultAction: "Deny", ipRules: [{ value: "203.0.113.0/24" }] });
    const r = check(estateWith(closed), closed.id, publicOrigin("198.51.100.1"));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(JSON.parse(r.response.body ?? "{}")).toEqual({
      error: { code: "403", message: "Access denied due to Virtual Network/Firewall rules." },
    });
  });
});

describe("semantics §4.7: IP rules admit public IPv4; /31 and /32 ranges are unsupported", () => {
  it("a single address matches, its /32 range form does not", () => {
    const acc = account({
      defaultAction: "Deny",
      ipRules: [{ value: "203.0.113.7" }, { value: "198.51.100.7/32" }],
    });
    const estate = estateWith(acc);
    expect(check(estate, acc.id, publicOrigin("203.0.113.7")).decision).toBe("Allow");
    expect(check(estate, acc.id, publicOrigin("198.51.100.7")).decision).toBe("Deny");
  });
});

describe("semantics §4.7 / §8: VNet rules accept subnets of other tenants", () => {
  it("admits a listed foreign subnet", () => {
    const foreign = subnetId("vnet-partner", "snet-x", OTHER_SUB);
    const acc = account({ defaultAction: "Deny", virtualNetworkRules: [{ id: foreign }] });
    const estate = estateWith(acc, [
      subscription(SUB, TENANT),
      subscription(OTHER_SUB, OTHER_TENANT),
      ...network("vnet-partner", "eastus", [{ name: "snet-x", prefix: "10.2.0.0/24" }], OTHER_SUB),
    ]);
    expect(check(estate, acc.id, seOrigin(foreign)).decision).toBe("Allow");
    expect(check(estate, acc.id, seOrigin(SUBNET)).decision).toBe("Deny");
  });
});

describe("semantics §4.7: publicNetworkAccess=Disabled refuses every public path", () => {
  it("refuses a listed subnet", () => {
    const acc = account(
      { defaultAction: "Deny", virtualNetworkRules: [{ id: SUBNET }] },
      { publicNetworkAccess: "Disabled" },
    );
    expect(check(estateWith(acc), acc.id, seOrigin(SUBNET)).rule).toBe("publicNetworkAccess=Disabled");
  });
});
