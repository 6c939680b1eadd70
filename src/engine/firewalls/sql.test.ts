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

const EAST = subnetId("vnet-east", "snet-data");
const EAST_OTHER = subnetId("vnet-east", "snet-web");
const WEST = subnetId("vnet-west", "snet-data");

const networks = [
  ...network("vnet-east", "eastus", [
    { name: "snet-data", prefix: "10.1.1.0/24", serviceEndpoints: ["Microsoft.Sql"] },
    { name: "snet-web", prefix: "10.1.2.0/24", serviceEndpoints: ["Microsoft.Sql"] },
  ]),
  ...network("vnet-west", "westus", [
    { name: "snet-data", prefix: "10.1.1.0/24", serviceEndpoints: ["Microsoft.Sql"] },
  ]),
];

function fw(name: string, start: string, end = start) {
  return { name, properties: { startIpAddress: start, endIpAddress: end } };
}

function vnetRule(name: string, subnet: string, more: Record<string, unknown> = {}) {
  return { name, properties: { virtualNetworkSubnetId: subnet, ...more } };
}

function server(
  props: Record<string, unknown>,
  type = "Microsoft.Sql/servers",
  extra: Partial<ArmResource> = {},
) {
  return resource(type, "sql-lab", "eastus", props, extra);
}

function estateWith(...rs: ArmResource[]) {
  return estateOf([...networks, ...rs]);
}

describe("semantics §4.2: 0.0.0.0–0.0.0.0 (AllowAllWindowsAzureIps) admits SE-tagged and Azure-origin traffic", () => {
  const srv = server({ firewallRules: [fw("AllowAllWindowsAzureIps", "0.0.0.0")] });
  const estate = estateWith(srv);

  it("admits a service-endpoint subnet with no VNet rule", () => {
    expect(check(estate, srv.id, seOrigin(EAST))).toMatchObject({
      decision: "Allow",
      rule: "firewallRules/AllowAllWindowsAzureIps",
    });
  });

  it("admits an AzureCloud address and an Azure VM without an endpoint", () => {
    expect(check(estate, srv.id, publicOrigin("52.3.4.5")).decision).toBe("Allow");
    expect(check(estate, srv.id, publicOrigin("198.51.100.1", { azureRegion: "westus" })).decision).toBe(
      "Allow",
    );
  });

  it("refuses an internet client with 40615", () => {
    const r = check(estate, srv.id, publicOrigin("198.51.100.1"));
    expect(r.decision).toBe("Deny");
    if (r.decision === "Deny") expect(r.response.code).toBe("40615");
  });
});

describe("semantics §4.2: a VNet rule works only for a subnet in the server's region", () => {
  it("a rule for a westus subnet is ineffective on an eastus server", () => {
    const srv = server({ virtualNetworkRules: [vnetRule("west", WEST)] });
    const r = check(estateWith(srv), srv.id, seOrigin(WEST, "10.1.1.4", "westus"));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("is in westus, not in the server's region eastus");
  });

  it("a rule for an eastus subnet admits it", () => {
    const srv = server({ virtualNetworkRules: [vnetRule("east", EAST)] });
    expect(check(estateWith(srv), srv.id, seOrigin(EAST))).toMatchObject({
      decision: "Allow",
      rule: "virtualNetworkRules/east",
    });
  });
});

describe("semantics §4.2: a VNet rule is in force only when Ready (absent = Ready)", () => {
  it("InProgress grants nothing", () => {
    const srv = server({ virtualNetworkRules: [vnetRule("east", EAST, { state: "InProgress" })] });
    const r = check(estateWith(srv), srv.id, seOrigin(EAST));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("its state is InProgress");
  });

  it("Ready grants access", () => {
    const srv = server({ virtualNetworkRules: [vnetRule("east", EAST, { state: "Ready" })] });
    expect(check(estateWith(srv), srv.id, seOrigin(EAST)).decision).toBe("Allow");
  });
});

describe("semantics §4.2: ignoreMissingVnetServiceEndpoint does nothing until the endpoint is on", () => {
  it("once traffic arrives over the endpoint, the rule admits it", () => {
    const srv = server({
      virtualNetworkRules: [vnetRule("early", EAST, { ignoreMissingVnetServiceEndpoint: true })],
    });
    expect(check(estateWith(srv), srv.id, seOrigin(EAST)).decision).toBe("Allow");
  });

  it("the same subnet's clients seen from their public address are not admitted by it", () => {
    const srv = server({
      virtualNetworkRules: [vnetRule("early", EAST, { ignoreMissingVnetServiceEndpoint: true })],
    });
    expect(check(estateWith(srv), srv.id, publicOrigin("20.9.9.9", { azureRegion: "eastus" })).decision).toBe(
      "Deny",
    );
  });
});

describe("semantics §8: SQL VNet rules from another tenant are ineffective", () => {
  it("refuses a listed subnet of another tenant", () => {
    const foreign = subnetId("vnet-partner", "snet-x", OTHER_SUB);
    const srv = server({ virtualNetworkRules: [vnetRule("partner", foreign)] });
    const estate = estateOf([
      ...networks,
      subscription(SUB, TENANT),
      subscription(OTHER_SUB, OTHER_TENANT),
      ...network("vnet-partner", "eastus", [{ name: "snet-x", prefix: "10.2.0.0/24" }], OTHER_SUB),
      srv,
    ]);
    const r = check(estate, srv.id, seOrigin(foreign));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("another Microsoft Entra tenant");
  });
});

describe("semantics §4.2: server-level IP rules are start–end ranges; 40615 names the server and client", () => {
  const srv = server({ firewallRules: [fw("office", "203.0.113.10", "203.0.113.20")] });
  const estate = estateWith(srv);

  it("admits an address inside the range", () => {
    expect(check(estate, srv.id, publicOrigin("203.0.113.15"))).toMatchObject({
      decision: "Allow",
      rule: "firewallRules/office",
    });
  });

  it("refuses one outside with SQL's 40615 text", () => {
    const r = check(estate, srv.id, publicOrigin("203.0.113.21"));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response.message).toMatch(
      /^Cannot open server 'sql-lab' requested by the login\. Client with IP address '203\.0\.113\.21' is not allowed to access the server\./,
    );
  });

  it("never admits an on-premises client through VNet rules", () => {
    const withRule = server({ virtualNetworkRules: [vnetRule("east", EAST)] });
    const r = check(
      estateWith(withRule),
      withRule.id,
      publicOrigin("198.51.100.4", { fromOnPremises: true }),
    );
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("On-premises traffic cannot use service endpoints");
  });
});

describe("semantics §11 reference example 7 (SQL)", () => {
  it("an SE subnet with no rule and no AllowAzureIps gets 40914", () => {
    const srv = server({ virtualNetworkRules: [vnetRule("east", EAST)] });
    const r = check(estateWith(srv), srv.id, seOrigin(EAST_OTHER));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response.code).toBe("40914");
    expect(r.response.message).toBe(
      "Cannot open server 'sql-lab' requested by the login. Client is not allowed to access the server.",
    );
  });

  it("a public client gets 40615", () => {
    const srv = server({});
    const r = check(estateWith(srv), srv.id, publicOrigin("198.51.100.7"));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response.code).toBe("40615");
  });

  it("publicNetworkAccess=Disabled gives 47073, while a private endpoint still connects", () => {
    const srv = server({
      publicNetworkAccess: "Disabled",
      firewallRules: [fw("AllowAllWindowsAzureIps", "0.0.0.0")],
      virtualNetworkRules: [vnetRule("east", EAST)],
    });
    const estate = estateWith(srv);
    const r = check(estate, srv.id, seOrigin(EAST));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.rule).toBe("publicNetworkAccess=Disabled");
    expect(r.response.code).toBe("47073");
    expect(r.response.message).toContain("The public network interface on this server is not accessible.");
    expect(check(estate, srv.id, peOrigin()).decision).toBe("Allow");
  });
});

describe("semantics §4.2: child rules declared as separate resources are read from the parent", () => {
  it("a separately declared virtualNetworkRules child admits its subnet", () => {
    const srv = server({});
    const child: ArmResource = {
      id: `${srv.id}/virtualNetworkRules/east`,
      name: "east",
      type: "Microsoft.Sql/servers/virtualNetworkRules",
      properties: { virtualNetworkSubnetId: EAST },
    };
    expect(check(estateWith(srv, child), srv.id, seOrigin(EAST)).decision).toBe("Allow");
  });
});

describe("semantics §1.2 R3: PostgreSQL, MySQL and MariaDB single servers share SQL's logic with their own errors", () => {
  it("PostgreSQL refuses with its pg_hba.conf text", () => {
    const pg = server({}, "Microsoft.DBforPostgreSQL/servers", { sku: { tier: "GeneralPurpose" } });
    const r = check(estateWith(pg), pg.id, publicOrigin("198.51.100.7"));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response.message).toBe(
      'FATAL: no pg_hba.conf entry for host "198.51.100.7", user "<user>", database "<database>", SSL on',
    );
  });

  it("MySQL refuses with ERROR 9000 and admits a listed subnet", () => {
    const my = server({ virtualNetworkRules: [vnetRule("east", EAST)] }, "Microsoft.DBforMySQL/servers", {
      sku: { tier: "GeneralPurpose" },
    });
    const estate = estateWith(my);
    expect(check(estate, my.id, seOrigin(EAST)).decision).toBe("Allow");
    const r = check(estate, my.id, publicOrigin("198.51.100.7"));
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.response).toMatchObject({
      code: "9000",
      message: "Client with IP address '198.51.100.7' is not allowed to connect to this MySQL server.",
    });
  });

  it("a Basic-tier MariaDB server has no VNet rules", () => {
    const maria = server(
      { virtualNetworkRules: [vnetRule("east", EAST)] },
      "Microsoft.DBforMariaDB/servers",
      {
        sku: { tier: "Basic" },
      },
    );
    const r = check(estateWith(maria), maria.id, seOrigin(EAST));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("Basic-tier MariaDB servers do not support virtual network rules");
  });
});
