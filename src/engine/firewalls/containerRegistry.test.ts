import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../model/arm.js";
import { check, estateOf, network, publicOrigin, resource, seOrigin, subnetId } from "./testEstate.js";

const SUBNET = subnetId("vnet-aks", "snet-nodes");

function registry(
  tier: string,
  set: Record<string, unknown>,
  more: Record<string, unknown> = {},
): ArmResource {
  return resource(
    "Microsoft.ContainerRegistry/registries",
    "acrlab",
    "eastus",
    { networkRuleSet: set, ...more },
    { sku: { name: tier, tier } },
  );
}

function estateWith(acr: ArmResource) {
  return estateOf([
    ...network("vnet-aks", "eastus", [
      { name: "snet-nodes", prefix: "10.1.1.0/24", serviceEndpoints: ["Microsoft.ContainerRegistry"] },
    ]),
    acr,
  ]);
}

describe("semantics §4.8: Container Registry network rules are a Premium feature", () => {
  it("a Standard registry ignores its rules", () => {
    const acr = registry("Standard", { defaultAction: "Deny", ipRules: [{ value: "203.0.113.0/24" }] });
    expect(check(estateWith(acr), acr.id, publicOrigin("198.51.100.1"))).toMatchObject({
      decision: "Allow",
      rule: "sku",
    });
  });

  it("a Premium registry enforces them and refuses with DENIED", () => {
    const acr = registry("Premium", {
      defaultAction: "Deny",
      ipRules: [{ value: "203.0.113.0/24", action: "Allow" }],
      virtualNetworkRules: [{ id: SUBNET, action: "Allow" }],
    });
    const estate = estateWith(acr);
    expect(check(estate, acr.id, publicOrigin("203.0.113.5")).decision).toBe("Allow");
    expect(check(estate, acr.id, seOrigin(SUBNET)).decision).toBe("Allow");
    const r = check(estate, acr.id, publicOrigin("198.51.100.1"));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response.body).toBe(
      '{"errors":[{"code":"DENIED","message":"client with IP \'198.51.100.1\' is not allowed access. Refer https://aka.ms/acr/firewall to grant access."}]}',
    );
  });
});

describe("semantics §4.8: networkRuleBypassOptions admits trusted services only", () => {
  it("a VM is refused, a trusted service is admitted", () => {
    const acr = registry("Premium", { defaultAction: "Deny" }, { networkRuleBypassOptions: "AzureServices" });
    const estate = estateWith(acr);
    expect(check(estate, acr.id, publicOrigin("52.1.1.1", { azureRegion: "eastus" })).decision).toBe("Deny");
    expect(
      check(estate, acr.id, publicOrigin("52.1.1.1"), { caller: { trustedService: "AzureServices" } }).rule,
    ).toBe("networkRuleBypassOptions=AzureServices");
  });
});
