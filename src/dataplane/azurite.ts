// Azurite (the npm package, a dependency of vnetlab) inside vnetlab's own process: its blob, queue and table
// servers listen on loopback ports of their own for direct use, and the gateway hands each allowed request
// straight to the service's request listener — no second HTTP hop, so a download costs what Azurite serving
// HTTPS itself costs (bench/dataplane). Accounts come from the estate: each server's account store is given
// the set directly (Azurite itself would re-read AZURITE_ACCOUNTS once a minute), so several data planes in
// one process keep their own.
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { VnetlabError } from "../model/errors.js";

export interface AzuriteAccount {
  name: string;
  key1: string;
  key2?: string;
}

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

export type AzuriteService = keyof AzuritePorts;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface AzuriteOptions {
  /** Azurite's data directory (its `--location`). */
  location: string;
  /** Where Azurite's access log (one line per request, with the client's address) is appended. */
  logFile: string;
  /** Told of failures that do not belong to a request (the access log cannot be written). */
  onError?: (e: unknown) => void;
}

const SERVICES: readonly AzuriteService[] = ["blob", "queue", "table"];

/** What vnetlab uses of an Azurite server (Azurite ships JavaScript only; these are its dist classes' shapes). */
interface AzuriteServer {
  start(): Promise<void>;
  close(): Promise<void>;
  readonly httpServer: Server;
  readonly accountDataStore?: AccountStore;
}

interface AccountStore {
  accounts: unknown;
  refresh(): void;
  parserAccountsEnvironmentString(value: string): unknown;
}

type Constructor<T> = new (...args: unknown[]) => T;
type Constants = Record<string, unknown>;

/** Azurite's modules, resolved from vnetlab's own dependencies. */
const load = createRequire(createRequire(import.meta.url).resolve("azurite/dist/src/azurite.js"));
const defaultOf = <T>(path: string): T => (load(path) as { default: T }).default;

let expressPatched = false;
/**
 * Azurite's access log prints express's req.ip, which honours X-Forwarded-For only under "trust proxy". Every
 * request Azurite gets either comes from the gateway (which sets the address the service would see) or from a
 * client on Azurite's own loopback ports, whose X-Forwarded-* headers are dropped (see `guardDirect`); so
 * trusting the nearest loopback hop shows the former's address and the latter's own.
 */
function trustLoopbackProxy(): void {
  if (expressPatched) return;
  expressPatched = true;
  const express = load("express") as { application: { init(this: ExpressApp): void } };
  const init = express.application.init;
  const loopback = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
  express.application.init = function (this: ExpressApp) {
    init.call(this);
    this.set("trust proxy", (addr: string | undefined, i: number) => i === 0 && loopback.has(addr ?? ""));
  };
}

interface ExpressApp {
  set(name: string, value: unknown): void;
}

/** One persistence location per service instance (Azurite's default array is a shared module global). */
function persistence(constants: Constants, arrayName: string, location: string, dir: string): unknown[] {
  const [first] = constants[arrayName] as Record<string, unknown>[];
  return [{ ...first, locationPath: join(location, dir) }];
}

function createServers(location: string, log: WriteStream): Record<AzuriteService, AzuriteServer> {
  const blobC = load("./blob/utils/constants") as Constants;
  const queueC = load("./queue/utils/constants") as Constants;
  const tableC = load("./table/utils/constants") as Constants;
  const at = (c: Constants, name: string): string => join(location, c[name] as string);
  // Constructor arguments as Azurite's own main (dist/src/azurite.js) passes them: host, port 0 (a free one),
  // keep-alive, databases, persistence, access log on (to `log`), no debug log, strict, no API version check
  // (3.35 refuses current SDKs' x-ms-version otherwise, notes/dependencies.md), plain HTTP, no OAuth.
  const common = [false, true, "", "", "", undefined, false, false] as const;
  const blob = new (defaultOf<Constructor<object>>("./blob/BlobConfiguration"))(
    ...["127.0.0.1", 0, blobC.DEFAULT_BLOB_KEEP_ALIVE_TIMEOUT],
    ...[at(blobC, "DEFAULT_BLOB_LOKI_DB_PATH"), at(blobC, "DEFAULT_BLOB_EXTENT_LOKI_DB_PATH")],
    persistence(
      blobC,
      "DEFAULT_BLOB_PERSISTENCE_ARRAY",
      location,
      blobC.DEFAULT_BLOB_PERSISTENCE_PATH as string,
    ),
    ...[true, log, false, undefined],
    ...common,
  );
  const queue = new (defaultOf<Constructor<object>>("./queue/QueueConfiguration"))(
    ...["127.0.0.1", 0, queueC.DEFAULT_QUEUE_KEEP_ALIVE_TIMEOUT],
    ...[at(queueC, "DEFAULT_QUEUE_LOKI_DB_PATH"), at(queueC, "DEFAULT_QUEUE_EXTENT_LOKI_DB_PATH")],
    persistence(
      queueC,
      "DEFAULT_QUEUE_PERSISTENCE_ARRAY",
      location,
      queueC.DEFAULT_QUEUE_PERSISTENCE_PATH as string,
    ),
    ...[true, log, false, undefined],
    ...common,
  );
  // The table configuration orders its arguments differently (TableConfiguration.js).
  const table = new (defaultOf<Constructor<object>>("./table/TableConfiguration"))(
    ...["127.0.0.1", 0, tableC.DEFAULT_TABLE_KEEP_ALIVE_TIMEOUT, at(tableC, "DEFAULT_TABLE_LOKI_DB_PATH")],
    ...[false, true, log, undefined],
    ...common,
  );
  return {
    blob: new (defaultOf<Constructor<AzuriteServer>>("./blob/BlobServer"))(blob),
    queue: new (defaultOf<Constructor<AzuriteServer>>("./queue/QueueServer"))(queue),
    table: new (defaultOf<Constructor<AzuriteServer>>("./table/TableServer"))(table),
  };
}

/**
 * Azurite's own ports answer clients directly: their X-Forwarded-* headers are dropped, so that no client can
 * choose the address Azurite logs or the protocol it checks a SAS against (`spr`). Returns the listener as it
 * was, for the gateway, which sets those headers itself.
 */
function guardDirect(server: Server): RequestListener {
  const listener = server.listeners("request")[0] as RequestListener;
  server.removeListener("request", listener);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    for (const h of ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"]) delete req.headers[h];
    listener(req, res);
  });
  return listener;
}

/** AZURITE_ACCOUNTS' format: `name:key1:key2;...` (Azurite's README, "Customized storage accounts & keys"). */
export function accountsVariable(accounts: readonly AzuriteAccount[]): string {
  return accounts.map((a) => [a.name, a.key1, ...(a.key2 ? [a.key2] : [])].join(":")).join(";");
}

export class Azurite {
  private servers: Record<AzuriteService, AzuriteServer> | undefined;
  private listeners: Record<AzuriteService, RequestListener> | undefined;
  private current: Promise<AzuritePorts> | undefined;
  private ports: AzuritePorts | undefined;
  private log: WriteStream | undefined;
  private readonly emulatorAccounts = new Map<AccountStore, unknown>();

  constructor(private readonly opts: AzuriteOptions) {}

  /** Starts Azurite with these accounts; resolves with its ports once it listens. */
  start(accounts: readonly AzuriteAccount[]): Promise<AzuritePorts> {
    if (this.current) throw new VnetlabError("DataplaneStartFailed", "Azurite is started already");
    this.current = this.startServers(accounts).then((ports) => (this.ports = ports));
    return this.current;
  }

  private async startServers(accounts: readonly AzuriteAccount[]): Promise<AzuritePorts> {
    trustLoopbackProxy();
    mkdirSync(this.opts.location, { recursive: true });
    mkdirSync(dirname(this.opts.logFile), { recursive: true });
    const log = createWriteStream(this.opts.logFile, { flags: "a" });
    // A log that cannot be written must not take the process down with it.
    log.on("error", (e) => this.opts.onError?.(e));
    this.log = log;
    try {
      const servers = createServers(this.opts.location, this.log);
      this.servers = servers;
      for (const s of SERVICES) {
        const store = servers[s].accountDataStore;
        if (!store) continue;
        // Azurite's refresh re-reads the process-wide variable; this server reads the set given here instead.
        store.refresh = () => undefined;
        this.emulatorAccounts.set(store, store.accounts);
      }
      this.setAccountsNow(accounts);
      for (const s of SERVICES) await servers[s].start();
      const ports = {} as AzuritePorts;
      const listeners = {} as Record<AzuriteService, RequestListener>;
      for (const s of SERVICES) {
        ports[s] = (servers[s].httpServer.address() as AddressInfo).port;
        listeners[s] = guardDirect(servers[s].httpServer);
      }
      this.listeners = listeners;
      return ports;
    } catch (e) {
      await this.teardown();
      throw new VnetlabError("DataplaneStartFailed", `Azurite could not start: ${(e as Error).message}`);
    }
  }

  private setAccountsNow(accounts: readonly AzuriteAccount[]): void {
    const value = accountsVariable(accounts);
    for (const s of SERVICES) {
      const store = this.servers?.[s].accountDataStore;
      if (!store) continue;
      // No accounts at all: Azurite's own fallback, its well-known emulator account.
      store.accounts =
        value === "" ? this.emulatorAccounts.get(store) : store.parserAccountsEnvironmentString(value);
    }
  }

  /** Replaces Azurite's accounts; requests served afterwards see them. */
  setAccounts(accounts: readonly AzuriteAccount[]): Promise<AzuritePorts> {
    const before = this.ready();
    const next = before.then((ports) => {
      this.setAccountsNow(accounts);
      return ports;
    });
    // A set Azurite refused leaves the last good one in force: later requests still reach Azurite.
    this.current = next.catch(() => before);
    return next;
  }

  /** Azurite's ports, once it listens and has the latest accounts. */
  ready(): Promise<AzuritePorts> {
    if (!this.current) throw new VnetlabError("DataplaneStartFailed", "Azurite has not been started");
    return this.current;
  }

  /** The ports, without waiting. */
  get knownPorts(): AzuritePorts | undefined {
    return this.ports;
  }

  /** The request listener of a service (after `ready()`): what the gateway hands allowed requests to. */
  listener(service: AzuriteService): RequestListener {
    const l = this.listeners?.[service];
    if (!l) throw new VnetlabError("DataplaneStartFailed", "Azurite is not running");
    return l;
  }

  /** Stops the servers (their own graceful close) and the access log. */
  async stop(): Promise<void> {
    await this.current?.catch(() => undefined);
    await this.teardown();
  }

  private async teardown(): Promise<void> {
    const servers = this.servers;
    this.servers = undefined;
    this.listeners = undefined;
    if (servers) await Promise.all(SERVICES.map((s) => servers[s].close().catch(() => undefined)));
    const log = this.log;
    this.log = undefined;
    // Requests still in flight may log after this: their lines are dropped, never written to an ended stream.
    if (log) {
      const end = new Promise<void>((resolve) => log.end(() => resolve()));
      log.write = () => true;
      await end;
    }
  }
}
