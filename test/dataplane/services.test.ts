// Services and modes beyond Azurite's blobs: a service without an emulator is refused with a message that says
// so, or served by the upstream the user named (with the source address the service would see); SQL's own
// protocol is tunnelled, or closed with the service's error in the log; drops as timeouts; plain HTTP proxying.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createServer as createHttpServer, type IncomingHttpHeaders, request } from "node:http";
import { connect, createServer as createTcpServer, type AddressInfo, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveEstate } from "../../src/model/compileEstate.js";
import { ACCOUNT, get, getDirect, type LabDataplane, seedBlobs, startLabDataplane } from "./fixture.js";

const SMALL = randomBytes(4096);
let lab: LabDataplane;
let vault: Server;
let sql: Server;
let seen: { url?: string; headers?: IncomingHttpHeaders } = {};

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  // Stand-ins for a Key Vault emulator and a SQL server: one answers JSON, the other echoes bytes.
  vault = createHttpServer((req, res) => {
    seen = { url: req.url, headers: req.headers };
    res.writeHead(200, { "content-type": "application/json" }).end('{"value":"s3cret"}');
  }) as unknown as Server;
  sql = createTcpServer((s) => s.pipe(s));
  const [vaultPort, sqlPort] = [await listen(vault), await listen(sql)];
  lab = await startLabDataplane({
    upstreams: [`keyVault=http://127.0.0.1:${vaultPort}`, `sql=tcp://127.0.0.1:${sqlPort}`],
  });
  await seedBlobs(lab, "pub", { small: SMALL });
}, 60_000);
afterAll(async () => {
  await lab?.close();
  vault?.close();
  sql?.close();
});

describe("services without Azurite", () => {
  it("an allowed Key Vault request goes to the configured upstream, carrying the address the vault sees", async () => {
    const r = await get(lab.agent("vm-app"), "kv-workloads.vault.azure.net", "/secrets/db?api-version=7.4");
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('{"value":"s3cret"}');
    expect(seen.url).toBe("/secrets/db?api-version=7.4");
    expect(seen.headers).toMatchObject({
      "x-forwarded-for": "10.0.1.4",
      "x-forwarded-host": "kv-workloads.vault.azure.net",
    });
  });

  it("without an upstream, an allowed request is refused with a message that says so", async () => {
    const r = await get(lab.agent("vm-app"), "stgworkloads.file.core.windows.net", "/share?restype=share");
    expect(r.status).toBe(502);
    expect(r.headers["x-vnetlab-refused"]).toBe("no-emulator");
    expect(r.body.toString()).toMatch(/no emulator for .*\(file\).*--dataplane-upstream file=URL/);
  });

  it("SQL: an allowed connection is tunnelled to the upstream; a refused login is closed, with 40615 in the log", async () => {
    const echo = await new Promise<string>((resolve, reject) => {
      const s = connect(lab.port("vm-app"), "127.0.0.1", () =>
        s.write("CONNECT sql-workloads.database.windows.net:1433 HTTP/1.1\r\n\r\n"),
      );
      let text = "";
      s.on("data", (d: Buffer) => {
        text += d.toString("latin1");
        if (text.endsWith("\r\n\r\n")) s.write("TDS-PRELOGIN");
        if (text.includes("TDS-PRELOGIN")) s.end();
      });
      s.on("close", () => resolve(text));
      s.on("error", reject);
    });
    expect(echo).toBe("HTTP/1.1 200 Connection Established\r\n\r\nTDS-PRELOGIN");
    const closed = await new Promise<boolean>((resolve) => {
      const s = connect(lab.port("vm-web"), "127.0.0.1", () =>
        s.write("CONNECT sql-workloads.database.windows.net:1433 HTTP/1.1\r\n\r\n"),
      );
      s.on("error", () => undefined);
      s.resume(); // (read, or the peer's close is never seen)
      s.on("close", () => resolve(true));
    });
    expect(closed).toBe(true);
    const entry = lab.dp.log.query({ source: "vm-web", limit: 1 })[0]!;
    expect(entry).toMatchObject({ verdict: "deny", sourceIp: "51.140.10.20", stage: "firewall" });
    expect(entry.reason).toMatch(/^40615: Cannot open server 'sql-workloads'/);
  });
});

describe("Azurite behind the gateway", () => {
  it("logs each request with the address the service would see, not the gateway's", async () => {
    const r = await get(lab.agent("vm-app", 1), "stgworkloads.blob.core.windows.net", "/pub/small");
    expect(r.status).toBe(200);
    // Azurite writes its access log as it answers; give the line a moment to reach the file.
    let lines: string[] = [];
    for (let i = 0; i < 20 && lines.length === 0; i++) {
      await new Promise((done) => setTimeout(done, 50));
      lines = readFileSync(join(lab.dir, "azurite.log"), "utf8")
        .split("\n")
        .filter((l) => l.includes('"GET /pub/small HTTP/1.1" 200'));
    }
    // vm-app reaches stgworkloads over its subnet's service endpoint: the account sees its private address.
    expect(lines.at(-1)).toMatch(/^10\.0\.1\.4 - - \[/);
    // A client of Azurite's own port cannot choose the address it is logged under.
    const direct = await getDirect(lab.blobPort, "/pub/small?direct=1", undefined, {
      "x-forwarded-for": "6.6.6.6",
    });
    expect(direct.status).toBe(200);
    let directLines: string[] = [];
    for (let i = 0; i < 20 && directLines.length === 0; i++) {
      await new Promise((done) => setTimeout(done, 50));
      directLines = readFileSync(join(lab.dir, "azurite.log"), "utf8")
        .split("\n")
        .filter((l) => l.includes("direct=1"));
    }
    expect(directLines.at(-1)).toMatch(/^127\.0\.0\.1 - - \[/);
  });
});

describe("plain HTTP proxying", () => {
  it("serves absolute-form requests when secure transfer is off, and answers the internet with Azure's 403", async () => {
    const fetchPlain = (source: string): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port: lab.port(source),
            path: "http://stgworkloads.blob.core.windows.net/pub/small",
            headers: { host: "stgworkloads.blob.core.windows.net" },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("latin1") }),
            );
          },
        );
        req.on("error", reject);
        req.end();
      });
    // vm-web: nsg-app lets vm-app out to Storage on 443 only, so its port-80 request would be dropped.
    // Secure transfer required (supportsHttpsTrafficOnly, true by default): http:// is refused.
    const refused = await fetchPlain("vm-web");
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(
      /<Error><Code>AccountRequiresHttps<\/Code><Message>The account being accessed does not support http\./,
    );
    expect(lab.dp.log.query({ source: "vm-web", limit: 1 })[0]).toMatchObject({
      verdict: "deny",
      stage: "firewall",
      rule: "supportsHttpsTrafficOnly=true",
      status: 400,
    });
    const account = lab.estate.ofType("Microsoft.Storage/storageAccounts").find((a) => a.name === ACCOUNT)!;
    await lab.dp.update(
      deriveEstate(lab.estate, [
        { ...account, properties: { ...account.properties, supportsHttpsTrafficOnly: false } },
      ]),
    );
    const ok = await fetchPlain("vm-web");
    expect(ok.status).toBe(200);
    expect(Buffer.from(ok.body, "latin1").equals(SMALL)).toBe(true);
    const denied = await fetchPlain("internet");
    expect(denied.status).toBe(403);
    expect(denied.body).toMatch(
      /<Error><Code>AuthorizationFailure<\/Code><Message>This request is not authorized/,
    );
  });
});

describe("drops as timeouts", () => {
  it("a dropped connection gets no answer at all, and is let go after the hold time", async () => {
    const quiet = await startLabDataplane({ drop: "timeout", dropHoldMs: 400 });
    try {
      const started = Date.now();
      const text = await new Promise<string>((resolve) => {
        const s = connect(quiet.port("vm-app"), "127.0.0.1", () =>
          s.write("CONNECT stgexternal01.blob.core.windows.net:443 HTTP/1.1\r\n\r\n"),
        );
        let got = "";
        s.on("data", (d: Buffer) => (got += d.toString()));
        s.on("error", () => undefined);
        s.on("close", () => resolve(got));
      });
      expect(text).toBe("");
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
      expect(quiet.dp.log.query({ limit: 1 })[0]).toMatchObject({ verdict: "drop", stage: "policy" });
    } finally {
      await quiet.close();
    }
  }, 30_000);
});
