import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer } from "node:tls";
import { describe, expect, it, onTestFinished } from "vitest";
import { ensureLocalCa, LeafCertificates } from "./ca.js";
import { parseUpstreams } from "./dataplane.js";
import { parseAuthority } from "./proxy.js";

describe("the local CA", () => {
  it("is made once, its key readable by its owner only, and signs leaves clients verify", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vnetlab-dataplane-ca-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const ca = await ensureLocalCa(dir);
    expect((await ensureLocalCa(dir)).cert).toBe(ca.cert);
    expect(statSync(join(dir, "ca-key.pem")).mode & 0o777).toBe(0o600);
    expect(new X509Certificate(ca.cert).ca).toBe(true);
    const leafs = new LeafCertificates(ca);
    const server = createServer(
      { SNICallback: (name, cb) => void leafs.context(name).then((c) => cb(null, c)) },
      (s) => s.end("ok"),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const answer = await new Promise<string>((resolve, reject) => {
      const c = connect(
        { port, host: "127.0.0.1", servername: "stgworkloads.blob.core.windows.net", ca: ca.cert },
        () => c.on("data", (d: Buffer) => resolve(d.toString())),
      );
      c.on("error", reject);
    });
    server.close();
    expect(answer).toBe("ok");
  });
});

describe("option parsing", () => {
  it("CONNECT authorities", () => {
    expect(parseAuthority("a.blob.core.windows.net:443")).toEqual({
      host: "a.blob.core.windows.net",
      port: 443,
    });
    expect(parseAuthority("[::1]:8443")).toEqual({ host: "::1", port: 8443 });
    for (const bad of ["nonsense", "a:0", "a:70000", "http://a:443", ""])
      expect(parseAuthority(bad)).toBeUndefined();
  });

  it("upstreams: SERVICE=URL, http(s) or tcp with a port", () => {
    expect([
      ...parseUpstreams(["keyVault=https://127.0.0.1:8200", "sql=tcp://127.0.0.1:1433"]).keys(),
    ]).toEqual(["keyvault", "sql"]);
    for (const bad of ["keyVault", "x=ftp://h", "sql=tcp://h"])
      expect(() => parseUpstreams([bad])).toThrow(/--dataplane-upstream/);
  });
});
