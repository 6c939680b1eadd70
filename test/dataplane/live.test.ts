// Changes made through the ARM API while the data plane runs: Azurite's accounts follow storage accounts
// (created, keys regenerated, deleted), a firewall change applies to the next request on an open connection,
// an NSG change leaves open connections alone (stateful) but drops new ones, and sources come and go with
// their VMs. `vnetlab sources` and `vnetlab logs` read what the server keeps.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logsCommand, sourcesCommand } from "../../src/cli/commands/dataplane.js";
import type { Io } from "../../src/cli/io.js";
import { TunnelAgent } from "../../src/dataplane/index.js";
import { get, seedBlobs } from "./fixture.js";
import { type DataplaneHarness, LAB, NET, SdkClient, startDataplaneServer, STG, SUB } from "./harness.js";

const HOST = "stgworkloads.blob.core.windows.net";
const SNET_WEB = `${NET}/virtualNetworks/vnet-workloads/subnets/snet-web`;
const SNET_APP = `${NET}/virtualNetworks/vnet-workloads/subnets/snet-app`;
const NEW = `${SUB}/resourceGroups/rg-storage/providers/Microsoft.Storage/storageAccounts/stgnew01`;
const SMALL = randomBytes(1024);
const STORAGE_API = "2023-05-01";
const NETWORK_API = "2024-05-01";

let h: DataplaneHarness;
let sdk: SdkClient;
const agents: TunnelAgent[] = [];

async function agent(source: string): Promise<TunnelAgent> {
  const a = new TunnelAgent({
    proxyPort: (await h.source(source))!.port,
    ca: h.caOfDataplane,
    maxSockets: 1,
  });
  agents.push(a);
  return a;
}

async function ok(method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await h.arm(method, path, body);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}

beforeAll(async () => {
  h = await startDataplaneServer(structuredClone(LAB.resources));
  sdk = new SdkClient(join(h.dataDir, "dataplane", "trust.pem"));
  const azurite = (await h.api<{ azurite: { blob: number } }>("/vnetlab/dataplane/sources")).azurite;
  await seedBlobs({ blobPort: azurite.blob, key: await h.listKey(STG) }, "pub", { small: SMALL });
}, 60_000);
afterAll(async () => {
  for (const a of agents) a.destroy();
  await sdk?.close();
  await h?.close();
});

describe("Azurite's accounts follow the storage accounts of the API", () => {
  it("created, keys regenerated, deleted", async () => {
    await ok("PUT", `${NEW}?api-version=${STORAGE_API}`, {
      location: "uksouth",
      sku: { name: "Standard_LRS" },
      kind: "StorageV2",
      properties: { minimumTlsVersion: "TLS1_2" },
    });
    const web = (await h.source("vm-web"))!;
    const run = async (op: "upload" | "download", key: string) =>
      sdk.run({
        op,
        proxyPort: web.port,
        account: "stgnew01",
        key,
        container: "data",
        blob: "b.txt",
        body: "new",
      });
    const first = await h.listKey(NEW);
    expect(await run("upload", first)).toEqual({ ok: true });
    expect(await run("download", first)).toEqual({ ok: true, body: "new" });

    await ok("POST", `${NEW}/regenerateKey?api-version=${STORAGE_API}`, { keyName: "key1" });
    const second = await h.listKey(NEW);
    expect(second).not.toBe(first);
    expect(await run("download", first)).toMatchObject({ ok: false, statusCode: 403 });
    expect(await run("download", second)).toEqual({ ok: true, body: "new" });

    await ok("DELETE", `${NEW}?api-version=${STORAGE_API}`);
    const gone = await run("download", second);
    expect(gone.ok).toBe(false);
    const entry = (
      await h.api<{ value: { verdict: string; reason?: string }[] }>(
        "/vnetlab/dataplane/logs?source=vm-web&limit=1",
      )
    ).value[0];
    expect(entry).toMatchObject({ verdict: "refused" });
    expect(entry?.reason).toMatch(/stgnew01\.blob\.core\.windows\.net/);
  }, 60_000);
});

describe("changes to open connections", () => {
  it("a firewall change applies to the next request on the same connection", async () => {
    const a = await agent("vm-web");
    expect((await get(a, HOST, "/pub/small")).status).toBe(200);
    const acls = (rules: string[]) => ({
      properties: {
        networkAcls: {
          defaultAction: "Deny",
          bypass: "AzureServices",
          ipRules: [{ value: "203.0.113.0/24", action: "Allow" }],
          virtualNetworkRules: rules.map((id) => ({ id, action: "Allow" })),
        },
      },
    });
    await ok("PATCH", `${STG}?api-version=${STORAGE_API}`, acls([SNET_APP]));
    const denied = await get(a, HOST, "/pub/small");
    expect(denied).toMatchObject({ status: 403, reused: true });
    expect(denied.headers["x-ms-error-code"]).toBe("AuthorizationFailure");
    await ok("PATCH", `${STG}?api-version=${STORAGE_API}`, acls([SNET_APP, SNET_WEB]));
    expect(await get(a, HOST, "/pub/small")).toMatchObject({ status: 200, reused: true });
  });

  it("an NSG change leaves an open connection alone and drops new ones [S4]", async () => {
    const open = await agent("vm-app");
    expect((await get(open, HOST, "/pub/small")).status).toBe(200);
    const rule = `${NET}/networkSecurityGroups/nsg-app/securityRules/Allow-Storage-Outbound`;
    const storageRule = (access: "Allow" | "Deny") => ({
      properties: {
        priority: 100,
        direction: "Outbound",
        access,
        protocol: "Tcp",
        sourceAddressPrefix: "VirtualNetwork",
        sourcePortRange: "*",
        destinationAddressPrefix: "Storage",
        destinationPortRange: "443",
      },
    });
    await ok("PUT", `${rule}?api-version=${NETWORK_API}`, storageRule("Deny"));
    expect(await get(open, HOST, "/pub/small")).toMatchObject({ status: 200, reused: true });
    await expect(get(await agent("vm-app"), HOST, "/pub/small")).rejects.toThrow(
      /ECONNRESET|closed the connection|hang up/,
    );
    const entry = (
      await h.api<{ value: { verdict: string; rule?: string }[] }>(
        "/vnetlab/dataplane/logs?source=vm-app&limit=1",
      )
    ).value[0];
    expect(entry).toMatchObject({ verdict: "drop", rule: "securityRules/Allow-Storage-Outbound" });
    await ok("PUT", `${rule}?api-version=${NETWORK_API}`, storageRule("Allow"));
  });
});

describe("sources follow the estate", () => {
  it("a VM created through the API gets a proxy; deleted, it goes", async () => {
    const nic = (await ok("PUT", `${NET}/networkInterfaces/nic-vm-new?api-version=${NETWORK_API}`, {
      location: "uksouth",
      properties: {
        ipConfigurations: [
          {
            name: "ipconfig1",
            properties: {
              privateIPAddress: "10.0.2.10",
              privateIPAllocationMethod: "Static",
              subnet: { id: SNET_WEB },
            },
          },
        ],
      },
    })) as { id: string };
    const vm = `${SUB}/resourceGroups/rg-networking/providers/Microsoft.Compute/virtualMachines/vm-new`;
    await ok("PUT", `${vm}?api-version=2024-07-01`, {
      location: "uksouth",
      properties: { networkProfile: { networkInterfaces: [{ id: nic.id, properties: { primary: true } }] } },
    });
    const source = await h.source("vm-new");
    expect(source).toMatchObject({ kind: "vm", ip: "10.0.2.10" });
    expect((await get(await agent("vm-new"), HOST, "/pub/small")).status).toBe(200);
    await ok("DELETE", `${vm}?api-version=2024-07-01`);
    await ok("DELETE", `${NET}/networkInterfaces/nic-vm-new?api-version=${NETWORK_API}`);
    expect(await h.source("vm-new")).toBeUndefined();
  });
});

describe("vnetlab sources and vnetlab logs", () => {
  const capture = (): Io & { text: string[] } => {
    const text: string[] = [];
    return { text, out: (t) => void text.push(t), err: (t) => void text.push(t) };
  };

  it("read the files the server keeps, or its API", async () => {
    // The log file is written in batches, at most 100 ms behind (requestLog.ts).
    await new Promise((r) => setTimeout(r, 200));
    const io = capture();
    expect(await sourcesCommand({ dataDir: h.dataDir }, io)).toBe(0);
    expect(io.text.join("\n")).toMatch(/vm-app\s+vm\s+10\.0\.1\.4\s+http:\/\/127\.0\.0\.1:\d+/);
    const viaApi = capture();
    await sourcesCommand({ dataDir: h.dataDir, server: h.endpoint, json: true }, viaApi);
    expect((JSON.parse(viaApi.text.join("")) as { name: string }[]).map((s) => s.name)).toContain("internet");
    const logs = capture();
    expect(await logsCommand({ dataDir: h.dataDir, source: "vm-web", limit: "3" }, logs)).toBe(0);
    expect(logs.text.length).toBeGreaterThan(0);
    expect(logs.text.at(-1)).toMatch(/vm-web \(seen as [\d.]+\) → /);
    // --follow: what arrives after the first page, until stopped.
    const follow = capture();
    const stop = new AbortController();
    const following = logsCommand(
      { dataDir: h.dataDir, server: h.endpoint, source: "internet", limit: "1", follow: true },
      follow,
      stop.signal,
    );
    await new Promise((r) => setTimeout(r, 100));
    const internet = new TunnelAgent({ proxyPort: (await h.source("internet"))!.port, ca: h.caOfDataplane });
    agents.push(internet);
    expect((await get(internet, HOST, "/pub/small")).status).toBe(403);
    await new Promise((r) => setTimeout(r, 700));
    stop.abort();
    await following;
    expect(follow.text.at(-1)).toMatch(
      /internet \(seen as 198\.51\.100\.7\) → GET https:\/\/stgworkloads\.blob\.core\.windows\.net:443\/pub\/small {2}DENY 403/,
    );
    const apiLogs = capture();
    await logsCommand(
      { dataDir: h.dataDir, server: h.endpoint, source: "vm-app", limit: "1", json: true },
      apiLogs,
    );
    expect(JSON.parse(apiLogs.text[0]!)).toMatchObject({ source: "vm-app" });
  });
});
