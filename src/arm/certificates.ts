// The server's TLS certificate: self-signed for localhost and the loopback addresses, made on first start and
// kept in the data directory (trusted by clients through NODE_EXTRA_CA_CERTS), or the user's own.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface Certificate {
  key: string;
  cert: string;
  /** Where the certificate lives, for the "how to trust it" message. */
  certPath: string;
}

export async function ensureCertificate(
  dir: string,
  extraHosts: readonly string[] = [],
): Promise<Certificate> {
  const certPath = join(dir, "vnetlab-cert.pem");
  const keyPath = join(dir, "vnetlab-key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8"), certPath };
  }
  mkdirSync(dir, { recursive: true });
  const ips = ["127.0.0.1", "::1", ...extraHosts.filter((h) => /^[\d.:]+$/.test(h))];
  const dns = ["localhost", ...extraHosts.filter((h) => !/^[\d.:]+$/.test(h))];
  const pems = await generate([{ name: "commonName", value: "vnetlab" }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 825 * 24 * 3600 * 1000),
    algorithm: "sha256",
    extensions: [
      // A self-signed leaf that is also its own CA, so NODE_EXTRA_CA_CERTS accepts it as an anchor.
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          ...dns.map((value) => ({ type: 2 as const, value })),
          ...ips.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { key: pems.private, cert: pems.cert, certPath };
}

export function readCertificate(certFile: string, keyFile: string): Certificate {
  return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8"), certPath: certFile };
}
