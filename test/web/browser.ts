// The web UI's end-to-end harness: `vnetlab serve` in this process (in-memory store, a port the OS picks, the
// generated certificate) with an estate preloaded, and Debian's Chromium driven by playwright-core. Screenshots
// and downloads go to test/web/artifacts/ (git-ignored).
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { type RunningServer, type ServeOptions, serve } from "../../src/cli/commands/serve.js";
import type { Harness } from "../arm/harness.js";
import { armRequest, type HttpResult } from "../arm/http.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const DEMO = join(ROOT, "examples/lab000/estate.json");
export const ARTIFACTS = join(import.meta.dirname, "artifacts");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface WebHarness {
  server: RunningServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** What `serve` printed. */
  output: string[];
  /** An ARM request against the server (any bearer token, the server's certificate as CA). */
  arm(method: string, path: string, body?: unknown): Promise<HttpResult>;
  close(): Promise<void>;
}

/** `extra`: more of serve's options (`auth` and `principals` for the sign-in tests). */
export async function startWeb(
  estate: string[] = [DEMO],
  extra: Partial<ServeOptions> = {},
): Promise<WebHarness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const output: string[] = [];
  const server = await serve(
    {
      host: "127.0.0.1",
      port: "0",
      dataDir: mkdtempSync(join(tmpdir(), "vnetlab-web-")),
      inMemory: true,
      estate,
      ...extra,
    },
    { out: (line) => output.push(line), err: () => undefined },
  );
  let browser: Browser | undefined;
  try {
    await server.uiReady;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Root in a container has no user namespaces for the sandbox; no GPU in CI.
      args: [
        ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
        "--disable-gpu",
        "--disable-dev-shm-usage",
      ],
    });
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const ca = readFileSync(server.certPath!, "utf8");
    // armRequest reads only the endpoint and the CA of a harness.
    const target = { endpoint: server.url, ca } as Harness;
    const opened = browser;
    return {
      server,
      browser: opened,
      context,
      page,
      output,
      arm: (method, path, body) => armRequest(target, method, path, body),
      async close() {
        await opened.close();
        await server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    await server.close();
    throw e;
  }
}

/** Opens the app and waits for its first render. */
export async function openApp(w: WebHarness): Promise<void> {
  await w.page.goto(`${w.server.url}/`);
  await w.page.waitForSelector('html[data-rendered="true"]');
}

/** The diagram node of an ARM resource of the demo (node ids are lower-cased ARM ids). */
export function nodeSelector(armId: string): string {
  return `g.node[data-id="${armId.toLowerCase()}"]`;
}

const SUB = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups";
export const DEMO_IDS = {
  vmApp: `${SUB}/rg-networking/providers/Microsoft.Network/networkInterfaces/nic-vm-app`,
  vmWeb: `${SUB}/rg-networking/providers/Microsoft.Network/networkInterfaces/nic-vm-web`,
  snetWeb: `${SUB}/rg-networking/providers/Microsoft.Network/virtualNetworks/vnet-workloads/subnets/snet-web`,
  stgWorkloads: `${SUB}/rg-storage/providers/Microsoft.Storage/storageAccounts/stgworkloads`,
  stgExternal: `${SUB}/rg-external/providers/Microsoft.Storage/storageAccounts/stgexternal01`,
  sql: `${SUB}/rg-sql/providers/Microsoft.Sql/servers/sql-workloads`,
};
