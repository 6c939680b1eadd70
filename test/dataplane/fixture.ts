// A data plane on the bundled seed-000 estate (its end state: vm-app reaches stgworkloads over its service
// endpoint, the internet gets 403, stgexternal01 is blocked by the endpoint policy), without an ARM server;
// blobs put straight into Azurite (a public-read container, so raw clients need no signature), and raw
// clients through a source's proxy.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { storageAccountKeys } from "../../src/arm/providers/paas/storageKeys.js";
import { Dataplane, type DataplaneOptions, TunnelAgent } from "../../src/dataplane/index.js";
import { compileEstate } from "../../src/model/compileEstate.js";
import type { Estate } from "../../src/model/estate.js";

export const ACCOUNT = "stgworkloads";

export interface LabDataplane {
  dp: Dataplane;
  estate: Estate;
  dir: string;
  blobPort: number;
  /** The proxy port of a source, by name. */
  port(source: string): number;
  /** A keep-alive agent through a source's proxy that trusts the local CA. */
  agent(source: string, maxSockets?: number): TunnelAgent;
  close(): Promise<void>;
}

export function labEstate(): Estate {
  const file = join(import.meta.dirname, "../../examples/lab000/estate.json");
  return compileEstate((JSON.parse(readFileSync(file, "utf8")) as { resources: never[] }).resources);
}

export async function startLabDataplane(opts: Partial<DataplaneOptions> = {}): Promise<LabDataplane> {
  const estate = labEstate();
  const dir = mkdtempSync(join(tmpdir(), "vnetlab-dp-"));
  const dp = await Dataplane.start(estate, { dataDir: dir, ...opts });
  const blobPort = (await dp.azuritePorts()).blob;
  const agents: TunnelAgent[] = [];
  return {
    dp,
    estate,
    dir,
    blobPort,
    port: (source) => dp.source(source)!.port,
    agent(source, maxSockets = 16) {
      const a = new TunnelAgent({ proxyPort: dp.source(source)!.port, ca: dp.ca.cert, maxSockets });
      agents.push(a);
      return a;
    },
    async close() {
      for (const a of agents) a.destroy();
      await dp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The key Azurite has for the lab's account (the estate's, derived as listKeys derives it). */
export function labKey(lab: LabDataplane): string {
  const account = lab.estate.ofType("Microsoft.Storage/storageAccounts").find((a) => a.name === ACCOUNT)!;
  return storageAccountKeys(account)[0]!.value;
}

/** Puts blobs straight into Azurite (path-style, the account's key), in a container anyone may read. */
export async function seedBlobs(
  target: LabDataplane | { blobPort: number; key: string },
  container: string,
  blobs: Record<string, Buffer>,
): Promise<void> {
  const key = "key" in target ? target.key : labKey(target);
  const client = new BlobServiceClient(
    `http://127.0.0.1:${target.blobPort}/${ACCOUNT}`,
    new StorageSharedKeyCredential(ACCOUNT, key),
  );
  const c = client.getContainerClient(container);
  await c.createIfNotExists({ access: "blob" });
  for (const [name, body] of Object.entries(blobs)) await c.getBlockBlobClient(name).uploadData(body);
}

export interface Fetched {
  status: number;
  headers: IncomingMessage["headers"];
  body: Buffer;
  /** The request went on a kept-alive connection. */
  reused?: boolean;
}

/** GET https://HOST/PATH through an agent; the whole body. */
export function get(agent: TunnelAgent, host: string, path: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host, path, agent, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          reused: req.reusedSocket,
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** GET straight from Azurite (path-style), for comparison. */
export function getDirect(
  port: number,
  path: string,
  agent?: import("node:http").Agent,
  headers: Record<string, string> = {},
): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: `/${ACCOUNT}${path}`, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}
