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
const OTHER = subnetId("vnet-app", "snet-other");

function vault(acls: Record<string, unknown> | undefined, more: Record<string, unknown> = {}): ArmResource {
  return resource("Microsoft.KeyVault/vaults", "kv-lab", "eastus", {
    ...(acls ? { networkAcls: acls } : {}),
    ...more,
  });
}

function estateWith(kv: ArmResource, extra: ArmResource[] = []) {
  return estateOf([
    ...network("vnet-app", "eastus", [
      { name: "snet-app", prefix: "10.1.1.0/24", serviceEndpoints: ["Microsoft.KeyVault"] },
      { name: "snet-other", prefix: "10.1.2.0/24", serviceEndpoints: ["Microsoft.KeyVault"] },
    ]),
    kv,
    ...extra,
  ]);
}

describe("semantics §4.3: the vault firewall is off unless defaultAction=Deny", () => {
  it("a vault without networkAcls accepts any network", () => {
    const kv = vault(undefined);
    expect(check(estateWith(kv), kv.id, publicOrigin("198.51.100.1"))).toMatchObject({
      decision: "Allow",
      rule: "networkAcls.defaultAction=Allow",
    });
  });

  it("defaultAction=Deny refuses an unlisted client with ForbiddenByFirewall", () => {
    const kv = vault({ defaultAction: "Deny", bypass: "None" });
    const r = check(estateWith(kv), kv.id, publicOrigin("198.51.100.1"));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response.status).toBe(403);
    const body = JSON.parse(r.response.body ?? "{}");
    expect(body.error.code).toBe("Forbidden");
    expect(body.error.innererror.code).toBe("ForbiddenByFirewall");
    expect(body.error.message).toContain("Client address: 198.51.100.1\r\n");
    expect(body.error.message).toContain("Vault: kv-lab;location=eastus");
  });
});

describe("semantics §4.3: VNet rules admit only their subnet, from any tenant", () => {
  it("admits the listed subnet and refuses its neighbour", () => {
    const kv = vault({ defaultAction: "Deny", virtualNetworkRules: [{ id: SUBNET }] });
    const estate = estateWith(kv);
    expect(check(estate, kv.id, seOrigin(SUBNET)).decision).toBe("Allow");
    const r = check(estate, kv.id, seOrigin(OTHER));
    expect(r.decision).toBe("Deny");
    if (r.decision === "Deny") expect(r.response.message).toContain("from unknown subnet");
  });

  it("semantics §8: admits a listed subnet of another tenant", () => {
    const foreign = subnetId("vnet-partner", "snet-x", OTHER_SUB);
    const kv = vault({ defaultAction: "Deny", virtualNetworkRules: [{ id: foreign }] });
    const estate = estateWith(kv, [
      subscription(SUB, TENANT),
      subscription(OTHER_SUB, OTHER_TENANT),
      ...network("vnet-partner", "eastus", [{ name: "snet-x", prefix: "10.2.0.0/24" }], OTHER_SUB),
    ]);
    expect(check(estate, kv.id, seOrigin(foreign)).decision).toBe("Allow");
  });
});

describe("semantics §4.3: IP rules are public IPv4 only and never match service-endpoint traffic", () => {
  const kv = vault({
    defaultAction: "Deny",
    ipRules: [{ value: "203.0.113.0/24" }, { value: "10.1.0.0/16" }],
  });
  const estate = estateWith(kv);

  it("admits a listed public address", () => {
    expect(check(estate, kv.id, publicOrigin("203.0.113.9"))).toMatchObject({
      decision: "Allow",
      rule: "networkAcls.ipRules[203.0.113.0/24]",
    });
  });

  it("an RFC 1918 rule never admits the subnet's private source", () => {
    const r = check(estate, kv.id, seOrigin(SUBNET, "10.1.1.4"));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("IP rules never match service endpoint traffic");
  });
});

describe("semantics §4.3: bypass=AzureServices admits trusted services, never a VM flow", () => {
  const kv = vault({ defaultAction: "Deny", bypass: "AzureServices" });
  const estate = estateWith(kv);

  it("refuses a VM and explains why the exception does not apply", () => {
    const r = check(estate, kv.id, publicOrigin("52.9.9.9", { azureRegion: "eastus" }));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("never a flow from a VM");
  });

  it("admits a trusted service", () => {
    expect(
      check(estate, kv.id, publicOrigin("52.9.9.9"), { caller: { trustedService: "AzureServices" } }),
    ).toMatchObject({
      decision: "Allow",
      rule: "networkAcls.bypass=AzureServices",
    });
  });
});

describe("semantics §4.3: publicNetworkAccess=Disabled answers ForbiddenByConnection", () => {
  const kv = vault({ defaultAction: "Allow", bypass: "AzureServices" }, { publicNetworkAccess: "Disabled" });
  const estate = estateWith(kv);

  it("refuses public and service-endpoint clients alike", () => {
    for (const origin of [publicOrigin("198.51.100.1"), seOrigin(SUBNET)]) {
      const r = check(estate, kv.id, origin);
      if (r.decision !== "Deny") throw new Error("expected a denial");
      expect(r.rule).toBe("publicNetworkAccess=Disabled");
      expect(JSON.parse(r.response.body ?? "{}").error.innererror.code).toBe("ForbiddenByConnection");
    }
  });

  it("still admits trusted services (bypass) and private endpoints", () => {
    expect(
      check(estate, kv.id, publicOrigin("52.1.1.1"), { caller: { trustedService: "AzureServices" } })
        .decision,
    ).toBe("Allow");
    expect(check(estate, kv.id, peOrigin()).decision).toBe("Allow");
  });
});
