import { describe, expect, it } from "vitest";
import {
  resource,
  rid,
  serviceEndpointPolicy,
  storageAccount,
  subnetId,
  vnet,
} from "../../../test/fixtures/arm.js";
import { findingsOf } from "../../../test/fixtures/lint.js";
import { compileEstate } from "../../model/compileEstate.js";
import { lintResources } from "./index.js";

const POLICY = rid("rg-net", "Microsoft.Network/serviceEndpointPolicies", "sep1");

describe("VNL003 service endpoints no rule uses (semantics §1, §7)", () => {
  const net = vnet(
    "vnet-app",
    "eastus",
    ["10.1.0.0/16"],
    [{ name: "snet-app", prefix: "10.1.1.0/24", serviceEndpoints: ["Microsoft.KeyVault", "Microsoft.Sql"] }],
  );
  const SUBNET = subnetId(net, "snet-app");

  it("reports an endpoint no resource's virtual network rule names", () => {
    const kv = resource("Microsoft.KeyVault/vaults", "kv1", "eastus", {
      networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: SUBNET }] },
    });
    const found = findingsOf("VNL003", [net, kv]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ resourceId: SUBNET, severity: "note" });
    expect(found[0]!.message).toContain("Microsoft.Sql service endpoint");
  });

  it("counts the endpoint of a subnet with an endpoint policy as used by the policy", () => {
    const withPolicy = vnet(
      "vnet-p",
      "eastus",
      ["10.2.0.0/16"],
      [
        {
          name: "snet-p",
          prefix: "10.2.1.0/24",
          serviceEndpoints: ["Microsoft.Storage"],
          policies: [POLICY],
        },
      ],
    );
    const sep = serviceEndpointPolicy("sep1", "eastus", [
      { name: "d", resources: [rid("rg-data", "Microsoft.Storage/storageAccounts", "stg1")] },
    ]);
    expect(findingsOf("VNL003", [withPolicy, sep])).toEqual([]);
  });
});

describe("VNL006 endpoint policies with only aliases (semantics §5 S4)", () => {
  const net = vnet(
    "vnet-app",
    "eastus",
    ["10.1.0.0/16"],
    [
      {
        name: "snet-app",
        prefix: "10.1.1.0/24",
        serviceEndpoints: ["Microsoft.Storage"],
        policies: [POLICY],
      },
    ],
  );

  it("reports a policy whose definitions list aliases and no storage account", () => {
    const sep = serviceEndpointPolicy("sep1", "eastus", [
      { name: "aliases", service: "Global", resources: ["/services/Azure/Batch"] },
    ]);
    const [f] = findingsOf("VNL006", [net, sep]);
    expect(f).toMatchObject({ resourceId: sep.id, related: [subnetId(net, "snet-app")] });
    expect(f!.message).toContain("/services/Azure/Batch");
    expect(f!.message).toContain("on subnet snet-app of vnet-app");
  });

  it("is silent once a storage account is listed beside the aliases", () => {
    const sep = serviceEndpointPolicy("sep1", "eastus", [
      { name: "aliases", service: "Global", resources: ["/services/Azure/Batch"] },
      { name: "accounts", resources: [storageAccount("stg1", "eastus").id] },
    ]);
    expect(findingsOf("VNL006", [net, sep])).toEqual([]);
  });
});

describe("VNL007 both storage endpoints on one subnet (semantics §1.2 R1)", () => {
  const both = vnet(
    "vnet-app",
    "eastus",
    ["10.1.0.0/16"],
    [
      {
        name: "snet-both",
        prefix: "10.1.1.0/24",
        serviceEndpoints: ["Microsoft.Storage", "Microsoft.Storage.Global"],
      },
      { name: "snet-one", prefix: "10.1.2.0/24", serviceEndpoints: ["Microsoft.Storage.Global"] },
    ],
  );

  it("reports the subnet on the resources as written (ARM, and compileEstate, refuse it)", () => {
    expect(() => compileEstate([both])).toThrow(/both 'Microsoft.Storage' and 'Microsoft.Storage.Global'/);
    const found = lintResources([both]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      ruleId: "VNL007",
      severity: "error",
      resourceId: subnetId(both, "snet-both"),
    });
  });

  it("reads separately declared subnets too, and is silent for one storage endpoint", () => {
    const separate = {
      id: `${both.id}/subnets/snet-sep`,
      name: "vnet-app/snet-sep",
      type: "Microsoft.Network/virtualNetworks/subnets",
      properties: {
        addressPrefix: "10.1.3.0/24",
        serviceEndpoints: [{ service: "microsoft.storage" }, { service: "Microsoft.Storage.Global" }],
      },
    };
    expect(lintResources([separate]).map((f) => f.resourceId)).toEqual([separate.id]);
    const one = vnet(
      "vnet-ok",
      "eastus",
      ["10.9.0.0/16"],
      [{ name: "snet-one", prefix: "10.9.1.0/24", serviceEndpoints: ["Microsoft.Storage"] }],
    );
    expect(lintResources([one, "not a resource", null])).toEqual([]);
  });
});
