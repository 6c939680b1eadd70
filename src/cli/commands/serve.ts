// `vnetlab serve`: the ARM-compatible API over HTTPS, persisted in SQLite, PostgreSQL (--store) or memory.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type ArmAuth, openArmAuth } from "../../arm/auth/index.js";
import { type Certificate, ensureCertificate, readCertificate } from "../../arm/certificates.js";
import { createArmServer } from "../../arm/server.js";
import { preloadEstate } from "../../arm/preload.js";
import { VnetlabError } from "../../model/errors.js";
import { describeStore, openStore } from "../../store/index.js";
import type { Io } from "../io.js";
import { readEstateResources } from "../loadEstate.js";
import { mountWebUi, type WebUi } from "../../web/server/index.js";
import { type ServeDataplaneOptions, type ServedDataplane, startServeDataplane } from "./dataplane.js";

export interface ServeOptions extends ServeDataplaneOptions {
  host: string;
  port: string;
  dataDir: string;
  inMemory?: boolean;
  /** A `postgres://` URL or a SQLite file; absent: SQLite in dataDir. */
  store?: string;
  estate: string[];
  cert?: string;
  key?: string;
  http?: boolean;
  /** Check tokens and RBAC (src/arm/auth); the server issues the tokens itself. */
  auth?: boolean;
  /** `--principals FILE`: service principals (and subscriptions' tenants) for --auth. */
  principals?: string;
}

export interface RunningServer {
  url: string;
  certPath?: string;
  /** Settles once the web UI at `url` is bundled and has laid out the estate. */
  uiReady: Promise<void>;
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
  const storeOptions = { inMemory: opts.inMemory, dataDir, store: opts.store };
  const store = await openStore(storeOptions);
  let cert: Certificate | undefined;
  let app: ReturnType<typeof createArmServer>["app"];
  let auth: ArmAuth | undefined;
  let dataplane: ServedDataplane | undefined;
  let ui: WebUi | undefined;
  try {
    if (opts.principals && !opts.auth)
      throw new VnetlabError("InvalidRequestFormat", "--principals needs --auth");
    auth = opts.auth ? await openArmAuth({ ...opts, dataDir, store: opts.store }) : undefined;
    if (!opts.http) {
      const certDir = opts.inMemory ? mkdtempSync(join(tmpdir(), "vnetlab-cert-")) : dataDir;
      cert =
        opts.cert && opts.key
          ? readCertificate(opts.cert, opts.key)
          : await ensureCertificate(certDir, [opts.host]);
    }
    const server = createArmServer({ store, https: cert, auth });
    app = server.app;
    await auth?.seed(server.ctx.state);
    if (preload) await preloadEstate(server.ctx.pipeline, preload.resources, preload.origins);
    // With --auth the UI's API takes the server's own tokens and needs read access to the whole estate.
    ui = mountWebUi(app, server.ctx, auth);
    // --dataplane: Azurite and an egress proxy per source beside the API (src/dataplane, cli/commands/dataplane.ts).
    if (opts.dataplane)
      dataplane = await startServeDataplane(app, server.ctx.state, opts, dataDir, io, cert?.certPath);
    await app.listen({ host: opts.host, port });
  } catch (err) {
    await dataplane?.close();
    // A PostgreSQL pool keeps the process alive: a server that fails to start must let go of its store.
    await store.close();
    await auth?.close();
    throw err;
  }
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  const url = `${opts.http ? "http" : "https"}://${host}:${actualPort}`;
  io.out(`vnetlab ARM endpoint: ${url}`);
  io.out(`web UI:      ${url}/${auth ? " (sign in with a principal of --principals)" : ""}`);
  io.out(`store: ${describeStore(storeOptions)}`);
  if (cert) {
    io.out(`certificate: ${cert.certPath}`);
    io.out(`trust it:    export NODE_EXTRA_CA_CERTS=${cert.certPath}`);
  } else {
    io.out("plain HTTP: the Azure SDKs refuse bearer tokens over http; use HTTPS for SDK clients");
  }
  io.out(`SDK:         new NetworkManagementClient(credential, subscriptionId, { endpoint: "${url}" })`);
  io.out(`CLI:         vnetlab trace --server ${url} --from VM --to URL`);
  if (auth) io.out(`auth:        tokens from ${url}/{tenant}/oauth2/v2.0/token (client credentials)`);
  dataplane?.announce(io, url);
  return {
    url,
    certPath: cert?.certPath,
    uiReady: ui?.ready ?? Promise.resolve(),
    async close() {
      await dataplane?.close();
      await app.close();
      await store.close();
      await auth?.close();
    },
  };
}
