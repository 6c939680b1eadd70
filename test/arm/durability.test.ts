// The server as a real process on a real SQLite file: a restart keeps everything, and SIGKILL during a burst
// of writes loses no acknowledged write.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const SUB = "00000000-0000-0000-0000-0000000000dd";
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

async function startServe(dataDir: string): Promise<{ url: string; ca: string; proc: ChildProcess }> {
  const proc = spawn(
    process.execPath,
    [join(ROOT, "bin/vnetlab.js"), "serve", "--port", "0", "--data-dir", dataDir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(proc);
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000);
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /ARM endpoint: (\S+)/.exec(out);
      if (m && out.includes("certificate:")) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.stderr!.on("data", (d: Buffer) => {
      out += d.toString();
    });
  });
  return { url, ca: readFileSync(join(dataDir, "vnetlab-cert.pem"), "utf8"), proc };
}

function call(
  base: string,
  ca: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${base}${path}`,
      {
        method,
        ca,
        headers: {
          authorization: "Bearer t",
          "content-type": "application/json",
          ...(data ? { "content-length": Buffer.byteLength(data) } : {}),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

const rgPath = (rg: string) => `/subscriptions/${SUB}/resourcegroups/${rg}?api-version=2024-03-01`;
const pipPath = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/${name}?api-version=2024-05-01`;
const vnetBody = (i: number) => ({
  location: "eastus",
  properties: { addressSpace: { addressPrefixes: [`10.${i % 250}.0.0/16`] } },
  tags: { n: String(i) },
});

describe("persistence of vnetlab serve on SQLite", () => {
  it("a restart keeps every resource", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vnetlab-durable-"));
    const a = await startServe(dir);
    expect((await call(a.url, a.ca, "PUT", rgPath("rg1"), { location: "eastus" })).status).toBe(201);
    for (let i = 0; i < 5; i++)
      expect((await call(a.url, a.ca, "PUT", pipPath(`vnet${i}`), vnetBody(i))).status).toBe(201);
    a.proc.kill("SIGTERM");
    await new Promise((r) => a.proc.once("exit", r));
    const b = await startServe(dir);
    for (let i = 0; i < 5; i++) {
      const got = await call(b.url, b.ca, "GET", pipPath(`vnet${i}`));
      expect(got.status).toBe(200);
      expect((got.json as { tags: { n: string } }).tags.n).toBe(String(i));
    }
  });

  it("SIGKILL during a burst of writes loses no acknowledged write", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vnetlab-kill-"));
    const a = await startServe(dir);
    expect((await call(a.url, a.ca, "PUT", rgPath("rg1"), { location: "eastus" })).status).toBe(201);
    const acknowledged: number[] = [];
    let i = 0;
    const burst = (async () => {
      // Four writers in flight at a time until the process dies under them.
      const writer = async (): Promise<void> => {
        for (;;) {
          const n = i++;
          try {
            const res = await call(a.url, a.ca, "PUT", pipPath(`vnet${n}`), vnetBody(n));
            if (res.status === 201) acknowledged.push(n);
          } catch {
            return;
          }
        }
      };
      await Promise.all([writer(), writer(), writer(), writer()]);
    })();
    await new Promise((r) => setTimeout(r, 1500));
    a.proc.kill("SIGKILL");
    await burst;
    expect(acknowledged.length).toBeGreaterThan(10);
    const b = await startServe(dir);
    for (const n of acknowledged) {
      const got = await call(b.url, b.ca, "GET", pipPath(`vnet${n}`));
      expect(got.status, `vnet${n} was acknowledged`).toBe(200);
      expect((got.json as { tags: { n: string } }).tags.n).toBe(String(n));
    }
  });
});
