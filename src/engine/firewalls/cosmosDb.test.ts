import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../model/arm.js";
import {
  check,
  estateOf,
  network,
  OTHER_SUB,
  OTHER_TENANT,
  peOrigin,
  publicOrigin,
  resource,
  SUB,
  seOrigin,
  subnetId,
  subscription,
  TENANT,
} from "./testEstate.js";

const SUBNET = subnetId("vnet-app", "snet-app");
const PEERED = subnetId("vnet-app", "snet-peer");

function account(props: Record<string, unknown>): ArmResource {
  return resource("Microsoft.DocumentDB/databaseAccounts", "cosmos-lab", "eastus", props);
}

function estateWith(acc: ArmResource, extra: ArmResource[] = []) {
  return estateOf([
    ...network("vnet-app", "eastus", [
      { name: "snet-app", prefix: "10.1.1.0/24", serviceEndpoints: ["Microsoft.AzureCosmosDB"] },
      { name: "snet-peer", prefix: "10.1.2.0/24", serviceEndpoints: ["Microsoft.AzureCosmosDB"] },
    ]),
    acc,
    ...extra,
  ]);
}

describe("semantics §4.4: with no IP and no VNet rules any network is accepted", () => {
  it("admits an internet client", () => {
    const acc = account({});
    expect(check(estateWith(acc), acc.id, publicOrigin("198.51.100.1")).decision).toBe("Allow");
  });
});

describe("semantics §4.4: VNet rules need isVirtualNetworkFilterEnabled and the account's tenant", () => {
  it("admits the listed subnet and refuses an unlisted one with the VNET message", () => {
    const acc = account({ isVirtualNetworkFilterEnabled: true, virtualNetworkRules: [{ id: SUBNET }] });
    const estate = estateWith(acc);
    expect(check(estate, acc.id, seOrigin(SUBNET))).toMatchObject({
      decision: "Allow",
      rule: `virtualNetworkRules[${SUBNET}]`,
    });
    const r = check(estate, acc.id, seOrigin(PEERED));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response.message).toBe(
      "Request originated from VNET through service endpoint. This is blocked by your Cosmos DB account firewall settings.",
    );
  });

  it("an endpoint-enabled subnet is refused when only IP rules exist (the §7 migration outage)", () => {
    const acc = account({ ipRules: [{ ipAddressOrRange: "20.40.0.0/16" }] });
    const r = check(estateWith(acc), acc.id, seOrigin(SUBNET));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("isVirtualNetworkFilterEnabled=false");
  });

  it("semantics §8: a listed subnet of another tenant is ineffective", () => {
    const foreign = subnetId("vnet-partner", "snet-x", OTHER_SUB);
    const acc = account({ isVirtualNetworkFilterEnabled: true, virtualNetworkRules: [{ id: foreign }] });
    const estate = estateWith(acc, [
      subscription(SUB, TENANT),
      subscription(OTHER_SUB, OTHER_TENANT),
      ...network("vnet-partner", "eastus", [{ name: "snet-x", prefix: "10.2.0.0/24" }], OTHER_SUB),
    ]);
    const r = check(estate, acc.id, seOrigin(foreign));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("another Microsoft Entra tenant");
  });
});

describe("semantics §4.4: ipRules admit public addresses; 0.0.0.0 means Azure datacenters", () => {
  it("admits a listed range and refuses others with the public-internet message", () => {
    const acc = account({ ipRules: [{ ipAddressOrRange: "203.0.113.0/24" }] });
    const estate = estateWith(acc);
    expect(check(estate, acc.id, publicOrigin("203.0.113.5")).decision).toBe("Allow");
    const r = check(estate, acc.id, publicOrigin("198.51.100.2"));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response.message).toBe(
      "Request originated from IP 198.51.100.2 through public internet. This is blocked by your Cosmos DB account firewall settings. More info: https://aka.ms/cosmosdb-tsg-forbidden",
    );
    expect(JSON.parse(r.response.body ?? "{}")).toEqual({ code: "Forbidden", message: r.response.message });
  });

  it("0.0.0.0 admits Azure addresses only", () => {
    const acc = account({ ipRules: [{ ipAddressOrRange: "0.0.0.0" }] });
    const estate = estateWith(acc);
    expect(check(estate, acc.id, publicOrigin("52.8.8.8"))).toMatchObject({
      decision: "Allow",
      rule: "ipRules[0.0.0.0]",
    });
    expect(check(estate, acc.id, publicOrigin("198.51.100.2")).decision).toBe("Deny");
  });
});

describe("semantics §4.4: publicNetworkAccess=Disabled overrides every rule", () => {
  it("refuses a listed address but not a private endpoint", () => {
    const acc = account({
      publicNetworkAccess: "Disabled",
      ipRules: [{ ipAddressOrRange: "203.0.113.0/24" }],
    });
    const estate = estateWith(acc);
    expect(check(estate, acc.id, publicOrigin("203.0.113.5"))).toMatchObject({
      decision: "Deny",
      rule: "publicNetworkAccess=Disabled",
    });
    expect(check(estate, acc.id, peOrigin()).decision).toBe("Allow");
  });
});
