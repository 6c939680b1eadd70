// Azure Virtual Network Manager's verifier on the seed-000 lab (preloaded): a network manager, a verifier
// workspace, reachability analysis intents and runs, the runs computed by the engine — through plain HTTPS and
// through the real @azure/arm-network client. (Refusals: networkVerifier.refusals.test.ts.)
import { NetworkManagementClient } from "@azure/arm-network";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credential, type Harness } from "./harness.js";
import { http, put, rejects } from "./networkFixture.js";
import {
  API,
  hops,
  intentBody,
  intentId,
  NM,
  RG,
  resultOf,
  runId,
  SNET_APP,
  SQL,
  STG,
  SUB,
  SUB_ID,
  traffic,
  verifierLab,
  VM,
  WS,
} from "./verifierFixture.js";

let h: Harness;
beforeAll(async () => {
  h = await verifierLab();
});
afterAll(async () => h.close());

describe("network manager and verifier workspace (raw HTTPS)", () => {
  it("a network manager keeps its scope, fills resourceGuid and provisioningState", async () => {
    const r = await http(h, "GET", NM, undefined, API);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      name: "nm-lab",
      type: "Microsoft.Network/networkManagers",
      location: "uksouth",
      properties: {
        networkManagerScopes: { subscriptions: [SUB], managementGroups: [], crossTenantScopes: [] },
        provisioningState: "Succeeded",
        resourceGuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
  });

  it("PATCH updates a workspace's tags and description; the list shows it", async () => {
    const r = await http(h, "PATCH", WS, { tags: { team: "net" }, properties: { description: "v2" } }, API);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      tags: { team: "net" },
      properties: { description: "v2", provisioningState: "Succeeded" },
    });
    const list = await http(h, "GET", `${NM}/verifierWorkspaces`, undefined, API);
    expect((list.body as { value: { id: string }[] }).value.map((w) => w.id)).toEqual([WS]);
  });
});

describe("reachability analysis on the seed lab (raw HTTPS)", () => {
  it("an intent is stored as written, with provisioningState", async () => {
    const r = await http(h, "PUT", intentId("app-to-storage"), intentBody(VM("vm-app"), STG, "443"), API);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      type: "Microsoft.Network/networkManagers/verifierWorkspaces/reachabilityAnalysisIntents",
      properties: {
        sourceResourceId: VM("vm-app"),
        destinationResourceId: STG,
        ipTraffic: traffic("443"),
        provisioningState: "Succeeded",
      },
    });
  });

  it("vm-app → stgworkloads:443 reaches: AllPacketsReached, the NSG rule and the storage firewall rule", async () => {
    const r = await http(
      h,
      "PUT",
      runId("run-storage"),
      { properties: { intentId: intentId("app-to-storage") } },
      API,
    );
    expect(r.status).toBe(201);
    const run = r.body as { properties: Record<string, unknown> };
    expect(run.properties).toMatchObject({
      intentId: intentId("app-to-storage"),
      intentContent: {
        sourceResourceId: VM("vm-app"),
        destinationResourceId: STG,
        ipTraffic: traffic("443"),
      },
      errorMessage: "",
      provisioningState: "Succeeded",
    });
    const result = resultOf(run);
    expect(result.resultOutcome).toBe("AllPacketsReached");
    expect(result.unreachedTrace).toBeUndefined();
    expect(result.vnetlab).toMatchObject({
      verdict: "Allow",
      decidedBy: { stage: "firewall", resourceId: STG },
    });
    const path = hops(result.reachedTrace);
    expect(path[0]).toMatchObject({
      name: "vm-app",
      resourceType: "Microsoft.Compute/virtualMachines",
      packet: { sourceAddress: "10.0.1.4", destinationPort: "443", protocol: "TCP" },
      explanation: { explanationCode: "MATCHED_NETWORK_INTERFACE_IP_SOURCE" },
    });
    expect(path.map((x) => x.explanation.explanationCode)).toEqual([
      "MATCHED_NETWORK_INTERFACE_IP_SOURCE",
      "MATCHED_NETWORK_INTERFACE_IP_SOURCE",
      "RESOLVED_BY_PUBLIC_DNS",
      "MATCHED_NETWORK_SECURITY_RULE",
      "MATCHED_SYSTEM_ROUTE",
      "MATCHED_SERVICE_ENDPOINT",
      "MATCHED_SERVICE_ENDPOINT_POLICY",
      "MATCHED_SERVICE_FIREWALL_RULE",
    ]);
    expect(path[3]!.explanation.matchedSecurityRule).toMatchObject({
      name: "securityRules/Allow-Storage-Outbound",
      action: "Allow",
      destinationAddress: "Storage",
      destinationPort: "443",
    });
    expect(path.at(-1)).toMatchObject({ name: "stgworkloads", resourceId: STG });
  });

  it("vm-web → sql-workloads:1433 does not: NoPacketsReached, denied by the SQL firewall (40615)", async () => {
    await put(h, intentId("web-to-sql"), intentBody(VM("vm-web"), SQL, "1433"), API);
    const r = await http(
      h,
      "PUT",
      runId("run-sql"),
      { properties: { intentId: intentId("web-to-sql"), description: "sql" } },
      API,
    );
    expect(r.status).toBe(201);
    const result = resultOf(r.body as { properties: unknown });
    expect(result.resultOutcome).toBe("NoPacketsReached");
    expect(result.reachedTrace).toBeUndefined();
    expect(result.vnetlab).toMatchObject({
      verdict: "Deny",
      decidedBy: { stage: "firewall", resourceId: SQL, rule: "firewallRules" },
    });
    const last = hops(result.unreachedTrace).at(-1)!;
    expect(last).toMatchObject({
      name: "sql-workloads",
      resourceType: "Microsoft.Sql/servers",
      packet: { sourceAddress: "51.140.10.20", destinationPort: "1433" },
      explanation: {
        explanationCode: "DENIED_BY_SERVICE_FIREWALL",
        matchedFirewallRule: { action: "Deny", serviceResponse: { code: "40615" } },
      },
    });
  });

  it("GET and list answer what the PUT stored; several ports or protocols make SomePacketsReached", async () => {
    const got = await http(h, "GET", runId("run-sql"), undefined, API);
    expect(got.status).toBe(200);
    expect((got.body as { properties: { description: string } }).properties.description).toBe("sql");
    const runs = await http(h, "GET", `${WS}/reachabilityAnalysisRuns`, undefined, API);
    expect((runs.body as { value: unknown[] }).value).toHaveLength(2);
    // The subnet as source (any VM in snet-app), Storage on 443 (allowed by nsg-app) and 80 (denied by it).
    await put(
      h,
      intentId("subnet-to-storage"),
      intentBody(SNET_APP, STG, "443", { ipTraffic: { ...traffic("443"), destinationPorts: ["443", "80"] } }),
      API,
    );
    const run = await put(
      h,
      runId("run-ports"),
      { properties: { intentId: intentId("subnet-to-storage") } },
      API,
    );
    const result = resultOf(run);
    expect(result.resultOutcome).toBe("SomePacketsReached");
    expect(
      hops(result.unreachedTrace).some(
        (x) =>
          x.explanation.explanationCode === "MATCHED_NETWORK_SECURITY_RULE" &&
          x.packet.destinationPort === "80",
      ),
    ).toBe(true);
    const intents = await http(h, "GET", `${WS}/reachabilityAnalysisIntents`, undefined, API);
    expect((intents.body as { value: unknown[] }).value).toHaveLength(3);
  });

  it("a run whose intent no longer resolves is stored Failed with its errorMessage", async () => {
    const nic = `${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkInterfaces/nic-temp`;
    await put(
      h,
      nic,
      {
        location: "uksouth",
        properties: { ipConfigurations: [{ name: "ipconfig1", properties: { subnet: { id: SNET_APP } } }] },
      },
      "2024-05-01",
    );
    await put(h, intentId("temp-to-storage"), intentBody(nic, STG, "443"), API);
    expect((await http(h, "DELETE", nic, undefined, "2024-05-01")).status).toBeLessThan(300);
    const run = await put(
      h,
      runId("run-temp"),
      { properties: { intentId: intentId("temp-to-storage") } },
      API,
    );
    expect(run.properties).toMatchObject({
      provisioningState: "Failed",
      analysisResult: "",
      errorMessage: expect.stringContaining("nic-temp"),
    });
  });

  it("DELETE of the workspace answers 202 with a Location and takes its intents and runs with it", async () => {
    const r = await http(h, "DELETE", WS, undefined, API);
    expect(r.status).toBe(202);
    expect(r.headers.location).toMatch(/\/providers\/Microsoft\.Network\/locations\/uksouth\/operations\//);
    expect((await http(h, "GET", runId("run-sql"), undefined, API)).status).toBe(404);
    expect((await http(h, "GET", intentId("web-to-sql"), undefined, API)).status).toBe(404);
    const left = (await h.store.list()).filter((x) => x.id.toLowerCase().startsWith(`${WS.toLowerCase()}/`));
    expect(left).toEqual([]);
    expect((await http(h, "DELETE", WS, undefined, API)).status).toBe(204);
  });
});

describe("through @azure/arm-network (v36, api-version 2025-05-01)", () => {
  let net: NetworkManagementClient;
  beforeAll(() => {
    net = new NetworkManagementClient(credential, SUB_ID, h.clientOptions);
  });

  it("creates a manager, a workspace, two intents and two runs, and reads the verdicts back", async () => {
    const nm = await net.networkManagers.createOrUpdate(RG, "nm-sdk", {
      location: "uksouth",
      networkManagerScopes: { subscriptions: [SUB] },
      networkManagerScopeAccesses: ["SecurityAdmin", "Connectivity"],
    });
    expect(nm).toMatchObject({
      provisioningState: "Succeeded",
      networkManagerScopeAccesses: ["SecurityAdmin", "Connectivity"],
    });
    await net.verifierWorkspaces.create(RG, "nm-sdk", "ws", {
      location: "uksouth",
      properties: { description: "sdk" },
    });
    const ws = await net.verifierWorkspaces.update(RG, "nm-sdk", "ws", { body: { tags: { via: "sdk" } } });
    expect(ws).toMatchObject({
      tags: { via: "sdk" },
      properties: { description: "sdk", provisioningState: "Succeeded" },
    });
    const cases = [
      {
        name: "app-to-storage",
        source: "vm-app",
        destination: STG,
        port: "443",
        outcome: "AllPacketsReached",
      },
      { name: "web-to-sql", source: "vm-web", destination: SQL, port: "1433", outcome: "NoPacketsReached" },
    ];
    for (const c of cases) {
      const intent = await net.reachabilityAnalysisIntents.create(RG, "nm-sdk", "ws", c.name, {
        properties: {
          sourceResourceId: VM(c.source),
          destinationResourceId: c.destination,
          ipTraffic: {
            sourceIps: [],
            destinationIps: [],
            sourcePorts: ["*"],
            destinationPorts: [c.port],
            protocols: ["TCP"],
          },
        },
      });
      const run = await net.reachabilityAnalysisRuns.create(RG, "nm-sdk", "ws", `run-${c.name}`, {
        properties: { intentId: intent.id! },
      });
      expect(run.properties.provisioningState).toBe("Succeeded");
      const read = await net.reachabilityAnalysisRuns.get(RG, "nm-sdk", "ws", `run-${c.name}`);
      expect(read.properties.intentContent).toMatchObject({
        sourceResourceId: VM(c.source),
        destinationResourceId: c.destination,
      });
      expect(JSON.parse(read.properties.analysisResult!)).toMatchObject({ resultOutcome: c.outcome });
    }
    const runs = [];
    for await (const r of net.reachabilityAnalysisRuns.list(RG, "nm-sdk", "ws")) runs.push(r.name);
    expect(runs.sort()).toEqual(["run-app-to-storage", "run-web-to-sql"]);
    const sql = await net.reachabilityAnalysisRuns.get(RG, "nm-sdk", "ws", "run-web-to-sql");
    expect(JSON.parse(sql.properties.analysisResult!).vnetlab.decidedBy).toMatchObject({
      stage: "firewall",
      resourceId: SQL,
    });
  });

  it("refuses what the raw API refuses, and deletes a workspace with its intents and runs", async () => {
    await rejects(
      h,
      () =>
        net.reachabilityAnalysisIntents.create(RG, "nm-sdk", "ws", "bad", {
          properties: {
            sourceResourceId: VM("vm-app"),
            destinationResourceId: STG,
            ipTraffic: {
              sourceIps: [],
              destinationIps: [],
              sourcePorts: [],
              destinationPorts: ["443"],
              protocols: ["GRE"],
            },
          },
        }),
      "InvalidRequestFormat",
    );
    await rejects(
      h,
      () =>
        net.reachabilityAnalysisRuns.create(RG, "nm-sdk", "ws", "bad", {
          properties: {
            intentId: intentId(
              "nope",
              `${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkManagers/nm-sdk/verifierWorkspaces/ws`,
            ),
          },
        }),
      "InvalidResourceReference",
    );
    await net.reachabilityAnalysisRuns.beginDeleteAndWait(RG, "nm-sdk", "ws", "run-app-to-storage");
    await net.reachabilityAnalysisIntents.delete(RG, "nm-sdk", "ws", "app-to-storage");
    await net.verifierWorkspaces.beginDeleteAndWait(RG, "nm-sdk", "ws");
    await expect(
      net.reachabilityAnalysisRuns.get(RG, "nm-sdk", "ws", "run-web-to-sql"),
    ).rejects.toMatchObject({ statusCode: 404 });
    await expect(net.reachabilityAnalysisIntents.get(RG, "nm-sdk", "ws", "web-to-sql")).rejects.toMatchObject(
      { statusCode: 404 },
    );
    const left = (await h.store.list()).filter((s) =>
      s.id.toLowerCase().includes("/networkmanagers/nm-sdk/"),
    );
    expect(left).toEqual([]);
    await net.networkManagers.beginDeleteAndWait(RG, "nm-sdk");
  });
});
