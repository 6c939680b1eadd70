// Semantics §7: the source-IP switch a service endpoint causes, on-premises clients, the NVA pattern, and
// forced tunnelling.
import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../src/model/arm.js";
import {
  resource,
  routeTable,
  type SubnetSpec,
  siteToSite,
  storageAccount,
  subnetId,
  vm,
  vnet,
  vpnGateway,
} from "../fixtures/arm.js";
import { stage, stagesOf, traceIn } from "./trace.js";

const VM_PIP = "13.82.10.10";
const ONPREM_NAT = "198.51.100.20";
const blob = (name: string) => `https://${name}.blob.core.windows.net/c/b.txt`;
const VAULT = "https://kv-app.vault.azure.net/secrets/s";

/** vnet-app (eastus): snet-app with vm-app, snet-nva with an appliance, and a GatewaySubnet with a VPN gateway. */
function estate(
  opts: {
    app?: Partial<SubnetSpec>;
    nva?: Partial<SubnetSpec>;
    ipForwarding?: boolean;
    learnedRoutes?: string[];
  },
  extra: (snets: { app: string; nva: string }) => ArmResource[],
): ArmResource[] {
  const v = vnet(
    "vnet-app",
    "eastus",
    ["10.0.0.0/16"],
    [
      { name: "snet-app", prefix: "10.0.1.0/24", ...opts.app },
      { name: "snet-nva", prefix: "10.0.3.0/24", ...opts.nva },
      { name: "GatewaySubnet", prefix: "10.0.255.0/27" },
    ],
  );
  const app = subnetId(v, "snet-app");
  const nva = subnetId(v, "snet-nva");
  const gw = vpnGateway("vgw", "eastus", v, opts.learnedRoutes ? { learnedRoutes: opts.learnedRoutes } : {});
  return [
    v,
    ...vm("vm-app", "eastus", app, "10.0.1.4", { publicIp: VM_PIP }),
    ...vm("vm-nva", "eastus", nva, "10.0.3.4", { ipForwarding: opts.ipForwarding ?? true }),
    gw,
    ...siteToSite("branch", "eastus", gw.id, ["192.168.10.0/24"]),
    ...extra({ app, nva }),
  ];
}

describe("§7 the source-IP switch", () => {
  // westus is eastus's pair: inside the Microsoft.Storage scope, and not the VM's region (IP rules apply, R9).
  const account = (vnetRuleFor?: string) =>
    storageAccount("stgwest", "westus", {
      networkAcls: {
        defaultAction: "Deny",
        ipRules: [{ value: VM_PIP, action: "Allow" }],
        virtualNetworkRules: vnetRuleFor ? [{ id: vnetRuleFor, action: "Allow" }] : [],
      },
    });

  it("before the endpoint, the IP rule for the VM's public IP admits it", () => {
    const t = traceIn(
      estate({}, () => [account()]),
      "vm-app",
      blob("stgwest"),
    );
    expect(t.verdict).toBe("Allow");
    expect(t.decidedBy).toMatchObject({ stage: "firewall", rule: `networkAcls.ipRules[${VM_PIP}]` });
    expect(t.sourceIpSeenByService).toBe(VM_PIP);
  });

  it("once Microsoft.Storage is on, the same IP rule stops matching: the service sees the private IP and denies", () => {
    const t = traceIn(
      estate({ app: { serviceEndpoints: ["Microsoft.Storage"] } }, () => [account()]),
      "vm-app",
      blob("stgwest"),
    );
    expect(t.route?.nextHopType).toBe("VirtualNetworkServiceEndpoint");
    expect(t.sourceIpSeenByService).toBe("10.0.1.4");
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy).toMatchObject({ stage: "firewall", rule: "networkAcls.defaultAction=Deny" });
    expect(t.decidedBy.reason).toMatch(/IP rules never match service endpoint traffic/);
    expect(t.response).toMatchObject({ status: 403, code: "AuthorizationFailure" });
  });

  it("the migration order avoids the outage: with the VNet rule added first, enabling the endpoint keeps access", () => {
    const t = traceIn(
      estate({ app: { serviceEndpoints: ["Microsoft.Storage"] } }, ({ app }) => [account(app)]),
      "vm-app",
      blob("stgwest"),
    );
    expect(t.verdict).toBe("Allow");
    expect(t.decidedBy.rule).toContain("virtualNetworkRules");
  });

  it("Key Vault switches the same way when Microsoft.KeyVault is enabled", () => {
    const kv = resource("Microsoft.KeyVault/vaults", "kv-app", "eastus", {
      networkAcls: { defaultAction: "Deny", ipRules: [{ value: VM_PIP }] },
    });
    expect(
      traceIn(
        estate({}, () => [kv]),
        "vm-app",
        VAULT,
      ).verdict,
    ).toBe("Allow");
    const t = traceIn(
      estate({ app: { serviceEndpoints: ["Microsoft.KeyVault"] } }, () => [kv]),
      "vm-app",
      VAULT,
    );
    expect(t.verdict).toBe("Deny");
    expect(t.response).toMatchObject({ status: 403, code: "ForbiddenByFirewall" });
    expect(t.sourceIpSeenByService).toBe("10.0.1.4");
  });

  it("traffic to services without an endpoint keeps the public egress address", () => {
    const kv = resource("Microsoft.KeyVault/vaults", "kv-app", "eastus", {
      networkAcls: { defaultAction: "Allow" },
    });
    const t = traceIn(
      estate({ app: { serviceEndpoints: ["Microsoft.Storage"] } }, () => [kv]),
      "vm-app",
      VAULT,
    );
    expect(t.route?.nextHopType).toBe("Internet");
    expect(t.sourceIpSeenByService).toBe(VM_PIP);
  });
});

describe("§7 on-premises clients never use a service endpoint", () => {
  it("a VNet rule for the gateway VNet's subnet never matches on-premises traffic; an IP rule for the NAT address does", () => {
    const rules =
      (ipRules: string[]) =>
      ({ app }: { app: string }) => [
        storageAccount("stgwest", "westus", {
          networkAcls: {
            defaultAction: "Deny",
            virtualNetworkRules: [{ id: app, action: "Allow" }],
            ipRules: ipRules.map((value) => ({ value, action: "Allow" })),
          },
        }),
      ];
    const se = { app: { serviceEndpoints: ["Microsoft.Storage"] } };
    const t = traceIn(estate(se, rules([])), `onprem:${ONPREM_NAT}`, blob("stgwest"));
    expect(stage(t, "path")?.path).toBe("internet");
    expect(t.route).toBeUndefined();
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy.reason).toMatch(/On-premises clients cannot use service endpoints/);

    const allowed = traceIn(estate(se, rules([ONPREM_NAT])), `onprem:${ONPREM_NAT}`, blob("stgwest"));
    expect(allowed.verdict).toBe("Allow");
    expect(allowed.decidedBy.rule).toBe(`networkAcls.ipRules[${ONPREM_NAT}]`);
  });

  it("SQL: a VNet rule does not apply to VPN traffic; the client gets 40615", () => {
    const t = traceIn(
      estate({ app: { serviceEndpoints: ["Microsoft.Sql"] } }, ({ app }) => [
        resource("Microsoft.Sql/servers", "sql-app", "eastus", {
          virtualNetworkRules: [{ name: "snet-app", properties: { virtualNetworkSubnetId: app } }],
        }),
      ]),
      `onprem:${ONPREM_NAT}`,
      "sql-app.database.windows.net",
    );
    expect(t.verdict).toBe("Deny");
    expect(t.response?.code).toBe("40615");
  });
});

describe("§7 the NVA pattern: UDR to an appliance whose subnet has the endpoint", () => {
  const setup = (opts: { ipForwarding?: boolean; ruleFor?: "app" | "nva" } = {}) => {
    const rt = routeTable("rt-app", "eastus", [
      { name: "default-to-nva", prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.0.3.4" },
    ]);
    return estate(
      {
        app: { routeTable: rt.id },
        nva: { serviceEndpoints: ["Microsoft.Storage"] },
        ...(opts.ipForwarding === false ? { ipForwarding: false } : {}),
      },
      (snets) => [
        rt,
        storageAccount("stgnva", "eastus", {
          networkAcls: {
            defaultAction: "Deny",
            virtualNetworkRules: [{ id: snets[opts.ruleFor ?? "nva"], action: "Allow" }],
          },
        }),
      ],
    );
  };

  it("the VM's traffic goes to the appliance, then over the appliance subnet's endpoint; the account allowing only that subnet admits it", () => {
    const t = traceIn(setup(), "vm-app", blob("stgnva"));
    expect(stagesOf(t, "route").map((r) => r.route.nextHopType)).toEqual([
      "VirtualAppliance",
      "VirtualNetworkServiceEndpoint",
    ]);
    expect(stagesOf(t, "path").map((p) => p.path)).toEqual(["virtualAppliance", "serviceEndpoint"]);
    expect(t.verdict).toBe("Allow");
    expect(t.decidedBy.rule).toContain("snet-nva");
    expect(t.sourceIpSeenByService).toBe("10.0.3.4");
  });

  it("the service sees the appliance's subnet, so a rule for the VM's own subnet does not help", () => {
    const t = traceIn(setup({ ruleFor: "app" }), "vm-app", blob("stgnva"));
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy.stage).toBe("firewall");
  });

  it("an appliance NIC without IP forwarding drops the traffic", () => {
    const t = traceIn(setup({ ipForwarding: false }), "vm-app", blob("stgnva"));
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy).toMatchObject({ stage: "route", rule: "enableIPForwarding=false" });
  });
});

describe("§7/§2.4 forced tunnelling to a gateway", () => {
  const kv = () =>
    resource("Microsoft.KeyVault/vaults", "kv-app", "eastus", {
      networkAcls: { defaultAction: "Deny", ipRules: [{ value: VM_PIP }] },
    });
  const accounts = ({ app }: { app: string }) => [
    kv(),
    storageAccount("stgtunnel", "eastus", {
      networkAcls: { defaultAction: "Deny", virtualNetworkRules: [{ id: app, action: "Allow" }] },
    }),
  ];

  const tunnel = routeTable("rt-tunnel", "eastus", [
    { name: "tunnel", prefix: "0.0.0.0/0", nextHopType: "VirtualNetworkGateway" },
  ]);
  const ways = [
    { how: "a UDR 0.0.0.0/0 to the gateway", app: { routeTable: tunnel.id }, extra: [tunnel] },
    { how: "a BGP-advertised 0.0.0.0/0", learnedRoutes: ["0.0.0.0/0"], extra: [] },
  ];

  for (const w of ways) {
    it(`${w.how} captures traffic to a service without an endpoint, which then leaves from on-premises`, () => {
      const resources = estate(
        {
          app: { ...w.app, serviceEndpoints: ["Microsoft.Storage"] },
          ...(w.learnedRoutes ? { learnedRoutes: w.learnedRoutes } : {}),
        },
        (s) => [...w.extra, ...accounts(s)],
      );
      const t = traceIn(resources, "vm-app", VAULT);
      expect(t.route?.nextHopType).toBe("VirtualNetworkGateway");
      expect(stage(t, "path")?.path).toBe("gateway");
      expect(t.sourceIpSeenByService).toBeUndefined();
      // The vault's IP rule names the VM's public IP, which this traffic no longer uses.
      expect(t.verdict).toBe("Deny");
      expect(t.decidedBy.stage).toBe("firewall");

      // Storage keeps its endpoint: the SE prefixes are longer than 0.0.0.0/0.
      const stg = traceIn(resources, "vm-app", blob("stgtunnel"));
      expect(stg.route?.nextHopType).toBe("VirtualNetworkServiceEndpoint");
      expect(stg.verdict).toBe("Allow");
    });
  }
});
