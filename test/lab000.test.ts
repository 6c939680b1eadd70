// Seed 000's hands-on lab, step by step, with the verdicts the seed states:
// before the endpoint it works; deny-all breaks it; the endpoint alone doesn't fix it; the VNet rule does;
// the internet stays out.
import { describe, expect, it } from "vitest";
import { traceBetween } from "../src/engine/index.js";
import type { ArmResource } from "../src/model/arm.js";
import { compileEstate } from "../src/model/compileEstate.js";
import { storageAccount, subnetId, vm, vnet } from "./fixtures/arm.js";

const URL = "https://stgselab1234.blob.core.windows.net/test/test.txt";

function lab(step: {
  endpoint: boolean;
  defaultAction?: "Allow" | "Deny";
  vnetRule: boolean;
}): ArmResource[] {
  const v = vnet(
    "vnet-lab",
    "uksouth",
    ["10.0.0.0/16"],
    [
      {
        name: "snet-app",
        prefix: "10.0.1.0/24",
        ...(step.endpoint ? { serviceEndpoints: ["Microsoft.Storage"] } : {}),
      },
    ],
    "rg-se-lab",
  );
  const snet = subnetId(v, "snet-app");
  return [
    v,
    ...vm("vm-lab", "uksouth", snet, "10.0.1.4", { rg: "rg-se-lab" }),
    storageAccount(
      "stgselab1234",
      "uksouth",
      {
        networkAcls: {
          defaultAction: step.defaultAction ?? "Allow",
          bypass: "AzureServices",
          ipRules: [],
          virtualNetworkRules: step.vnetRule ? [{ id: snet, action: "Allow" }] : [],
        },
      },
      "rg-se-lab",
    ),
  ];
}

const run = (resources: ArmResource[], from = "vm-lab") => traceBetween(compileEstate(resources), from, URL);

describe("seed 000 lab: service endpoint for storage, step by step", () => {
  it("step 5: before the endpoint, with the account open to all networks, the VM reads the blob", () => {
    const t = run(lab({ endpoint: false, vnetRule: false }));
    expect(t.verdict).toBe("Allow");
    expect(t.route?.nextHopType).toBe("Internet");
    expect(t.decidedBy).toMatchObject({ stage: "firewall", rule: "networkAcls.defaultAction=Allow" });
  });

  it("step 7: with defaultAction Deny and no endpoint, the VM gets 403 AuthorizationFailure", () => {
    const t = run(lab({ endpoint: false, defaultAction: "Deny", vnetRule: false }));
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy.stage).toBe("firewall");
    expect(t.response).toMatchObject({ status: 403, code: "AuthorizationFailure" });
    // Without an endpoint the flow leaves over the internet path with a public source address.
    expect(t.route?.nextHopType).toBe("Internet");
    expect(t.sourceIpSeenByService).not.toBe("10.0.1.4");
  });

  it("step 8: enabling the endpoint alone is not enough: the service now sees the private IP, but no rule names the subnet", () => {
    const t = run(lab({ endpoint: true, defaultAction: "Deny", vnetRule: false }));
    expect(t.verdict).toBe("Deny");
    expect(t.route?.nextHopType).toBe("VirtualNetworkServiceEndpoint");
    expect(t.sourceIpSeenByService).toBe("10.0.1.4");
    expect(t.response?.code).toBe("AuthorizationFailure");
  });

  it("steps 9-10: with the VNet rule for snet-app the VM reads the blob again", () => {
    const t = run(lab({ endpoint: true, defaultAction: "Deny", vnetRule: true }));
    expect(t.verdict).toBe("Allow");
    expect(t.decidedBy.stage).toBe("firewall");
    expect(t.decidedBy.rule).toContain("virtualNetworkRules");
    expect(t.sourceIpSeenByService).toBe("10.0.1.4");
  });

  it("step 11: from the internet the request fails with 403", () => {
    const t = run(lab({ endpoint: true, defaultAction: "Deny", vnetRule: true }), "internet:198.51.100.7");
    expect(t.verdict).toBe("Deny");
    expect(t.response).toMatchObject({ status: 403, code: "AuthorizationFailure" });
    expect(t.sourceIpSeenByService).toBe("198.51.100.7");
  });
});
