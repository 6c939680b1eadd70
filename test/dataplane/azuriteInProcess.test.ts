// Azurite runs inside vnetlab's process: two data planes in one process (as tests and embedders start them)
// each keep their own accounts, and an account set given to one never leaks to the other.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Azurite } from "../../src/dataplane/azurite.js";

const KEY_A = Buffer.alloc(64, 1).toString("base64");
const KEY_B = Buffer.alloc(64, 2).toString("base64");
const dirs: string[] = [];
let a: Azurite;
let b: Azurite;

function start(accounts: { name: string; key1: string }[]): { azurite: Azurite; ready: Promise<number> } {
  const dir = mkdtempSync(join(tmpdir(), "vnetlab-azurite-"));
  dirs.push(dir);
  const azurite = new Azurite({ location: join(dir, "azurite"), logFile: join(dir, "azurite.log") });
  return { azurite, ready: azurite.start(accounts).then((p) => p.blob) };
}

/** Creates a container as `account` with `key` on the Azurite at `port`: the status Azurite answers. */
async function createContainer(port: number, account: string, key: string): Promise<number> {
  const client = new BlobServiceClient(
    `http://127.0.0.1:${port}/${account}`,
    new StorageSharedKeyCredential(account, key),
    { retryOptions: { maxTries: 1 } },
  );
  try {
    return (await client.getContainerClient(`c${Date.now()}`).create())._response.status;
  } catch (e) {
    return (e as { statusCode?: number }).statusCode ?? 0;
  }
}

let portA = 0;
let portB = 0;
beforeAll(async () => {
  const x = start([{ name: "stgalpha", key1: KEY_A }]);
  const y = start([{ name: "stgbravo", key1: KEY_B }]);
  [a, b] = [x.azurite, y.azurite];
  [portA, portB] = await Promise.all([x.ready, y.ready]);
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("Azurite in vnetlab's process", () => {
  // Azurite answers a request for an account it does not have with 404.
  it("each instance knows its own accounts only", async () => {
    expect(await createContainer(portA, "stgalpha", KEY_A)).toBe(201);
    expect(await createContainer(portB, "stgbravo", KEY_B)).toBe(201);
    expect(await createContainer(portA, "stgbravo", KEY_B)).toBe(404);
    expect(await createContainer(portB, "stgalpha", KEY_A)).toBe(404);
  });

  it("a new account set applies to the next request, and to that instance alone", async () => {
    await a.setAccounts([
      { name: "stgalpha", key1: KEY_A },
      { name: "stgcharlie", key1: KEY_B },
    ]);
    expect(await createContainer(portA, "stgcharlie", KEY_B)).toBe(201);
    expect(await createContainer(portB, "stgcharlie", KEY_B)).toBe(404);
    await a.setAccounts([{ name: "stgcharlie", key1: KEY_B }]);
    expect(await createContainer(portA, "stgalpha", KEY_A)).toBe(404);
  });

  it("a start that fails (a corrupt database) is refused with the reason, and frees its ports", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vnetlab-azurite-bad-"));
    dirs.push(dir);
    mkdirSync(join(dir, "azurite"), { recursive: true });
    writeFileSync(join(dir, "azurite", "__azurite_db_blob__.json"), "{ not json");
    const bad = new Azurite({ location: join(dir, "azurite"), logFile: join(dir, "azurite.log") });
    await expect(bad.start([{ name: "stgalpha", key1: KEY_A }])).rejects.toMatchObject({
      code: "DataplaneStartFailed",
    });
    await bad.stop();
  });
});
