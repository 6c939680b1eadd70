// A vnetlab server with its data plane, as `vnetlab serve --dataplane` wires them (cli/commands/dataplane.ts),
// on ports the OS picks and a temporary data directory; plus plain HTTPS to its ARM API, and the Azure Storage
// SDK in a child process that trusts the local CA the way a user would (NODE_EXTRA_CA_CERTS, see sdkClient.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCertificate } from "../../src/arm/certificates.js";
import { preloadEstate } from "../../src/arm/preload.js";
import { createArmServer } from "../../src/arm/server.js";
import { type ServedDataplane, startServeDataplane } from "../../src/cli/commands/dataplane.js";
import type { Io } from "../../src/cli/io.js";
import type { SourceInfo } from "../../src/dataplane/index.js";
import type { ArmResource } from "../../src/model/arm.js";
import { createMemoryStore } from "../../src/store/memoryStore.js";

export const LAB = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../examples/lab000/estate.json"), "utf8"),
) as {
  resources: ArmResource[];
};
export const SUB = "/subscriptions/11111111-1111-1111-1111-111111111111";
export const NET = `${SUB}/resourceGroups/rg-networking/providers/Microsoft.Network`;
export const SNET_APP = `${NET}/virtualNetworks/vnet-workloads/subnets/snet-app`;
export const STG = `${SUB}/resourceGroups/rg-storage/providers/Microsoft.Storage/storageAccounts/stgworkloads`;

export interface DataplaneHarness {
  endpoint: string;
  ca: string;
  /** The data plane's local CA (PEM). */
  caOfDataplane: string;
  dataDir: string;
  served: ServedDataplane;
  output: string[];
  arm(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Fetches the data plane's sources or log through the server's API. */
  api<T>(path: string): Promise<T>;
  source(name: string): Promise<SourceInfo | undefined>;
  /** The account's first key, as the ARM API's listKeys returns it. */
  listKey(accountId: string): Promise<string>;
  close(): Promise<void>;
}

function https(
  endpoint: string,
  ca: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, endpoint),
      {
        method,
        ca,
        headers: {
          authorization: "Bearer vnetlab-test-token",
          ...(payload
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }),
        );
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

export async function startDataplaneServer(resources: ArmResource[]): Promise<DataplaneHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), "vnetlab-dp-test-"));
  const cert = await ensureCertificate(dataDir);
  const store = createMemoryStore();
  const { app, ctx } = createArmServer({ store, https: cert });
  await preloadEstate(ctx.pipeline, resources, []);
  const output: string[] = [];
  const io: Io = { out: (t) => void output.push(t), err: (t) => void output.push(t) };
  const served = await startServeDataplane(app, ctx.state, { dataplane: true }, dataDir, io, cert.certPath);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const endpoint = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const api = async <T>(path: string): Promise<T> =>
    (await https(endpoint, cert.cert, "GET", path)).body as T;
  return {
    endpoint,
    ca: cert.cert,
    caOfDataplane: readFileSync(join(dataDir, "dataplane", "ca.pem"), "utf8"),
    dataDir,
    served,
    output,
    arm: (method, path, body) => https(endpoint, cert.cert, method, path, body),
    api,
    async source(name) {
      const all = await api<{ value: SourceInfo[] }>("/vnetlab/dataplane/sources");
      return all.value.find((s) => s.name === name)!;
    },
    async listKey(accountId) {
      const r = await https(endpoint, cert.cert, "POST", `${accountId}/listKeys?api-version=2023-05-01`);
      return (r.body as { keys: { value: string }[] }).keys[0]!.value;
    },
    async close() {
      await served.close();
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SdkResult {
  ok: boolean;
  body?: string;
  statusCode?: number;
  code?: string;
  message?: string;
}

export interface SdkCommand {
  op: "upload" | "download";
  proxyPort: number;
  account: string;
  key: string;
  container: string;
  blob: string;
  body?: string;
}

/** The Azure Storage SDK in a child process that trusts `caFile` through NODE_EXTRA_CA_CERTS. */
export class SdkClient {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly waiting = new Map<number, (r: SdkResult) => void>();

  constructor(caFile: string) {
    this.child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "sdkClient.ts")], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.on("message", (m: { id: number; result: SdkResult }) => {
      this.waiting.get(m.id)?.(m.result);
      this.waiting.delete(m.id);
    });
  }

  run(command: SdkCommand): Promise<SdkResult> {
    const id = ++this.next;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ id, command });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.kill();
    });
  }
}
