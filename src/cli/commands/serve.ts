// `vnetlab serve`: the ARM-compatible API over HTTPS, persisted in SQLite (or in memory).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Certificate, ensureCertificate, readCertificate } from "../../arm/certificates.js";
import { createArmServer } from "../../arm/server.js";
import { preloadEstate } from "../../arm/preload.js";
import { VnetlabError } from "../../model/errors.js";
import { openStore } from "../../store/index.js";
import type { Io } from "../io.js";
import { readEstateResources } from "../loadEstate.js";

export interface ServeOptions {
  host: string;
  port: string;
  dataDir: string;
  inMemory?: boolean;
  estate: string[];
  cert?: string;
  key?: string;
  http?: boolean;
}

export interface RunningServer {
  url: string;
  certPath?: string;
  close(): Promise<void>;
}

export async function serve(opts: ServeOptions, io: Io): Promise<RunningServer> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new VnetlabError("InvalidRequestFormat", `--port ${opts.port} is not a port (0 picks a free one)`);
  if ((opts.cert === undefined) !== (opts.key === undefined))
    throw new VnetlabError("InvalidRequestFormat", "--cert and --key go together");
  const dataDir = resolve(opts.dataDir);
  const preload = opts.estate.length > 0 ? readEstateResources(opts.estate) : undefined;
  const store = openStore(opts.inMemory ? { inMemory: true } : { dataDir });
  let cert: Certificate | undefined;
  if (!opts.http) {
    const certDir = opts.inMemory ? mkdtempSync(join(tmpdir(), "vnetlab-cert-")) : dataDir;
    cert =
      opts.cert && opts.key
        ? readCertificate(opts.cert, opts.key)
        : await ensureCertificate(certDir, [opts.host]);
  }
  const { app, ctx } = createArmServer({ store, https: cert });
  if (preload) await preloadEstate(ctx.pipeline, preload.resources, preload.origins);
  await app.listen({ host: opts.host, port });
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  const url = `${opts.http ? "http" : "https"}://${host}:${actualPort}`;
  io.out(`vnetlab ARM endpoint: ${url}`);
  io.out(`store: ${opts.inMemory ? "in memory (nothing is kept)" : join(dataDir, "vnetlab.db")}`);
  if (cert) {
    io.out(`certificate: ${cert.certPath}`);
    io.out(`trust it:    export NODE_EXTRA_CA_CERTS=${cert.certPath}`);
  } else {
    io.out("plain HTTP: the Azure SDKs refuse bearer tokens over http; use HTTPS for SDK clients");
  }
  io.out(`SDK:         new NetworkManagementClient(credential, subscriptionId, { endpoint: "${url}" })`);
  io.out(`CLI:         vnetlab trace --server ${url} --from VM --to URL`);
  return {
    url,
    certPath: cert?.certPath,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
