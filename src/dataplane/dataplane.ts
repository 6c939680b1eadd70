// The data plane, put together: Azurite with the estate's accounts, the local CA, an egress proxy per source,
// the gateway behind them, the request log and connection tracking. `update` brings it all in line with a new
// estate; changes are applied one after another.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Estate } from "../model/estate.js";
import { VnetlabError } from "../model/errors.js";
import { AccountSync } from "./accounts.js";
import { Azurite, type AzuritePorts } from "./azurite.js";
import { ensureLocalCa, LeafCertificates, type LocalCa } from "./ca.js";
import { ConnectionTracker } from "./connections.js";
import { UpstreamPools } from "./forward.js";
import { Gateway, type GatewayOptions } from "./gateway.js";
import { SourceProxy, tunnelServer } from "./proxy.js";
import { RequestLog } from "./requestLog.js";
import type { DropMode } from "./responses.js";
import { DEFAULT_INTERNET_IP, PortBook, type Source, sourcesOf } from "./sources.js";

export interface DataplaneOptions {
  /** Where the CA, Azurite's data and log, the request log and the proxies' ports live. */
  dataDir: string;
  /** How dropped connections end (default `reset`). */
  drop?: DropMode;
  dropHoldMs?: number;
  /** `kind=URL` or `subresource=URL` (`keyVault=https://127.0.0.1:8200`, `file=http://...`, `sql=tcp://...`). */
  upstreams?: readonly string[];
  /** The address the `internet` source has (default 198.51.100.7). */
  internetIp?: string;
  /** Client connection timeouts, ms. */
  idleTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Called with errors of background work (an Azurite restart that failed). */
  onError?: (e: unknown) => void;
}

/** A source with its proxy, as `vnetlab sources` and the API list it. */
export interface SourceInfo {
  id: string;
  kind: Source["kind"];
  name: string;
  ip: string;
  subnetId?: string;
  resourceId?: string;
  port: number;
  /** The proxy URL to give a client (`HTTPS_PROXY`, the SDK's proxyOptions). */
  proxy: string;
}

/** Parses `--dataplane-upstream key=URL` values. */
export function parseUpstreams(specs: readonly string[]): Map<string, URL> {
  const out = new Map<string, URL>();
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    let url: URL | undefined;
    try {
      url = eq > 0 ? new URL(spec.slice(eq + 1)) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || !["http:", "https:", "tcp:"].includes(url.protocol) || (url.protocol === "tcp:" && !url.port))
      throw new VnetlabError(
        "InvalidDataplaneOption",
        `--dataplane-upstream '${spec}': expected SERVICE=URL (http://, https:// or tcp://host:port), e.g. keyVault=https://127.0.0.1:8200`,
      );
    out.set(spec.slice(0, eq).trim().toLowerCase(), url);
  }
  return out;
}

export class Dataplane {
  private readonly proxies = new Map<string, SourceProxy>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly ca: LocalCa,
    readonly log: RequestLog,
    readonly gateway: Gateway,
    readonly tracker: ConnectionTracker,
    private readonly azurite: Azurite,
    private readonly accounts: AccountSync,
    private readonly pools: UpstreamPools,
    private readonly leafs: LeafCertificates,
    private readonly ports: PortBook,
    private readonly opts: DataplaneOptions,
    private readonly inner: ReturnType<typeof tunnelServer>,
  ) {}

  static async start(estate: Estate, opts: DataplaneOptions): Promise<Dataplane> {
    if (opts.drop && opts.drop !== "reset" && opts.drop !== "timeout")
      throw new VnetlabError(
        "InvalidDataplaneOption",
        `--dataplane-drop ${String(opts.drop)}: use reset or timeout`,
      );
    const gatewayOptions: GatewayOptions = {
      drop: opts.drop ?? "reset",
      dropHoldMs: opts.dropHoldMs ?? 120_000,
      upstreams: parseUpstreams(opts.upstreams ?? []),
    };
    mkdirSync(opts.dataDir, { recursive: true });
    const ca = await ensureLocalCa(opts.dataDir);
    const azurite = new Azurite({
      location: join(opts.dataDir, "azurite"),
      logFile: join(opts.dataDir, "azurite.log"),
      onError: opts.onError,
    });
    const accounts = new AccountSync(azurite, opts.onError);
    await accounts.start(estate);
    const log = new RequestLog(join(opts.dataDir, "requests.jsonl"));
    const tracker = new ConnectionTracker();
    const pools = new UpstreamPools();
    const gateway = new Gateway(estate, {
      log,
      tracker,
      pools,
      azurite: async (service) => {
        await azurite.ready();
        return azurite.listener(service);
      },
      options: gatewayOptions,
    });
    const leafs = new LeafCertificates(ca);
    const inner = tunnelServer(gateway, opts);
    const ports = new PortBook(join(opts.dataDir, "ports.json"));
    const dp = new Dataplane(ca, log, gateway, tracker, azurite, accounts, pools, leafs, ports, opts, inner);
    try {
      await dp.syncSources(estate);
    } catch (e) {
      await dp.close();
      throw e;
    }
    return dp;
  }

  /** Applies a new estate: sources and their proxies, Azurite's accounts, open connections. */
  update(estate: Estate): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.closed || estate === this.gateway.current()) return;
      this.gateway.update(estate);
      this.accounts.update(estate);
      await this.syncSources(estate);
    });
    this.queue = run.catch((e: unknown) => this.opts.onError?.(e));
    return run;
  }

  /** Resolves once Azurite runs with the accounts of every estate passed so far. */
  async settled(): Promise<void> {
    await this.queue;
    await this.accounts.settled();
  }

  sources(): SourceInfo[] {
    return [...this.proxies.values()].map((p) => {
      const { flow: _flow, ...s } = p.source;
      const port = p.listeningPort;
      return { ...s, port, proxy: `http://127.0.0.1:${port}` };
    });
  }

  /** The source a name or id stands for. */
  source(nameOrId: string): SourceInfo | undefined {
    const k = nameOrId.toLowerCase();
    return this.sources().find((s) => s.id === k || s.name.toLowerCase() === k);
  }

  /** Azurite's ports, once it listens and has the latest accounts. */
  azuritePorts(): Promise<AzuritePorts> {
    return this.azurite.ready();
  }

  knownAzuritePorts(): AzuritePorts | undefined {
    return this.azurite.knownPorts;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => undefined);
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
    this.proxies.clear();
    this.inner.close();
    this.pools.destroy();
    await this.azurite.stop();
    await this.log.close();
  }

  /** The remembered port when it is free, else any. */
  private async listen(proxy: SourceProxy, remembered: number): Promise<number> {
    try {
      return await proxy.listen(remembered);
    } catch (e) {
      if (remembered !== 0) return this.listen(proxy, 0);
      throw new VnetlabError(
        "DataplaneStartFailed",
        `no port for ${proxy.source.name}'s proxy: ${(e as Error).message}`,
      );
    }
  }

  private async syncSources(estate: Estate): Promise<void> {
    const wanted = new Map(
      sourcesOf(estate, this.opts.internetIp ?? DEFAULT_INTERNET_IP).map((s) => [s.id, s]),
    );
    for (const [id, proxy] of this.proxies) {
      if (wanted.has(id)) continue;
      this.proxies.delete(id);
      await proxy.close();
    }
    for (const [id, source] of wanted) {
      const existing = this.proxies.get(id);
      if (existing) {
        existing.source = source;
        continue;
      }
      const proxy = new SourceProxy(
        source,
        { gateway: this.gateway, tracker: this.tracker, leafs: this.leafs, ...this.opts },
        this.inner,
      );
      const port = await this.listen(proxy, this.ports.get(id));
      this.ports.set(id, port);
      this.proxies.set(id, proxy);
    }
    writeFileSync(
      join(this.opts.dataDir, "sources.json"),
      JSON.stringify({ value: this.sources() }, null, 2),
    );
  }
}
