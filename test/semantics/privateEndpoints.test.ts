// Semantics §6: private endpoints alongside service endpoints — DNS decides the path, the PE path bypasses the
// service firewall, PE network policies decide whether NSGs apply, and who can reach a PE at all.
import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../src/model/arm.js";
import {
  nsg,
  peer,
  privateDnsZone,
  privateEndpoint,
  resource,
  siteToSite,
  storageAccount,
  subnetId,
  vm,
  vnet,
  vpnGateway,
} from "../fixtures/arm.js";
import { stage, stageKinds, stagesOf, traceIn } from "./trace.js";

const BLOB = "https://stgpe.blob.core.windows.net/c/b.txt";
const PE_IP = "10.0.2.5";

interface Setup {
  /** Which VNets the privatelink.blob zone is linked to: the app VNet (default), the spoke, none. */
  links?: ("app" | "spoke")[];
  /** The zone holds the account's record (default) or only another one. */
  record?: boolean;
  /** The zone's links fall back to public DNS on NXDOMAIN (resolutionPolicy NxDomainRedirect). */
  fallbackToInternet?: boolean;
  peSubnetPolicies?: string;
  peSubnetNsg?: boolean;
  appEndpoint?: boolean;
  status?: "Approved" | "Pending";
  spokeUsesRemoteGateways?: boolean;
  extra?: (app: ArmResource, spoke: ArmResource) => ArmResource[];
}

function estate(s: Setup = {}): ArmResource[] {
  const denyFromApp = nsg("nsg-pe", "eastus", [
    {
      name: "deny-app-in",
      priority: 100,
      direction: "Inbound",
      access: "Deny",
      source: "10.0.1.0/24",
    },
  ]);
  const app = vnet(
    "vnet-app",
    "eastus",
    ["10.0.0.0/16"],
    [
      {
        name: "snet-app",
        prefix: "10.0.1.0/24",
        ...(s.appEndpoint ? { serviceEndpoints: ["Microsoft.Storage"] } : {}),
      },
      {
        name: "snet-pe",
        prefix: "10.0.2.0/24",
        ...(s.peSubnetPolicies ? { privateEndpointNetworkPolicies: s.peSubnetPolicies } : {}),
        ...(s.peSubnetNsg ? { nsg: denyFromApp.id } : {}),
      },
      { name: "GatewaySubnet", prefix: "10.0.255.0/27" },
    ],
  );
  const spoke = vnet(
    "vnet-spoke",
    "eastus",
    ["10.1.0.0/16"],
    [{ name: "snet-spoke", prefix: "10.1.1.0/24" }],
  );
  peer(spoke, app, { aUsesRemoteGateways: s.spokeUsesRemoteGateways, bAllowsGatewayTransit: true });
  const account = storageAccount("stgpe", "eastus", {
    publicNetworkAccess: "Disabled",
    networkAcls: {
      defaultAction: "Deny",
      virtualNetworkRules: [{ id: subnetId(app, "snet-app"), action: "Allow" }],
    },
  });
  const gw = vpnGateway("vgw", "eastus", app);
  const linked = (s.links ?? ["app"]).map((l) => (l === "app" ? app.id : spoke.id));
  return [
    app,
    spoke,
    ...vm("vm-app", "eastus", subnetId(app, "snet-app"), "10.0.1.4", { publicIp: "13.82.10.10" }),
    ...vm("vm-spoke", "eastus", subnetId(spoke, "snet-spoke"), "10.1.1.4"),
    account,
    privateEndpoint("pe-stg", "eastus", subnetId(app, "snet-pe"), account.id, "blob", PE_IP, {
      ...(s.status ? { status: s.status } : {}),
    }),
    privateDnsZone(
      "privatelink.blob.core.windows.net",
      s.record === false ? { other: "10.0.2.9" } : { stgpe: PE_IP },
      linked,
      s.fallbackToInternet ? { resolutionPolicy: "NxDomainRedirect" } : {},
    ),
    denyFromApp,
    gw,
    ...siteToSite("branch", "eastus", gw.id, ["192.168.10.0/24"]),
    ...(s.extra ? s.extra(app, spoke) : []),
  ];
}

describe("§6 DNS chooses the path", () => {
  it("a privatelink zone linked to the VNet answers with the private endpoint's IP", () => {
    const t = traceIn(estate(), "vm-app", BLOB);
    expect(stage(t, "dns")).toMatchObject({
      via: "privateDnsZone",
      answer: PE_IP,
      outcome: "pass",
    });
    expect(stage(t, "dns")?.summary).toContain("stgpe.privatelink.blob.core.windows.net");
    expect(stage(t, "path")?.path).toBe("privateEndpoint");
    expect(t.destination).toMatchObject({ ip: PE_IP, resourceType: "Microsoft.Storage/storageAccounts" });
    expect(t.sourceIpSeenByService).toBe("10.0.1.4");
  });

  it("a linked zone without the record answers NXDOMAIN: the flow stops at the dns stage", () => {
    const t = traceIn(estate({ record: false }), "vm-app", BLOB);
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy).toMatchObject({ stage: "dns", rule: "NXDOMAIN" });
    expect(stage(t, "dns")?.outcome).toBe("block");
    expect(stageKinds(t)).toEqual(["source", "dns"]);
    expect(t.response).toBeUndefined();
  });

  it("a link with fallback to the internet (resolutionPolicy NxDomainRedirect) turns that NXDOMAIN into the public answer", () => {
    const resources = estate({ record: false, fallbackToInternet: true });
    const t = traceIn(resources, "vm-app", BLOB);
    expect(stage(t, "dns")).toMatchObject({ via: "public", outcome: "pass" });
    expect(t.decidedBy.stage).toBe("firewall");
  });

  it("a zone linked only to another VNet does not answer: public DNS gives the public address", () => {
    const t = traceIn(estate({ links: ["spoke"] }), "vm-app", BLOB);
    expect(stage(t, "dns")?.via).toBe("public");
    expect(stage(t, "dns")?.answer).not.toBe(PE_IP);
    expect(stage(t, "path")?.path).not.toBe("privateEndpoint");
    // With public network access disabled, the public path is refused by the account.
    expect(t.decidedBy).toMatchObject({ stage: "firewall", rule: "publicNetworkAccess=Disabled" });
  });

  it("service and private endpoints coexist: the linked zone sends the VM to the PE, without it the SE is used", () => {
    const viaPe = traceIn(estate({ appEndpoint: true }), "vm-app", BLOB);
    expect(stage(viaPe, "path")?.path).toBe("privateEndpoint");
    const viaSe = traceIn(estate({ appEndpoint: true, links: [] }), "vm-app", BLOB);
    expect(stage(viaSe, "path")?.path).toBe("serviceEndpoint");
  });
});

describe("§6 the private endpoint path bypasses the service firewall", () => {
  it("Storage with publicNetworkAccess Disabled and defaultAction Deny is reached through its PE", () => {
    const t = traceIn(estate(), "vm-app", BLOB);
    expect(t.verdict).toBe("Allow");
    expect(t.decidedBy).toMatchObject({ stage: "firewall", rule: "privateEndpoint[pe-stg]" });
  });

  it("secure transfer still applies on the PE path: http:// to the name or to the PE's address gets 400", () => {
    for (const to of [BLOB.replace("https://", "http://"), `http://${PE_IP}/c/b.txt`]) {
      const t = traceIn(estate(), "vm-app", to);
      expect(t.verdict, to).toBe("Deny");
      expect(t.decidedBy, to).toMatchObject({ stage: "firewall", rule: "supportsHttpsTrafficOnly=true" });
      expect(t.response, to).toMatchObject({ status: 400, code: "AccountRequiresHttps" });
    }
    // Without a scheme nothing says the request is plain: taken as TLS, as clients of Azure Storage use.
    expect(traceIn(estate(), "vm-app", `${PE_IP}:443`).verdict).toBe("Allow");
  });

  it("a PE whose connection is not approved carries nothing", () => {
    const t = traceIn(estate({ status: "Pending" }), "vm-app", BLOB);
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy.rule).toBe("privateLinkServiceConnectionState");
  });

  it("App Service access restrictions do not apply to PE traffic", () => {
    const site = resource("Microsoft.Web/sites", "app-pe", "eastus", {
      siteConfig: {
        ipSecurityRestrictions: [
          { name: "office", priority: 100, action: "Allow", ipAddress: "203.0.113.0/24" },
        ],
      },
    });
    const resources = estate({
      extra: (v) => [
        site,
        privateEndpoint("pe-app", "eastus", subnetId(v, "snet-pe"), site.id, "sites", "10.0.2.6"),
        privateDnsZone("privatelink.azurewebsites.net", { "app-pe": "10.0.2.6" }, [v.id]),
      ],
    });
    const t = traceIn(resources, "vm-app", "https://app-pe.azurewebsites.net/");
    expect(stage(t, "path")?.path).toBe("privateEndpoint");
    expect(t.verdict).toBe("Allow");
    expect(t.decidedBy.rule).toBe("privateEndpoint[pe-app]");
    expect(traceIn(resources, "internet:198.51.100.7", "https://app-pe.azurewebsites.net/").verdict).toBe(
      "Deny",
    );
  });

  it("SQL with public network access disabled: the PE connects, the public path gets 47073", () => {
    const sql = resource("Microsoft.Sql/servers", "sql-pe", "eastus", { publicNetworkAccess: "Disabled" });
    const resources = estate({
      extra: (v) => [
        sql,
        privateEndpoint("pe-sql", "eastus", subnetId(v, "snet-pe"), sql.id, "sqlServer", "10.0.2.7"),
        privateDnsZone("privatelink.database.windows.net", { "sql-pe": "10.0.2.7" }, [v.id]),
      ],
    });
    expect(traceIn(resources, "vm-app", "sql-pe.database.windows.net").verdict).toBe("Allow");
    const pub = traceIn(resources, "internet:198.51.100.7", "sql-pe.database.windows.net");
    expect(pub.response?.code).toBe("47073");
  });
});

describe("§6 privateEndpointNetworkPolicies decide whether the PE subnet's NSG applies", () => {
  for (const [policies, applies] of [
    [undefined, false],
    ["Disabled", false],
    ["RouteTableEnabled", false],
    ["Enabled", true],
    ["NetworkSecurityGroupEnabled", true],
  ] as const) {
    it(`${policies ?? "(unset: Disabled)"}: the NSG ${applies ? "applies" : "does not apply"}`, () => {
      const t = traceIn(
        estate({ peSubnetNsg: true, ...(policies ? { peSubnetPolicies: policies } : {}) }),
        "vm-app",
        BLOB,
      );
      const inbound = stagesOf(t, "nsg").filter((s) => s.direction === "Inbound");
      if (applies) {
        expect(inbound).toHaveLength(1);
        expect(t.verdict).toBe("Deny");
        expect(t.decidedBy).toMatchObject({ stage: "nsg", rule: "securityRules/deny-app-in" });
      } else {
        expect(inbound).toHaveLength(0);
        expect(t.verdict).toBe("Allow");
      }
    });
  }
});

describe("§2.2/§6 the private endpoint /32 route", () => {
  it("traffic to the PE from its own VNet takes the InterfaceEndpoint /32 route", () => {
    const t = traceIn(estate(), "vm-app", BLOB);
    expect(t.route).toEqual({
      addressPrefix: `${PE_IP}/32`,
      nextHopType: "InterfaceEndpoint",
      source: "Default",
    });
  });

  it("a peered VNet gets the /32 route too, and reaches the PE when its zone link resolves the name", () => {
    const t = traceIn(estate({ links: ["app", "spoke"] }), "vm-spoke", BLOB);
    expect(t.route).toMatchObject({ addressPrefix: `${PE_IP}/32`, nextHopType: "InterfaceEndpoint" });
    expect(stage(t, "path")?.path).toBe("privateEndpoint");
    expect(t.verdict).toBe("Allow");
    expect(t.sourceIpSeenByService).toBe("10.1.1.4");
  });
});

describe("§6 who can reach a private endpoint from outside Azure", () => {
  it("on-premises reaches the PE's address through the VPN gateway", () => {
    const t = traceIn(estate(), "onprem:192.168.10.5", `${PE_IP}:443`);
    expect(t.route).toMatchObject({ nextHopType: "VirtualNetworkGateway" });
    expect(stage(t, "path")?.path).toBe("privateEndpoint");
    expect(t.verdict).toBe("Allow");
    expect(t.decidedBy.rule).toBe("privateEndpoint[pe-stg]");
    expect(t.sourceIpSeenByService).toBe("192.168.10.5");
  });

  it("on-premises reaches a PE in a spoke only when the spoke uses the hub's gateway", () => {
    const spokePe = (on: boolean) =>
      estate({
        spokeUsesRemoteGateways: on,
        extra: (_app, spoke) => {
          const sql = resource("Microsoft.Sql/servers", "sql-spoke", "eastus", {
            publicNetworkAccess: "Disabled",
          });
          const pe = privateEndpoint(
            "pe-sql-spoke",
            "eastus",
            subnetId(spoke, "snet-spoke"),
            sql.id,
            "sqlServer",
            "10.1.1.10",
          );
          return [sql, pe];
        },
      });
    expect(traceIn(spokePe(true), "onprem:192.168.10.5", "10.1.1.10:1433").verdict).toBe("Allow");
    const t = traceIn(spokePe(false), "onprem:192.168.10.5", "10.1.1.10:1433");
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy.stage).toBe("route");
  });

  it("on-premises resolving the name itself gets the public address (private zones answer only linked VNets)", () => {
    const t = traceIn(estate(), "onprem:192.168.10.5", BLOB);
    expect(stage(t, "dns")?.via).toBe("public");
    expect(t.decidedBy.rule).toBe("publicNetworkAccess=Disabled");
  });

  it("the internet cannot reach a private endpoint address", () => {
    const t = traceIn(estate(), "internet:198.51.100.7", `${PE_IP}:443`);
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy.stage).toBe("route");
    expect(stage(t, "firewall")).toBeUndefined();
  });
});
