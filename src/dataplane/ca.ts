// The data plane's local certificate authority: made once and kept in the data directory (the key readable by
// its owner only), it signs a leaf certificate for each service host name a client connects to
// (`ACCOUNT.blob.core.windows.net`, `VAULT.vault.azure.net`, ...), so that TLS through the egress proxies is
// terminated by vnetlab and verified by clients that trust the CA. Leaves share one key pair and live in memory.
import { generateKeyPairSync, type KeyObject, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { createSecureContext, type SecureContext } from "node:tls";
import { generate } from "selfsigned";

export interface LocalCa {
  cert: string;
  key: string;
  /** The CA certificate's file, for the "how to trust it" message. */
  certPath: string;
}

const DAY = 24 * 3600 * 1000;

/** The CA in `dir` (`ca.pem`, `ca-key.pem`), created on first use. */
export async function ensureLocalCa(dir: string): Promise<LocalCa> {
  const certPath = join(dir, "ca.pem");
  const keyPath = join(dir, "ca-key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, "utf8");
    // A CA that has expired (or nearly) is made again; clients must then trust the new one.
    if (new Date(new X509Certificate(cert).validTo).getTime() > Date.now() + DAY)
      return { cert, key: readFileSync(keyPath, "utf8"), certPath };
  }
  mkdirSync(dir, { recursive: true });
  const pems = await generate([{ name: "commonName", value: "vnetlab data plane local CA" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 825 * DAY),
    extensions: [
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private, certPath };
}

function pem(key: KeyObject, kind: "spki" | "pkcs8"): string {
  return key.export({ type: kind, format: "pem" }).toString();
}

/** Leaf certificates signed by the CA, one per host name, made on first use. */
export class LeafCertificates {
  private readonly contexts = new Map<string, Promise<SecureContext>>();
  private readonly keyPair: { privateKey: string; publicKey: string };

  constructor(private readonly ca: LocalCa) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.keyPair = { privateKey: pem(privateKey, "pkcs8"), publicKey: pem(publicKey, "spki") };
  }

  /** The TLS context that presents `host`'s certificate. */
  context(host: string): Promise<SecureContext> {
    const name = host.toLowerCase();
    let ctx = this.contexts.get(name);
    if (!ctx) {
      ctx = this.make(name);
      ctx.catch(() => this.contexts.delete(name));
      this.contexts.set(name, ctx);
    }
    return ctx;
  }

  private async make(host: string): Promise<SecureContext> {
    const pems = await generate([{ name: "commonName", value: host }], {
      keyType: "ec",
      algorithm: "sha256",
      keyPair: this.keyPair,
      ca: { key: this.ca.key, cert: this.ca.cert },
      // Browsers and Node refuse leaves valid for more than 398 days [CA/Browser Forum BR 6.3.2].
      notBeforeDate: new Date(Date.now() - DAY),
      notAfterDate: new Date(Date.now() + 397 * DAY),
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [isIP(host) ? { type: 7, ip: host } : { type: 2, value: host }] },
      ],
    });
    return createSecureContext({ key: pems.private, cert: `${pems.cert}\n${this.ca.cert}` });
  }
}
