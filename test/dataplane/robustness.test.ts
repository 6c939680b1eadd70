// The proxy under abuse: garbage on the proxy port and inside tunnels, half-open and silent connections, slow
// readers (backpressure: nothing buffers a whole body), and 200 concurrent connections of which the only
// failures are the intended ones (403 from the internet, dropped connections to the policy-blocked account).
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { request as httpsRequest } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TunnelAgent } from "../../src/dataplane/index.js";
import { get, type LabDataplane, seedBlobs, startLabDataplane } from "./fixture.js";

const HOST = "stgworkloads.blob.core.windows.net";
const SMALL = randomBytes(4096);
const LARGE = randomBytes(8 * 1024 * 1024);

let lab: LabDataplane;
beforeAll(async () => {
  lab = await startLabDataplane({ idleTimeoutMs: 600, headersTimeoutMs: 600 });
  await seedBlobs(lab, "pub", { small: SMALL, large: LARGE });
}, 60_000);
afterAll(async () => lab?.close());

/** Opens a TCP connection to a proxy; resolves with everything the proxy sent until it closed. */
function converse(port: number, send: (s: Socket) => void): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1", () => send(s));
    let text = "";
    s.on("data", (d: Buffer) => (text += d.toString("latin1")));
    s.on("error", () => undefined);
    s.on("close", () => resolve({ text, ms: Date.now() - started }));
  });
}

async function stillServes(): Promise<void> {
  const r = await get(lab.agent("vm-app"), HOST, "/pub/small");
  expect(r.status).toBe(200);
  expect(r.body.equals(SMALL)).toBe(true);
}

describe("garbage", () => {
  it("on the proxy port: 400 and closed", async () => {
    const r = await converse(lab.port("vm-app"), (s) => s.write(randomBytes(2048)));
    expect(r.text).toMatch(/^HTTP\/1\.1 400/);
    await stillServes();
  });

  it("a CONNECT to something that is not host:port, or to a name nothing answers: refused with a reason", async () => {
    const bad = await converse(lab.port("vm-app"), (s) => s.write("CONNECT nonsense HTTP/1.1\r\n\r\n"));
    expect(bad.text).toMatch(/^HTTP\/1\.1 400/);
    const unknown = await converse(lab.port("vm-app"), (s) =>
      s.write("CONNECT nosuch.blob.core.windows.net:443 HTTP/1.1\r\n\r\n"),
    );
    expect(unknown.text).toMatch(
      /^HTTP\/1\.1 502[^]*x-vnetlab-refused: name-not-resolved[^]*nosuch\.blob\.core\.windows\.net/,
    );
  });

  it("inside a tunnel, plain or pretending to be TLS: closed, and the proxy carries on", async () => {
    for (const junk of [
      randomBytes(1500),
      Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), randomBytes(600)]),
    ]) {
      const r = await converse(lab.port("vm-app"), (s) => {
        s.write(`CONNECT ${HOST}:443 HTTP/1.1\r\n\r\n`);
        s.once("data", () => s.write(junk));
      });
      expect(r.text).toMatch(/^HTTP\/1\.1 200 Connection Established/);
    }
    await stillServes();
  });
});

describe("half-open and silent connections", () => {
  it("a client that connects and says nothing is let go", async () => {
    const r = await converse(lab.port("vm-app"), () => undefined);
    expect(r.text).toBe("");
    expect(r.ms).toBeLessThan(10_000);
  });

  it("a client that stops half-way through its headers is let go", async () => {
    const r = await converse(lab.port("internet"), (s) =>
      s.write(`GET http://${HOST}/pub/small HTTP/1.1\r\nHost: ${HOST}\r\nX-Half`),
    );
    expect(r.ms).toBeLessThan(10_000);
    await stillServes();
  });

  it("a tunnel that never starts TLS is let go", async () => {
    const r = await converse(lab.port("vm-app"), (s) => s.write(`CONNECT ${HOST}:443 HTTP/1.1\r\n\r\n`));
    expect(r.text).toMatch(/^HTTP\/1\.1 200/);
    expect(r.ms).toBeLessThan(10_000);
  });

  it("a client that half-closes after its request still gets the answer", async () => {
    const r = await converse(lab.port("internet"), (s) => {
      s.end(`GET http://${HOST}/pub/small HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`);
    });
    // Plain http:// to an account that requires secure transfer: storage's own 400.
    expect(r.text).toMatch(
      /^HTTP\/1\.1 400[^]*x-ms-error-code: AccountRequiresHttps[^]*<Code>AccountRequiresHttps<\/Code>/,
    );
  });
});

describe("slow readers", () => {
  it("hold back their downloads without the gateway buffering them, and get every byte", async () => {
    const agent = lab.agent("vm-app", 32);
    const before = process.memoryUsage().arrayBuffers;
    const readers = Array.from(
      { length: 12 },
      () =>
        new Promise<{ res: import("node:http").IncomingMessage }>((resolve, reject) => {
          const req = httpsRequest({ host: HOST, path: "/pub/large", agent }, (res) => {
            res.pause();
            resolve({ res });
          });
          req.on("error", reject);
          req.end();
        }),
    );
    const paused = await Promise.all(readers);
    // Everyone else is served while twelve downloads stand still.
    await stillServes();
    await new Promise((r) => setTimeout(r, 300));
    const grown = process.memoryUsage().arrayBuffers - before;
    // 12 × 8 MiB would be 96 MiB if bodies were buffered; socket and stream buffers are far smaller.
    expect(grown).toBeLessThan(40 * 1024 * 1024);
    const bodies = await Promise.all(
      paused.map(
        ({ res }) =>
          new Promise<Buffer>((resolve) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve(Buffer.concat(chunks)));
            res.resume();
          }),
      ),
    );
    for (const b of bodies) expect(b.equals(LARGE)).toBe(true);
  }, 30_000);
});

describe("load", () => {
  it("200 concurrent connections: no failure but the intended ones", async () => {
    type Outcome = "ok" | "denied" | "dropped" | "unexpected";
    const one = async (source: string, host: string): Promise<Outcome> => {
      const agent = new TunnelAgent({
        proxyPort: lab.port(source),
        ca: lab.dp.ca.cert,
        keepAlive: false,
        maxSockets: 1,
      });
      try {
        const r = await get(agent, host, "/pub/small");
        if (r.status === 200 && r.body.equals(SMALL)) return "ok";
        if (r.status === 403 && r.headers["x-ms-error-code"] === "AuthorizationFailure") return "denied";
        return "unexpected";
      } catch (e) {
        return /ECONNRESET|closed the connection|socket hang up/.test((e as Error).message)
          ? "dropped"
          : "unexpected";
      } finally {
        agent.destroy();
      }
    };
    const plan: [string, string, Outcome][] = [];
    for (let i = 0; i < 200; i++) {
      if (i % 5 === 3) plan.push(["internet", HOST, "denied"]);
      else if (i % 5 === 4) plan.push(["vm-app", "stgexternal01.blob.core.windows.net", "dropped"]);
      else plan.push([i % 2 ? "vm-app" : "vm-web", HOST, "ok"]);
    }
    const seqBefore = lab.dp.log.query({ limit: 1 })[0]?.seq ?? 0;
    const outcomes = await Promise.all(plan.map(([s, h]) => one(s, h)));
    expect(outcomes).toEqual(plan.map((p) => p[2]));
    // (Entries of earlier tests' downloads may land late: the log writes an entry when a response ends.)
    const logged = lab.dp.log.query({ after: seqBefore, limit: 1000 }).filter((e) => e.path !== "/pub/large");
    expect(logged.filter((e) => e.verdict === "allow")).toHaveLength(120);
    expect(logged.filter((e) => e.verdict === "deny")).toHaveLength(40);
    expect(logged.filter((e) => e.verdict === "drop" && e.stage === "policy")).toHaveLength(40);
  }, 30_000);
});
