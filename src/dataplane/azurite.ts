// Azurite (the npm package, a dependency of vnetlab) as a child process on loopback ports of its own: blob,
// queue and table, its data on disk (`--location`). Accounts come from AZURITE_ACCOUNTS, which Azurite re-reads
// by itself only once a minute; vnetlab sends each new account set over IPC and has Azurite's own refresh run
// at once, so accounts follow the estate without a restart.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
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

export interface AzuriteOptions {
  /** Azurite's data directory (`--location`). */
  location: string;
  /** Where Azurite's output (its access log: one line per request, with the client's address) is appended. */
  logFile: string;
  /** How long to wait for Azurite to listen (default 30 s). */
  startTimeoutMs?: number;
}

const SERVICES: readonly AzuriteService[] = ["blob", "queue", "table"];

/** Azurite's entry point, resolved from vnetlab's own dependencies. */
function azuriteMain(): string {
  return createRequire(import.meta.url).resolve("azurite/dist/src/azurite.js");
}

// Runs inside the child before Azurite itself (node -e CODE -- MAIN ARGS, so argv looks as Azurite expects):
// - Azurite's access log prints express's req.ip, which honours X-Forwarded-For only under "trust proxy";
//   trusting the nearest hop when it is loopback or the Unix socket (no address) lets the address vnetlab's
//   gateway passes show in Azurite's log (and nobody else's).
// - Each service also accepts connections on a Unix socket in VNETLAB_AZURITE_SOCKETS (the gateway's way in:
//   a local socket skips the TCP/IP stack, which costs about as much again as the copy — bench/dataplane).
// - Every account store Azurite creates is remembered, so that an `accounts` message can set AZURITE_ACCOUNTS
//   and run the stores' own refresh (Azurite's README: the variable is re-read, normally every minute).
// - Azurite prints "... service is successfully listening at URL"; those lines (with the socket) also go to
//   vnetlab over IPC, so that Azurite's output (its access log) can go straight to a file.
// - On SIGTERM Azurite shuts down by itself; the IPC channel must not keep the process alive after that.
//   When vnetlab's process goes away the channel closes, which counts as SIGTERM.
const LAUNCHER = `
const main = process.argv[1];
const load = require("node:module").createRequire(main);
const express = load("express");
const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
const trust = (addr, i) => i === 0 && (addr === undefined || LOOPBACK.has(addr));
const init = express.application.init;
express.application.init = function () { init.call(this); this.set("trust proxy", trust); };
const servers = [];
for (const mod of [require("node:http"), require("node:https")]) {
  const create = mod.createServer;
  mod.createServer = function () { const s = create.apply(this, arguments); servers.push(s); return s; };
}
const socketDir = process.env.VNETLAB_AZURITE_SOCKETS;
function localSocket(port, service, done) {
  const server = servers.find((s) => s.address() && s.address().port === port);
  if (!socketDir || !server) return done(undefined);
  const path = require("node:path").join(socketDir, service + ".sock");
  require("node:fs").rmSync(path, { force: true });
  const local = require("node:net").createServer((c) => server.emit("connection", c));
  local.on("error", () => done(undefined));
  local.listen(path, () => done(path));
}
const Store = load("./common/AccountDataStore").default;
const stores = new Set();
const storeInit = Store.prototype.init;
Store.prototype.init = function () { stores.add(this); return storeInit.apply(this, arguments); };
const print = console.log;
console.log = (...args) => {
  const m = /Azurite (Blob|Queue|Table) service is successfully listening at \\S+:(\\d+)/.exec(String(args[0]));
  if (m && process.connected) {
    const service = m[1].toLowerCase(), port = Number(m[2]);
    localSocket(port, service, (socket) => process.connected && process.send({ kind: "listening", service, port, socket }));
  }
  print(...args);
};
process.on("message", (m) => {
  if (!m || m.kind !== "accounts") return;
  if (m.value) process.env.AZURITE_ACCOUNTS = m.value; else delete process.env.AZURITE_ACCOUNTS;
  for (const s of stores) s.refresh();
  process.send({ kind: "accounts-applied", seq: m.seq });
});
process.once("SIGTERM", () => {
  if (process.channel) process.channel.unref();
  setTimeout(() => process.exit(0), 5000).unref();
});
process.on("disconnect", () => process.emit("SIGTERM", "SIGTERM"));
load(main);
`;

/** AZURITE_ACCOUNTS: `name:key1:key2;...` (Azurite's README, "Customized storage accounts & keys"). */
export function accountsVariable(accounts: readonly AzuriteAccount[]): string {
  return accounts.map((a) => [a.name, a.key1, ...(a.key2 ? [a.key2] : [])].join(":")).join(";");
}

export class AzuriteProcess {
  private child: ChildProcess | undefined;
  private current: Promise<AzuritePorts> | undefined;
  private ports: AzuritePorts | undefined;
  private seq = 0;
  private readonly acks = new Map<number, () => void>();
  private sockets: Partial<Record<AzuriteService, string>> = {};

  constructor(private readonly opts: AzuriteOptions) {}

  /** The child's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts Azurite with these accounts; resolves with its ports once it listens. */
  start(accounts: readonly AzuriteAccount[]): Promise<AzuritePorts> {
    if (this.current) throw new VnetlabError("DataplaneStartFailed", "Azurite is started already");
    this.current = this.spawn(accounts).then((ports) => (this.ports = ports));
    return this.current;
  }

  /** Replaces Azurite's accounts; later `ready()` calls wait until Azurite has them. */
  setAccounts(accounts: readonly AzuriteAccount[]): Promise<AzuritePorts> {
    const before = this.ready();
    this.current = before.then(
      (ports) =>
        new Promise<AzuritePorts>((resolve, reject) => {
          const child = this.child;
          if (!child?.connected)
            return reject(new VnetlabError("DataplaneStartFailed", "Azurite is not running"));
          const seq = ++this.seq;
          this.acks.set(seq, () => resolve(ports));
          child.send({ kind: "accounts", seq, value: accountsVariable(accounts) }, (e) => {
            if (!e) return;
            this.acks.delete(seq);
            reject(
              new VnetlabError("DataplaneStartFailed", `Azurite did not take the accounts: ${e.message}`),
            );
          });
        }),
    );
    // A failed update leaves Azurite as it was: later requests still go to it.
    const settled = this.current;
    this.current = settled.catch(() => before);
    return settled;
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

  /** The Unix socket a service also listens on, where there is one (see LAUNCHER). */
  socketOf(service: AzuriteService): string | undefined {
    return this.sockets[service];
  }

  /** Stops Azurite (SIGTERM: its own graceful shutdown; SIGKILL after 5 s). */
  async stop(): Promise<void> {
    await this.current?.catch(() => undefined);
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      });
    }
  }

  private spawn(accounts: readonly AzuriteAccount[]): Promise<AzuritePorts> {
    mkdirSync(this.opts.location, { recursive: true });
    const args = [
      "-e",
      LAUNCHER,
      "--",
      azuriteMain(),
      ...SERVICES.flatMap((s) => [`--${s}Host`, "127.0.0.1", `--${s}Port`, "0"]),
      "--location",
      this.opts.location,
      // Azurite 3.35 refuses the x-ms-version of current SDKs without this (notes/dependencies.md).
      "--skipApiVersionCheck",
      "--disableTelemetry",
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, AZURITE_ACCOUNTS: accountsVariable(accounts) };
    if (accounts.length === 0) delete env.AZURITE_ACCOUNTS;
    // Unix sockets only, and only where the path fits (sun_path holds 104-108 bytes); else TCP it is.
    const socketDir = `${this.opts.location}.sockets`;
    if (process.platform !== "win32" && Buffer.byteLength(socketDir) + "/queue.sock".length < 100) {
      mkdirSync(socketDir, { recursive: true, mode: 0o700 });
      env.VNETLAB_AZURITE_SOCKETS = socketDir;
    } else delete env.VNETLAB_AZURITE_SOCKETS;
    mkdirSync(dirname(this.opts.logFile), { recursive: true });
    const out = openSync(this.opts.logFile, "a");
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", out, out, "ipc"] });
    closeSync(out);
    this.child = child;
    const found: Partial<AzuritePorts> = {};
    this.sockets = {};
    return new Promise<AzuritePorts>((resolve, reject) => {
      const limit = this.opts.startTimeoutMs ?? 30_000;
      const timer = setTimeout(() => fail(`Azurite did not listen within ${limit} ms`), limit);
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(new VnetlabError("DataplaneStartFailed", `${why} (its output: ${this.opts.logFile})`));
      };
      const onExit = (code: number | null): void => fail(`Azurite exited (code ${code}) before listening`);
      child.once("exit", onExit);
      child.once("error", (e) => fail(`Azurite could not start: ${e.message}`));
      type Message = {
        kind?: string;
        seq?: number;
        service?: AzuriteService;
        port?: number;
        socket?: string;
      };
      child.on("message", (m: Message) => {
        if (m?.kind === "accounts-applied" && m.seq !== undefined) {
          this.acks.get(m.seq)?.();
          this.acks.delete(m.seq);
        } else if (m?.kind === "listening" && m.service && SERVICES.includes(m.service)) {
          found[m.service] = m.port;
          if (m.socket) this.sockets[m.service] = m.socket;
          if (SERVICES.every((x) => found[x] !== undefined)) {
            clearTimeout(timer);
            child.off("exit", onExit);
            resolve(found as AzuritePorts);
          }
        }
      });
    });
  }
}
