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

const SUBNET_A = subnetId("vnet-app", "snet-app");
const SUBNET_B = subnetId("vnet-app", "snet-other");

function account(acls: Record<string, unknown>, more: Record<string, unknown> = {}): ArmResource {
  return resource("Microsoft.Storage/storageAccounts", "stgworkloads", "eastus", {
    networkAcls: acls,
    ...more,
  });
}

function estateWith(stg: ArmResource, extra: ArmResource[] = []) {
  return estateOf([
    ...network("vnet-app", "eastus", [
      { name: "snet-app", prefix: "10.1.1.0/24", serviceEndpoints: ["Microsoft.Storage"] },
      { name: "snet-other", prefix: "10.1.2.0/24", serviceEndpoints: ["Microsoft.Storage"] },
    ]),
    stg,
    ...extra,
  ]);
}

describe("semantics §4.1 R1: network rules have no effect unless defaultAction=Deny", () => {
  it("accepts a client outside every rule while defaultAction=Allow", () => {
    const stg = account({ defaultAction: "Allow", ipRules: [{ value: "203.0.113.7" }] });
    const r = check(estateWith(stg), stg.id, publicOrigin("198.51.100.9"));
    expect(r.decision).toBe("Allow");
    expect(r.rule).toBe("networkAcls.defaultAction=Allow");
    expect(r.reason).toContain("no effect until defaultAction is Deny");
  });

  it("refuses the same client once defaultAction=Deny", () => {
    const stg = account({ defaultAction: "Deny", ipRules: [{ value: "203.0.113.7" }] });
    const r = check(estateWith(stg), stg.id, publicOrigin("198.51.100.9"));
    expect(r.decision).toBe("Deny");
    expect(r.rule).toBe("networkAcls.defaultAction=Deny");
  });
});

describe("semantics §4 universal: a VNet rule matches only service-endpoint traffic from the exact subnet", () => {
  const stg = account({ defaultAction: "Deny", virtualNetworkRules: [{ id: SUBNET_A, action: "Allow" }] });
  const estate = estateWith(stg);

  it("admits the listed subnet and names the rule", () => {
    const r = check(estate, stg.id, seOrigin(SUBNET_A));
    expect(r.decision).toBe("Allow");
    expect(r.rule).toBe(`networkAcls.virtualNetworkRules[${SUBNET_A}]`);
  });

  it("matches subnet ids case-insensitively", () => {
    expect(check(estate, stg.id, seOrigin(SUBNET_A.toUpperCase())).decision).toBe("Allow");
  });

  it("refuses another subnet of the same VNet and says why", () => {
    const r = check(estate, stg.id, seOrigin(SUBNET_B));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("subnet snet-other of vnet-app is not in the account's virtual network rules");
  });
});

describe("semantics §4.1 R8: a rule whose state is NetworkSourceDeleted or Failed grants nothing", () => {
  for (const state of ["NetworkSourceDeleted", "Failed"]) {
    it(`state ${state}`, () => {
      const stg = account({ defaultAction: "Deny", virtualNetworkRules: [{ id: SUBNET_A, state }] });
      const r = check(estateWith(stg), stg.id, seOrigin(SUBNET_A));
      expect(r.decision).toBe("Deny");
      expect(r.reason).toContain(`its state is ${state}`);
    });
  }

  it("state Succeeded (or absent) is in force", () => {
    const stg = account({
      defaultAction: "Deny",
      virtualNetworkRules: [{ id: SUBNET_A, state: "Succeeded" }],
    });
    expect(check(estateWith(stg), stg.id, seOrigin(SUBNET_A)).decision).toBe("Allow");
  });
});

describe("semantics §4.1 R6: a VNet rule also grants the RA-GRS secondary endpoint", () => {
  it("admits the listed subnet on the -secondary host and says so", () => {
    const stg = account({ defaultAction: "Deny", virtualNetworkRules: [{ id: SUBNET_A }] });
    const r = check(estateWith(stg), stg.id, seOrigin(SUBNET_A), {
      host: "stgworkloads-secondary.blob.core.windows.net",
    });
    expect(r.decision).toBe("Allow");
    expect(r.reason).toContain("RA-GRS secondary");
  });
});

describe("semantics §4.1 R7 / §8: Storage accepts subnets of other subscriptions and tenants", () => {
  it("admits a listed subnet in another tenant", () => {
    const foreign = subnetId("vnet-partner", "snet-x", OTHER_SUB);
    const stg = account({ defaultAction: "Deny", virtualNetworkRules: [{ id: foreign }] });
    const estate = estateWith(stg, [
      subscription(SUB, TENANT),
      subscription(OTHER_SUB, OTHER_TENANT),
      ...network("vnet-partner", "eastus", [{ name: "snet-x", prefix: "10.2.0.0/24" }], OTHER_SUB),
    ]);
    expect(check(estate, stg.id, seOrigin(foreign)).decision).toBe("Allow");
  });
});

describe("semantics §4 universal: IP rules never match service-endpoint traffic", () => {
  it("refuses an SE client whose private address falls in no rule, even with IP rules present", () => {
    const stg = account({ defaultAction: "Deny", ipRules: [{ value: "203.0.113.0/24" }] });
    const r = check(estateWith(stg), stg.id, seOrigin(SUBNET_A));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("IP rules never match service endpoint traffic");
  });
});

describe("semantics §4.1 R3: RFC 1918 values and /31-/32 ranges never match", () => {
  it("a /32 range is ignored while the single-address form matches", () => {
    const ranged = account({ defaultAction: "Deny", ipRules: [{ value: "203.0.113.7/32" }] });
    const r = check(estateWith(ranged), ranged.id, publicOrigin("203.0.113.7"));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("/32 ranges are not supported");
    const single = account({ defaultAction: "Deny", ipRules: [{ value: "203.0.113.7" }] });
    const ok = check(estateWith(single), single.id, publicOrigin("203.0.113.7"));
    expect(ok.decision).toBe("Allow");
    expect(ok.rule).toBe("networkAcls.ipRules[203.0.113.7]");
  });

  it("a private range never matches", () => {
    const stg = account({ defaultAction: "Deny", ipRules: [{ value: "10.0.0.0/8" }] });
    const r = check(estateWith(stg), stg.id, publicOrigin("10.1.1.4"));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("RFC 1918");
  });
});

describe("semantics §4.1 R9: IP rules have no effect on clients in the account's own region", () => {
  const stg = account({ defaultAction: "Deny", ipRules: [{ value: "20.10.0.0/16" }] });
  const estate = estateWith(stg);

  it("refuses a same-region Azure VM although its public IP is listed", () => {
    const r = check(estate, stg.id, publicOrigin("20.10.0.5", { azureRegion: "eastus" }));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("where IP rules have no effect");
  });

  it("admits the same address from the paired region (only SE-enabled VNets there are exempt)", () => {
    expect(check(estate, stg.id, publicOrigin("20.10.0.5", { azureRegion: "westus" })).decision).toBe(
      "Allow",
    );
  });

  it("follows the primary location after a failover", () => {
    const failedOver = account(
      { defaultAction: "Deny", ipRules: [{ value: "20.10.0.0/16" }] },
      { primaryLocation: "westus" },
    );
    const e = estateWith(failedOver);
    expect(check(e, failedOver.id, publicOrigin("20.10.0.5", { azureRegion: "eastus" })).decision).toBe(
      "Allow",
    );
    expect(check(e, failedOver.id, publicOrigin("20.10.0.5", { azureRegion: "westus" })).decision).toBe(
      "Deny",
    );
  });
});

describe("semantics §4.1 R11: trusted-service exceptions — a flow from a VM never qualifies", () => {
  const stg = account({ defaultAction: "Deny", bypass: "AzureServices, Logging" });
  const estate = estateWith(stg);

  it("refuses a VM and explains that exceptions need a service's own identity", () => {
    const r = check(estate, stg.id, publicOrigin("52.1.2.3", { azureRegion: "westus" }));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("never a flow from a VM");
  });

  it("admits a trusted service caller through bypass", () => {
    const r = check(estate, stg.id, publicOrigin("52.1.2.3"), {
      caller: { trustedService: "AzureServices" },
    });
    expect(r).toMatchObject({ decision: "Allow", rule: "networkAcls.bypass=AzureServices" });
  });

  it("refuses a Metrics caller when bypass does not list Metrics", () => {
    const r = check(estate, stg.id, publicOrigin("52.1.2.3"), { caller: { trustedService: "Metrics" } });
    expect(r.decision).toBe("Deny");
  });

  it("exceptions stay in effect when public network access is Disabled", () => {
    const closed = account(
      { defaultAction: "Deny", bypass: "AzureServices" },
      { publicNetworkAccess: "Disabled" },
    );
    const r = check(estateWith(closed), closed.id, publicOrigin("52.1.2.3"), {
      caller: { trustedService: "AzureServices" },
    });
    expect(r.decision).toBe("Allow");
  });
});

describe("semantics §4.1 R10: resource-instance rules admit only resources of the account's tenant", () => {
  const workspace = `/subscriptions/${SUB}/resourceGroups/rg-lab/providers/Microsoft.Synapse/workspaces/syn1`;
  const foreign = `/subscriptions/${OTHER_SUB}/resourceGroups/rg-x/providers/Microsoft.Synapse/workspaces/syn2`;
  const stg = account({
    defaultAction: "Deny",
    bypass: "None",
    resourceAccessRules: [
      { tenantId: TENANT, resourceId: workspace },
      {
        tenantId: OTHER_TENANT,
        resourceId: `/subscriptions/${OTHER_SUB}/resourceGroups/*/providers/Microsoft.Synapse/workspaces/*`,
      },
    ],
  });
  const estate = estateWith(stg, [subscription(SUB, TENANT), subscription(OTHER_SUB, OTHER_TENANT)]);

  it("admits the listed instance", () => {
    const r = check(estate, stg.id, publicOrigin("52.1.2.3"), { caller: { resourceId: workspace } });
    expect(r).toMatchObject({ decision: "Allow", rule: `networkAcls.resourceAccessRules[${workspace}]` });
  });

  it("refuses a wildcard-matched instance of another tenant", () => {
    const r = check(estate, stg.id, publicOrigin("52.1.2.3"), { caller: { resourceId: foreign } });
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("another tenant");
  });
});

describe("semantics §4.1 evaluation: publicNetworkAccess=Disabled admits only private endpoints", () => {
  const stg = account(
    { defaultAction: "Allow", virtualNetworkRules: [{ id: SUBNET_A }] },
    { publicNetworkAccess: "Disabled" },
  );
  const estate = estateWith(stg);

  it("refuses even a listed subnet", () => {
    const r = check(estate, stg.id, seOrigin(SUBNET_A));
    expect(r).toMatchObject({ decision: "Deny", rule: "publicNetworkAccess=Disabled" });
  });

  it("semantics §6: private endpoint traffic bypasses every rule", () => {
    const r = check(estate, stg.id, peOrigin("pe-stg"));
    expect(r).toMatchObject({ decision: "Allow", rule: "privateEndpoint[pe-stg]" });
  });
});

describe("semantics §4.1 deny response: 403 AuthorizationFailure with Azure's XML body", () => {
  it("carries the request id and time it is given, the BOM, and x-ms-error-code", () => {
    const stg = account({ defaultAction: "Deny" });
    const r = check(estateWith(stg), stg.id, publicOrigin("198.51.100.9"), {
      requestId: "ad7a75b2-201e-0032-20d4-23e8a6000000",
      time: new Date("2026-08-04T05:48:03.010Z"),
    });
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response.status).toBe(403);
    expect(r.response.code).toBe("AuthorizationFailure");
    expect(r.response.headers?.["x-ms-error-code"]).toBe("AuthorizationFailure");
    expect(r.response.body).toBe(
      '\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationFailure</Code><Message>This request is not authorized to perform this operation.\nRequestId:ad7a75b2-201e-0032-20d4-23e8a6000000\nTime:2026-08-04T05:48:03.0100000Z</Message></Error>',
    );
    // [OBS S9] the real response for this shape is 246 bytes long
    expect(r.response.headers?.["content-length"]).toBe("246");
  });
});

describe("semantics §11 reference examples 1 and 2 (Storage)", () => {
  const vmPublicIp = "20.50.1.10";

  it("1: a same-region VM without a service endpoint is refused although its public IP is listed", () => {
    const stg = account({ defaultAction: "Deny", ipRules: [{ value: vmPublicIp }] });
    const r = check(estateWith(stg), stg.id, publicOrigin(vmPublicIp, { azureRegion: "eastus" }));
    expect(r.decision).toBe("Deny");
    if (r.decision === "Deny") expect(r.response.code).toBe("AuthorizationFailure");
  });

  it("2: with the Storage endpoint on A and a VNet rule for A it is allowed; without the rule, 403", () => {
    const withRule = account({
      defaultAction: "Deny",
      ipRules: [{ value: vmPublicIp }],
      virtualNetworkRules: [{ id: SUBNET_A }],
    });
    expect(check(estateWith(withRule), withRule.id, seOrigin(SUBNET_A)).decision).toBe("Allow");
    const without = account({ defaultAction: "Deny", ipRules: [{ value: vmPublicIp }] });
    const r = check(estateWith(without), without.id, seOrigin(SUBNET_A));
    expect(r.decision).toBe("Deny");
    if (r.decision === "Deny") expect(r.response.status).toBe(403);
  });
});
