// Seed 000's lab run for real: the Azure Storage SDK on "vm-app" (its egress proxy, HTTPS through CONNECT,
// the local CA trusted with NODE_EXTRA_CA_CERTS) against Azurite behind vnetlab's gateway, while the lab's
// steps are made through the ARM API. Each step checks what the SDK got and what the request log recorded.
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../src/dataplane/index.js";
import type { ArmResource } from "../../src/model/arm.js";
import { cloneJson } from "../../src/model/cloneJson.js";
import {
  type DataplaneHarness,
  LAB,
  NET,
  SdkClient,
  type SdkCommand,
  SNET_APP,
  startDataplaneServer,
  STG,
  SUB,
} from "./harness.js";

const STORAGE_API = "2023-05-01";
const NETWORK_API = "2024-05-01";
const DNS_API = "2020-06-01";
const SEP = `${NET}/serviceEndpointPolicies/sep-storage-policy`;

/** The lab before its steps: no endpoints or policy on snet-app, the account open to all networks. */
function startingEstate(): ArmResource[] {
  const resources = cloneJson(LAB.resources);
  for (const r of resources) {
    const p = r.properties as Record<string, unknown> | undefined;
    if (r.name === "vnet-workloads") {
      const snet = (p!.subnets as { name: string; properties: Record<string, unknown> }[]).find(
        (s) => s.name === "snet-app",
      )!;
      delete snet.properties.serviceEndpoints;
      delete snet.properties.serviceEndpointPolicies;
    }
    if (r.name === "stgworkloads")
      p!.networkAcls = {
        defaultAction: "Allow",
        bypass: "AzureServices",
        ipRules: [],
        virtualNetworkRules: [],
      };
  }
  return resources;
}

let h: DataplaneHarness;
let sdk: SdkClient;
const resources = startingEstate();
const EXTERNAL = `${SUB}/resourceGroups/rg-external/providers/Microsoft.Storage/storageAccounts/stgexternal01`;

async function blob(
  source: string,
  op: SdkCommand["op"],
  account = "stgworkloads",
): Promise<ReturnType<SdkClient["run"]>> {
  const proxy = (await h.source(source))!;
  return sdk.run({
    op,
    proxyPort: proxy.port,
    account,
    key: await h.listKey(account === "stgworkloads" ? STG : EXTERNAL),
    container: "test",
    blob: "test.txt",
    body: "hello from vm-app",
  });
}

async function lastLog(source: string): Promise<RequestLogEntry> {
  const log = await h.api<{ value: RequestLogEntry[] }>(`/vnetlab/dataplane/logs?source=${source}&limit=1`);
  return log.value[0]!;
}

async function armPut(id: string, body: unknown, api: string): Promise<unknown> {
  const r = await h.arm("PUT", `${id}?api-version=${api}`, body);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}

async function setAcls(networkAcls: object, extra: object = {}): Promise<void> {
  const r = await h.arm("PATCH", `${STG}?api-version=${STORAGE_API}`, {
    properties: { networkAcls, ...extra },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function setSnetApp(extra: object): Promise<void> {
  await armPut(
    SNET_APP,
    {
      properties: {
        addressPrefix: "10.0.1.0/24",
        networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-app` },
        ...extra,
      },
    },
    NETWORK_API,
  );
}

/** A CONNECT tunnel left open, as a client's keep-alive connection would be. */
function openTunnel(port: number, host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () =>
      s.write(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n\r\n`),
    );
    s.once("data", (d: Buffer) =>
      d.toString().startsWith("HTTP/1.1 200") ? resolve(s) : reject(new Error(d.toString())),
    );
    s.on("error", () => undefined);
  });
}

beforeAll(async () => {
  h = await startDataplaneServer(resources);
  sdk = new SdkClient(join(h.dataDir, "dataplane", "trust.pem"));
}, 60_000);
afterAll(async () => {
  await sdk?.close();
  await h?.close();
});

describe("seed 000 lab through the data plane, with @azure/storage-blob", () => {
  it("step 5: vm-app uploads and reads a blob while the account is open to all networks", async () => {
    expect(await blob("vm-app", "upload")).toEqual({ ok: true });
    expect(await blob("vm-app", "download")).toEqual({ ok: true, body: "hello from vm-app" });
    expect(await lastLog("vm-app")).toMatchObject({
      verdict: "allow",
      status: 200,
      servedBy: "azurite:blob",
    });
  });

  it("step 7: defaultAction Deny gives 403 AuthorizationFailure", async () => {
    await setAcls({ defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] });
    const denied = await blob("vm-app", "download");
    expect(denied).toMatchObject({ ok: false, statusCode: 403, code: "AuthorizationFailure" });
    // Azure's XML body, as the SDK parsed it (semantics §4.1, denials.ts).
    expect(denied.message).toMatch(
      /^This request is not authorized to perform this operation\.\nRequestId:[0-9a-f-]{36}\nTime:/,
    );
    const entry = await lastLog("vm-app");
    expect(entry).toMatchObject({
      verdict: "deny",
      status: 403,
      stage: "firewall",
      rule: "networkAcls.defaultAction=Deny",
    });
    expect(entry.sourceIp).not.toBe("10.0.1.4");
  });

  it("step 8: the endpoint alone is not enough; the account now sees 10.0.1.4, and open connections were reset", async () => {
    const tunnel = await openTunnel((await h.source("vm-app"))!.port, "stgworkloads.blob.core.windows.net");
    const closed = new Promise<void>((resolve) => tunnel.once("close", () => resolve()));
    await setSnetApp({ serviceEndpoints: [{ service: "Microsoft.Storage" }] });
    await closed;
    const resets = await h.api<{ value: RequestLogEntry[] }>("/vnetlab/dataplane/logs?source=vm-app&limit=5");
    expect(
      resets.value.some((e) => e.verdict === "reset" && /service endpoint changed/.test(e.reason ?? "")),
    ).toBe(true);
    expect(await blob("vm-app", "download")).toMatchObject({
      ok: false,
      statusCode: 403,
      code: "AuthorizationFailure",
    });
    expect(await lastLog("vm-app")).toMatchObject({
      verdict: "deny",
      sourceIp: "10.0.1.4",
      rule: "networkAcls.defaultAction=Deny",
    });
  });

  it("steps 9-10: the VNet rule for snet-app lets vm-app read the blob again", async () => {
    await setAcls({
      defaultAction: "Deny",
      bypass: "AzureServices",
      ipRules: [],
      virtualNetworkRules: [{ id: SNET_APP, action: "Allow" }],
    });
    expect(await blob("vm-app", "download")).toEqual({ ok: true, body: "hello from vm-app" });
    expect(await lastLog("vm-app")).toMatchObject({
      verdict: "allow",
      sourceIp: "10.0.1.4",
      rule: `networkAcls.virtualNetworkRules[${SNET_APP}]`,
    });
  });

  it("from the internet: 403 AuthorizationFailure", async () => {
    expect(await blob("internet", "download")).toMatchObject({
      ok: false,
      statusCode: 403,
      code: "AuthorizationFailure",
    });
    expect(await lastLog("internet")).toMatchObject({ verdict: "deny", sourceIp: "198.51.100.7" });
  });

  it("the endpoint policy blocks the second account: the connection fails", async () => {
    await setSnetApp({
      serviceEndpoints: [{ service: "Microsoft.Storage" }],
      serviceEndpointPolicies: [{ id: SEP }],
    });
    const r = await blob("vm-app", "download", "stgexternal01");
    expect(r.ok).toBe(false);
    expect(r.statusCode).toBeUndefined();
    expect(await lastLog("vm-app")).toMatchObject({
      verdict: "drop",
      destination: "stgexternal01.blob.core.windows.net:443",
      stage: "policy",
    });
    expect(await blob("vm-app", "download")).toEqual({ ok: true, body: "hello from vm-app" });
  });

  it("a private endpoint serves vm-app with public network access disabled; the internet gets 403", async () => {
    const pe = (await armPut(
      `${NET}/privateEndpoints/pe-stgworkloads-blob`,
      {
        location: "uksouth",
        properties: {
          subnet: { id: SNET_APP },
          privateLinkServiceConnections: [
            { name: "blob", properties: { privateLinkServiceId: STG, groupIds: ["blob"] } },
          ],
        },
      },
      NETWORK_API,
    )) as { properties: { customDnsConfigs: { ipAddresses: string[] }[] } };
    const ip = pe.properties.customDnsConfigs[0]!.ipAddresses[0]!;
    const zone = `${NET}/privateDnsZones/privatelink.blob.core.windows.net`;
    await armPut(zone, { location: "global" }, DNS_API);
    await armPut(
      `${zone}/A/stgworkloads`,
      { properties: { ttl: 10, aRecords: [{ ipv4Address: ip }] } },
      DNS_API,
    );
    await armPut(
      `${zone}/virtualNetworkLinks/vnet-workloads`,
      { location: "global", properties: { virtualNetwork: { id: `${NET}/virtualNetworks/vnet-workloads` } } },
      DNS_API,
    );
    await setAcls(
      { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
      {
        publicNetworkAccess: "Disabled",
      },
    );
    expect(await blob("vm-app", "download")).toEqual({ ok: true, body: "hello from vm-app" });
    expect(await lastLog("vm-app")).toMatchObject({ verdict: "allow", sourceIp: "10.0.1.4" });
    expect(await blob("internet", "download")).toMatchObject({
      ok: false,
      statusCode: 403,
      code: "AuthorizationFailure",
    });
  });
});
