import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../model/arm.js";
import { check, estateOf, network, publicOrigin, resource, seOrigin, subnetId } from "./testEstate.js";

const SUBNET = subnetId("vnet-data", "snet-etl");
const OTHER = subnetId("vnet-data", "snet-other");
const WEST = subnetId("vnet-west", "snet");

function account(props: Record<string, unknown>): ArmResource {
  return resource("Microsoft.DataLakeStore/accounts", "adlslab", "eastus2", props);
}

function estateWith(acc: ArmResource) {
  return estateOf([
    ...network("vnet-data", "eastus2", [
      { name: "snet-etl", prefix: "10.1.1.0/24", serviceEndpoints: ["Microsoft.AzureActiveDirectory"] },
      { name: "snet-other", prefix: "10.1.2.0/24", serviceEndpoints: ["Microsoft.AzureActiveDirectory"] },
    ]),
    acc,
  ]);
}

describe("Data Lake Gen1: firewallState=Disabled accepts every network", () => {
  it("admits an internet client", () => {
    const acc = account({ firewallState: "Disabled", firewallRules: [] });
    expect(check(estateWith(acc), acc.id, publicOrigin("198.51.100.1")).rule).toBe("firewallState=Disabled");
  });
});

describe("Data Lake Gen1: firewall rules, Azure IPs and VNet rules (Microsoft.AzureActiveDirectory endpoint)", () => {
  const acc = account({
    firewallState: "Enabled",
    firewallAllowAzureIps: "Enabled",
    firewallRules: [
      { name: "office", properties: { startIpAddress: "203.0.113.1", endIpAddress: "203.0.113.9" } },
    ],
    virtualNetworkRules: [{ name: "etl", properties: { subnetId: SUBNET } }],
  });
  const estate = estateWith(acc);

  it("admits a range member, an Azure address and the listed subnet", () => {
    expect(check(estate, acc.id, publicOrigin("203.0.113.5")).rule).toBe("firewallRules/office");
    expect(check(estate, acc.id, publicOrigin("52.1.1.1")).rule).toBe("firewallAllowAzureIps=Enabled");
    expect(check(estate, acc.id, seOrigin(SUBNET, "10.1.1.4", "eastus2")).rule).toBe(
      "virtualNetworkRules/etl",
    );
  });

  it("a rule for a subnet in another region is ineffective (the endpoint is same-region only)", () => {
    const r = check(estate, acc.id, seOrigin(SUBNET, "10.1.1.4", "westus2"));
    expect(r.decision).toBe("Allow");
    const far = account({
      firewallState: "Enabled",
      virtualNetworkRules: [{ name: "w", properties: { subnetId: WEST } }],
    });
    const e2 = estateOf([...network("vnet-west", "westus2", [{ name: "snet", prefix: "10.3.0.0/24" }]), far]);
    const denied = check(e2, far.id, seOrigin(WEST, "10.3.0.4", "westus2"));
    expect(denied.decision).toBe("Deny");
    expect(denied.reason).toContain("not in the account's region");
  });

  it("refuses others with AccessDeniedByFirewall", () => {
    expect(check(estate, acc.id, seOrigin(OTHER, "10.1.2.4", "eastus2")).decision).toBe("Deny");
    const r = check(estate, acc.id, publicOrigin("198.51.100.1"));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response).toMatchObject({
      status: 403,
      code: "AccessDeniedByFirewall",
      message:
        "The client IP '198.51.100.1' is not allowed, meanwhile the request doesn't originate from an allowed virtual network, based on the configuration of the Azure Data Lake account 'adlslab'.",
    });
  });
});
