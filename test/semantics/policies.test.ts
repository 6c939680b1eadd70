// Semantics §5: service endpoint policies, seen through whole traces from a subnet with a Storage endpoint.
import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../src/model/arm.js";
import {
  OTHER_SUB,
  privateDnsZone,
  privateEndpoint,
  resource,
  ridIn,
  SUB,
  serviceEndpointPolicy,
  siteToSite,
  storageAccount,
  subnetId,
  vm,
  vnet,
  vpnGateway,
} from "../fixtures/arm.js";
import { stage, stageKinds, traceIn } from "./trace.js";

const blob = (name: string) => `https://${name}.blob.core.windows.net/c/b.txt`;
const VM_PIP = "13.82.10.10";

/** The VNet's id, for the subnet ids the accounts and the gateway name before the VNet itself is built. */
const net = { id: ridIn(SUB, "rg-net", "Microsoft.Network/virtualNetworks", "vnet-app") } as ArmResource;
const SNET = subnetId(net, "snet-app");
const OTHER_SNET = subnetId(net, "snet-nopolicy");

/** Every account admits snet-app by VNet rule: only the policy can keep the subnet out. */
const admits = {
  networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: SNET, action: "Allow" }] },
};
const ACCOUNTS = {
  a: storageAccount("stga", "eastus", admits, "rg-data"),
  b: storageAccount("stgb", "eastus", admits, "rg-other"),
  archive: storageAccount("stgarchive", "eastus", admits, "rg-data-archive"),
  otherSub: storageAccount("stgothersub", "eastus", admits, "rg-data", { sub: OTHER_SUB }),
  far: storageAccount("stgfar", "australiaeast", { networkAcls: { defaultAction: "Allow" } }, "rg-data"),
  ragrs: storageAccount("stgragrs", "eastus", admits, "rg-data", { sku: "Standard_RAGRS" }),
};
const idOf = (k: keyof typeof ACCOUNTS) => ACCOUNTS[k].id;

/** snet-app (Microsoft.Storage + Microsoft.KeyVault endpoints) with the given policies, and snet-nopolicy. */
function estate(policies: ArmResource[], extra: ArmResource[] = []): ArmResource[] {
  const v = vnet(
    "vnet-app",
    "eastus",
    ["10.0.0.0/16"],
    [
      {
        name: "snet-app",
        prefix: "10.0.1.0/24",
        serviceEndpoints: ["Microsoft.Storage", "Microsoft.KeyVault"],
        ...(policies.length > 0 ? { policies: policies.map((p) => p.id) } : {}),
      },
      { name: "snet-nopolicy", prefix: "10.0.2.0/24", serviceEndpoints: ["Microsoft.Storage"] },
      { name: "GatewaySubnet", prefix: "10.0.255.0/27" },
    ],
  );
  return [
    v,
    ...vm("vm-app", "eastus", SNET, "10.0.1.4", { publicIp: VM_PIP }),
    ...vm("vm-nopolicy", "eastus", OTHER_SNET, "10.0.2.4"),
    ...Object.values(ACCOUNTS),
    ...policies,
    ...extra,
  ];
}

const policy = (name: string, ...resources: string[]) =>
  serviceEndpointPolicy(name, "eastus", [{ name: `${name}-def`, resources }]);

describe("§5 S1: an allow-list of storage accounts", () => {
  it("without a policy every account is reachable over the endpoint, and no policy stage runs", () => {
    const e = estate([]);
    for (const name of ["stga", "stgb"]) {
      const t = traceIn(e, "vm-app", blob(name));
      expect(t.verdict, name).toBe("Allow");
      expect(stage(t, "path")?.path).toBe("serviceEndpoint");
      expect(stage(t, "policy")).toBeUndefined();
    }
  });

  it("with a policy only the listed account passes; another is denied by the policy even though it admits the subnet", () => {
    const sep = policy("sep-a", idOf("a"));
    const e = estate([sep]);
    const listed = traceIn(e, "vm-app", blob("stga"));
    expect(listed.verdict).toBe("Allow");
    expect(stage(listed, "policy")).toMatchObject({ outcome: "pass", policyIds: [sep.id] });

    const other = traceIn(e, "vm-app", blob("stgb"));
    expect(other.verdict).toBe("Deny");
    expect(other.decidedBy).toMatchObject({ stage: "policy", resourceId: sep.id });
    // The account itself would have let the subnet in.
    expect(stage(other, "firewall")?.result.decision).toBe("Allow");
  });

  it("several policies on one subnet allow the union of their lists", () => {
    const e = estate([policy("sep-a", idOf("a")), policy("sep-b", idOf("b"))]);
    expect(traceIn(e, "vm-app", blob("stga")).verdict).toBe("Allow");
    expect(traceIn(e, "vm-app", blob("stgb")).verdict).toBe("Allow");
    const t = traceIn(e, "vm-app", blob("stgarchive"));
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy.stage).toBe("policy");
  });
});

describe("§5 S2: the scopes a definition may list", () => {
  it("a subscription covers every account in it, and none in another subscription", () => {
    const e = estate([policy("sep-sub", `/subscriptions/${SUB}`)]);
    for (const name of ["stga", "stgb", "stgarchive"])
      expect(traceIn(e, "vm-app", blob(name)).verdict, name).toBe("Allow");
    const t = traceIn(e, "vm-app", blob("stgothersub"));
    expect(t.decidedBy.stage).toBe("policy");
  });

  it("a resource group covers its accounts only (not a group whose name merely starts the same)", () => {
    const e = estate([policy("sep-rg", `/subscriptions/${SUB}/resourceGroups/rg-data`)]);
    expect(traceIn(e, "vm-app", blob("stga")).verdict).toBe("Allow");
    expect(traceIn(e, "vm-app", blob("stgb")).decidedBy.stage).toBe("policy");
    expect(traceIn(e, "vm-app", blob("stgarchive")).decidedBy.stage).toBe("policy");
  });

  it("an account id covers all its services (blob, queue, table, file, dfs), case-insensitively", () => {
    const e = estate([policy("sep-a", idOf("a").toUpperCase())]);
    for (const svc of ["blob", "queue", "table", "file", "dfs"]) {
      const t = traceIn(e, "vm-app", `https://stga.${svc}.core.windows.net/`);
      expect(t.verdict, svc).toBe("Allow");
      expect(stage(t, "policy")?.outcome).toBe("pass");
    }
  });

  it("listed accounts may live in another subscription", () => {
    const e = estate([
      policy("sep-x", ridIn(OTHER_SUB, "rg-data", "Microsoft.Storage/storageAccounts", "stgothersub")),
    ]);
    expect(traceIn(e, "vm-app", blob("stgothersub")).verdict).toBe("Allow");
  });

  it("S5: the RA-GRS secondary endpoint of a listed account is allowed too", () => {
    const e = estate([policy("sep-ragrs", idOf("ragrs"))]);
    const t = traceIn(e, "vm-app", "https://stgragrs-secondary.blob.core.windows.net/c/b.txt");
    expect(stage(t, "policy")?.outcome).toBe("pass");
    expect(t.verdict).toBe("Allow");
  });
});

describe("§5 S4: service aliases alone do not make a policy effective", () => {
  const aliasesOnly = serviceEndpointPolicy("sep-alias", "eastus", [
    { name: "managed", service: "Global", resources: ["/services/Azure/Batch"] },
  ]);

  it("a policy listing only /services/Azure aliases filters nothing", () => {
    const t = traceIn(estate([aliasesOnly]), "vm-app", blob("stgb"));
    expect(t.verdict).toBe("Allow");
    expect(stage(t, "policy")?.outcome).toBe("pass");
  });

  it("once a storage account is listed too, the policy filters", () => {
    const withAccount = serviceEndpointPolicy("sep-alias", "eastus", [
      { name: "managed", service: "Global", resources: ["/services/Azure/Batch"] },
      { name: "mine", resources: [idOf("a")] },
    ]);
    const e = estate([withAccount]);
    expect(traceIn(e, "vm-app", blob("stga")).verdict).toBe("Allow");
    expect(traceIn(e, "vm-app", blob("stgb")).decidedBy.stage).toBe("policy");
  });
});

describe("§5 S5: a policy upgrades the subnet's Storage endpoint to global scope", () => {
  it("without a policy an account in a far region is reached over the internet path", () => {
    const t = traceIn(estate([]), "vm-app", blob("stgfar"));
    expect(t.route?.nextHopType).toBe("Internet");
    expect(t.verdict).toBe("Allow");
  });

  it("with a policy the same account is routed over the endpoint and denied by the policy, not reached over the internet", () => {
    const t = traceIn(estate([policy("sep-a", idOf("a"))]), "vm-app", blob("stgfar"));
    expect(t.route?.nextHopType).toBe("VirtualNetworkServiceEndpoint");
    expect(stage(t, "path")?.path).toBe("serviceEndpoint");
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy.stage).toBe("policy");
  });

  it("a far account that is listed is reached over the endpoint", () => {
    const t = traceIn(estate([policy("sep-far", idOf("far"))]), "vm-app", blob("stgfar"));
    expect(t.route?.nextHopType).toBe("VirtualNetworkServiceEndpoint");
    expect(t.verdict).toBe("Allow");
    expect(t.sourceIpSeenByService).toBe("10.0.1.4");
  });
});

describe("§5 S9: the policy decides before the account's firewall, at network level", () => {
  it("an unlisted account that also refuses the subnet: both blockers are listed, the policy first, with no service response", () => {
    const closed = storageAccount("stgclosed", "eastus", { networkAcls: { defaultAction: "Deny" } });
    const t = traceIn(estate([policy("sep-a", idOf("a"))], [closed]), "vm-app", blob("stgclosed"));
    expect(stageKinds(t).slice(-2)).toEqual(["policy", "firewall"]);
    expect(t.blockers.map((b) => b.stage)).toEqual(["policy", "firewall"]);
    expect(t.decidedBy.stage).toBe("policy");
    expect(t.response).toBeUndefined();
  });
});

describe("§5 S1/S6: what a policy does not filter", () => {
  const e = () => {
    const gw = vpnGateway("vgw", "eastus", net);
    const kv = resource("Microsoft.KeyVault/vaults", "kv-app", "eastus", {
      networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: SNET }] },
    });
    return estate(
      [policy("sep-a", idOf("a"))],
      [gw, kv, ...siteToSite("branch", "eastus", gw.id, ["192.168.10.0/24"])],
    );
  };

  it("traffic to other services over their endpoints (Key Vault)", () => {
    const t = traceIn(e(), "vm-app", "https://kv-app.vault.azure.net/");
    expect(t.route?.nextHopType).toBe("VirtualNetworkServiceEndpoint");
    expect(stage(t, "policy")).toBeUndefined();
    expect(t.verdict).toBe("Allow");
  });

  it("on-premises traffic to an unlisted account", () => {
    const t = traceIn(e(), "onprem:198.51.100.20", blob("stgfar"));
    expect(stage(t, "policy")).toBeUndefined();
    expect(t.verdict).toBe("Allow");
  });

  it("storage traffic to a private endpoint, even of an unlisted account", () => {
    const resources = e();
    const t0 = traceIn(resources, "vm-app", blob("stgb"));
    expect(t0.decidedBy.stage).toBe("policy");
    const withPe = [
      ...resources,
      privateEndpoint("pe-stgb", "eastus", SNET, idOf("b"), "blob", "10.0.1.50"),
      privateDnsZone("privatelink.blob.core.windows.net", { stgb: "10.0.1.50" }, [net.id]),
    ];
    const t = traceIn(withPe, "vm-app", blob("stgb"));
    expect(stage(t, "path")?.path).toBe("privateEndpoint");
    expect(stage(t, "policy")).toBeUndefined();
    expect(t.verdict).toBe("Allow");
  });

  it("traffic from a subnet the policy is not attached to", () => {
    const t = traceIn(e(), "vm-nopolicy", blob("stgb"));
    expect(stage(t, "path")?.path).toBe("serviceEndpoint");
    expect(stage(t, "policy")).toBeUndefined();
  });
});
