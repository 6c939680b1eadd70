// Semantics §0: the evaluation pipeline of a flow from a VM to a PaaS resource, seen whole.
import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../src/model/arm.js";
import { ServiceTags } from "../../src/model/serviceTags.js";
import { parseIp } from "../../src/net/index.js";
import {
  nsg,
  resource,
  rid,
  routeTable,
  serviceEndpointPolicy,
  siteToSite,
  storageAccount,
  subnetId,
  vm,
  vnet,
  vpnGateway,
} from "../fixtures/arm.js";
import { stage, stageKinds, stagesOf, traceIn } from "./trace.js";

const BLOB = "https://stgpipeline.blob.core.windows.net/c/b.txt";
const VAULT = "https://kv-pipeline.vault.azure.net/secrets/s";
const VM_PIP = "13.82.10.10";

interface Setup {
  endpoint?: boolean;
  subnetNsg?: string;
  nicNsg?: string;
  routeTable?: string;
  policies?: string[];
  natGateway?: string;
  defaultOutboundAccess?: boolean;
  publicIp?: string | null;
  account?: object;
  extra?: ArmResource[];
}

function estate(s: Setup = {}): ArmResource[] {
  const v = vnet(
    "vnet-app",
    "eastus",
    ["10.0.0.0/16"],
    [
      {
        name: "snet-app",
        prefix: "10.0.1.0/24",
        ...(s.endpoint ? { serviceEndpoints: ["Microsoft.Storage"] } : {}),
        ...(s.subnetNsg ? { nsg: s.subnetNsg } : {}),
        ...(s.routeTable ? { routeTable: s.routeTable } : {}),
        ...(s.policies ? { policies: s.policies } : {}),
        ...(s.natGateway ? { natGateway: s.natGateway } : {}),
        ...(s.defaultOutboundAccess !== undefined ? { defaultOutboundAccess: s.defaultOutboundAccess } : {}),
      },
      { name: "GatewaySubnet", prefix: "10.0.255.0/27" },
    ],
  );
  const snet = subnetId(v, "snet-app");
  const publicIp = s.publicIp === null ? undefined : (s.publicIp ?? VM_PIP);
  return [
    v,
    ...vm("vm-app", "eastus", snet, "10.0.1.4", {
      ...(publicIp ? { publicIp } : {}),
      ...(s.nicNsg ? { nsg: s.nicNsg } : {}),
    }),
    storageAccount(
      "stgpipeline",
      "eastus",
      s.account ?? {
        networkAcls: {
          defaultAction: "Deny",
          virtualNetworkRules: [{ id: snet, action: "Allow" }],
        },
      },
    ),
    resource("Microsoft.KeyVault/vaults", "kv-pipeline", "eastus", {
      networkAcls: { defaultAction: "Allow" },
    }),
    ...(s.extra ?? []),
  ];
}

const openNsg = (name: string) => nsg(name, "eastus", []);
const denyStorage = (name: string) =>
  nsg(name, "eastus", [{ name: "deny-storage", priority: 100, access: "Deny", destination: "Storage" }]);
const nsgId = (name: string) => rid("rg-net", "Microsoft.Network/networkSecurityGroups", name);

describe("§0 stage order", () => {
  it("runs source, DNS, NIC NSG, subnet NSG, route, path, policy and firewall, in that order", () => {
    const policy = serviceEndpointPolicy("sep-app", "eastus", [
      { name: "allow-stg", resources: [rid("rg-data", "Microsoft.Storage/storageAccounts", "stgpipeline")] },
    ]);
    const t = traceIn(
      estate({
        endpoint: true,
        nicNsg: nsgId("nsg-nic"),
        subnetNsg: nsgId("nsg-subnet"),
        policies: [policy.id],
        extra: [openNsg("nsg-nic"), openNsg("nsg-subnet"), policy],
      }),
      "vm-app",
      BLOB,
    );
    expect(stageKinds(t)).toEqual(["source", "dns", "nsg", "nsg", "route", "path", "policy", "firewall"]);
    expect(stagesOf(t, "nsg").map((s) => s.association)).toEqual(["networkInterface", "subnet"]);
    expect(t.verdict).toBe("Allow");
    expect(t.decidedBy.stage).toBe("firewall");
  });

  it("evaluates the NIC NSG before the subnet NSG, and both must allow", () => {
    const nicDenies = traceIn(
      estate({
        endpoint: true,
        nicNsg: nsgId("nsg-nic"),
        subnetNsg: nsgId("nsg-subnet"),
        extra: [denyStorage("nsg-nic"), openNsg("nsg-subnet")],
      }),
      "vm-app",
      BLOB,
    );
    expect(nicDenies.verdict).toBe("Deny");
    expect(nicDenies.decidedBy).toMatchObject({
      stage: "nsg",
      resourceId: nsgId("nsg-nic"),
      rule: "securityRules/deny-storage",
    });

    const subnetDenies = traceIn(
      estate({
        endpoint: true,
        nicNsg: nsgId("nsg-nic"),
        subnetNsg: nsgId("nsg-subnet"),
        extra: [openNsg("nsg-nic"), denyStorage("nsg-subnet")],
      }),
      "vm-app",
      BLOB,
    );
    expect(subnetDenies.verdict).toBe("Deny");
    expect(subnetDenies.decidedBy).toMatchObject({ stage: "nsg", resourceId: nsgId("nsg-subnet") });
    expect(stagesOf(subnetDenies, "nsg").map((s) => s.access)).toEqual(["Allow", "Deny"]);
  });

  it("lets the reply in without an inbound rule: NSGs are stateful", () => {
    const inboundDenyAll = nsg("nsg-subnet", "eastus", [
      { name: "deny-all-in", priority: 100, direction: "Inbound", access: "Deny" },
    ]);
    const t = traceIn(
      estate({ endpoint: true, subnetNsg: inboundDenyAll.id, extra: [inboundDenyAll] }),
      "vm-app",
      BLOB,
    );
    expect(t.verdict).toBe("Allow");
    expect(stagesOf(t, "nsg").every((s) => s.direction === "Outbound")).toBe(true);
  });
});

describe("§0 step 1 / §3.3: service endpoint traffic is subject to the outbound NSGs", () => {
  it("the NSG matches the service's public address: a lock-down that allows Storage.EastUS and denies Internet lets storage through and stops the rest", () => {
    const lockDown = nsg("nsg-subnet", "eastus", [
      {
        name: "allow-storage-eastus",
        priority: 100,
        access: "Allow",
        destination: "Storage.EastUS",
        ports: "443",
      },
      { name: "deny-internet", priority: 200, access: "Deny", destination: "Internet" },
    ]);
    const e = estate({ endpoint: true, subnetNsg: lockDown.id, extra: [lockDown] });
    const stg = traceIn(e, "vm-app", BLOB);
    expect(stg.verdict).toBe("Allow");
    expect(stagesOf(stg, "nsg")[0]).toMatchObject({
      rule: "securityRules/allow-storage-eastus",
      access: "Allow",
    });
    const kv = traceIn(e, "vm-app", VAULT);
    expect(kv.verdict).toBe("Deny");
    expect(kv.decidedBy).toMatchObject({ stage: "nsg", rule: "securityRules/deny-internet" });
  });

  it("under the default rules, AllowInternetOutBound lets service endpoint traffic out", () => {
    const t = traceIn(
      estate({ endpoint: true, subnetNsg: nsgId("nsg-subnet"), extra: [openNsg("nsg-subnet")] }),
      "vm-app",
      BLOB,
    );
    expect(stagesOf(t, "nsg")[0]).toMatchObject({
      rule: "defaultSecurityRules/AllowInternetOutBound",
      access: "Allow",
    });
    expect(t.route?.nextHopType).toBe("VirtualNetworkServiceEndpoint");
  });
});

describe("§0 blockers", () => {
  // The subnet NSG drops storage traffic, and the account would refuse the subnet anyway (no VNet rule).
  const both = () =>
    traceIn(
      estate({
        endpoint: true,
        subnetNsg: nsgId("nsg-subnet"),
        account: { networkAcls: { defaultAction: "Deny" } },
        extra: [denyStorage("nsg-subnet")],
      }),
      "vm-app",
      BLOB,
    );

  it("lists every blocker in path order, and the first one decides", () => {
    const t = both();
    expect(t.verdict).toBe("Deny");
    expect(t.blockers.map((b) => b.stage)).toEqual(["nsg", "firewall"]);
    expect(t.decidedBy).toEqual(t.blockers[0]);
    expect(t.blockers[1]).toMatchObject({ rule: "networkAcls.defaultAction=Deny" });
  });

  it("an NSG drop gives no service response: the client sees a TCP timeout, not the service's 403", () => {
    const t = both();
    expect(t.decidedBy.stage).toBe("nsg");
    expect(t.response).toBeUndefined();
  });

  it("a service refusal alone carries the service's response", () => {
    const t = traceIn(
      estate({ endpoint: true, account: { networkAcls: { defaultAction: "Deny" } } }),
      "vm-app",
      BLOB,
    );
    expect(t.decidedBy.stage).toBe("firewall");
    expect(t.response).toMatchObject({ status: 403, code: "AuthorizationFailure" });
  });
});

describe("§0 step 2: a route with next hop None drops the flow", () => {
  it("a UDR to None for the Storage tag drops storage traffic before any service sees it", () => {
    const rt = routeTable("rt-app", "eastus", [
      { name: "drop-storage", prefix: "Storage", nextHopType: "None" },
    ]);
    const t = traceIn(estate({ routeTable: rt.id, extra: [rt] }), "vm-app", BLOB);
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy).toMatchObject({ stage: "route", rule: "drop-storage" });
    expect(stage(t, "route")).toMatchObject({
      outcome: "block",
      route: { nextHopType: "None", source: "User" },
    });
    expect(stage(t, "path")?.path).toBe("dropped");
    expect(stage(t, "firewall")).toBeUndefined();
    expect(t.response).toBeUndefined();
    expect(t.sourceIpSeenByService).toBeUndefined();
  });

  it("the default None route for 172.16.0.0/12 drops traffic to an address outside the VNet", () => {
    const t = traceIn(estate(), "vm-app", "172.16.5.5:443");
    expect(t.verdict).toBe("Deny");
    expect(t.route).toMatchObject({ addressPrefix: "172.16.0.0/12", nextHopType: "None", source: "Default" });
    expect(t.decidedBy.stage).toBe("route");
  });
});

describe("§0 step 3: the source IP the service sees, per path", () => {
  it("over a service endpoint: the VM's private IP", () => {
    const t = traceIn(estate({ endpoint: true }), "vm-app", BLOB);
    expect(stage(t, "path")?.path).toBe("serviceEndpoint");
    expect(t.sourceIpSeenByService).toBe("10.0.1.4");
  });

  it("over the internet: the instance public IP", () => {
    const t = traceIn(estate(), "vm-app", VAULT);
    expect(t.route?.nextHopType).toBe("Internet");
    expect(stage(t, "path")).toMatchObject({ path: "internet", sourceIpSeenByService: VM_PIP });
    expect(t.sourceIpSeenByService).toBe(VM_PIP);
  });

  it("over the internet with a NAT gateway on the subnet: the NAT gateway's address, not the instance IP", () => {
    const pip = resource(
      "Microsoft.Network/publicIPAddresses",
      "pip-nat",
      "eastus",
      { ipAddress: "20.120.1.1", publicIPAllocationMethod: "Static" },
      { sku: { name: "Standard" } },
      "rg-net",
    );
    const nat = resource(
      "Microsoft.Network/natGateways",
      "nat-app",
      "eastus",
      { publicIpAddresses: [{ id: pip.id }] },
      { sku: { name: "Standard" } },
      "rg-net",
    );
    const t = traceIn(estate({ natGateway: nat.id, extra: [pip, nat] }), "vm-app", VAULT);
    expect(t.sourceIpSeenByService).toBe("20.120.1.1");
  });

  it("over the internet without a public IP: a default outbound address of the VNet's region", () => {
    const t = traceIn(estate({ publicIp: null }), "vm-app", VAULT);
    const seen = t.sourceIpSeenByService;
    expect(seen).toBeDefined();
    const region = ServiceTags.default().regional("AzureCloud", "eastus");
    expect(region?.set.has(parseIp(seen!)!)).toBe(true);
  });

  it("from a private subnet (defaultOutboundAccess=false) without NAT or public IP: no egress at all", () => {
    const t = traceIn(estate({ publicIp: null, defaultOutboundAccess: false }), "vm-app", VAULT);
    expect(t.verdict).toBe("Deny");
    expect(t.decidedBy).toMatchObject({ stage: "route", rule: "defaultOutboundAccess=false" });
    expect(stage(t, "firewall")).toBeUndefined();
  });

  it("to Storage in the VM's own region without an endpoint: an Azure-internal address, not the public IP (§4.1 R9)", () => {
    const t = traceIn(estate({ account: { networkAcls: { defaultAction: "Allow" } } }), "vm-app", BLOB);
    expect(t.route?.nextHopType).toBe("Internet");
    expect(t.verdict).toBe("Allow");
    expect(t.sourceIpSeenByService).not.toBe(VM_PIP);
    expect(t.sourceIpSeenByService).not.toBe("10.0.1.4");
  });

  it("from the internet: the client's own address", () => {
    const t = traceIn(estate(), "internet:198.51.100.7", BLOB);
    expect(stage(t, "path")?.path).toBe("internet");
    expect(t.sourceIpSeenByService).toBe("198.51.100.7");
  });

  it("from on-premises: the site's public NAT address; a private on-premises address is hidden behind NAT", () => {
    const v = estate()[0]!;
    const gw = vpnGateway("vgw", "eastus", v);
    const resources = [...estate(), gw, ...siteToSite("branch", "eastus", gw.id, ["192.168.10.0/24"])];
    expect(traceIn(resources, "onprem:198.51.100.20", VAULT).sourceIpSeenByService).toBe("198.51.100.20");
    const nat = traceIn(resources, "onprem:192.168.10.5", VAULT);
    expect(stage(nat, "path")?.path).toBe("internet");
    expect(nat.sourceIpSeenByService).toBeUndefined();
  });
});
