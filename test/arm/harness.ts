// Starts a real vnetlab ARM server over HTTPS (the generated certificate) on a port the OS picks, and gives
// SDK clients the options to reach it: the certificate as CA and a token credential that any token satisfies.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { ensureCertificate } from "../../src/arm/certificates.js";
import type { ArmAuth } from "../../src/arm/auth/index.js";
import type { ResourcePipeline } from "../../src/arm/resources.js";
import { createArmServer } from "../../src/arm/server.js";
import { createMemoryStore } from "../../src/store/memoryStore.js";
import type { ResourceStore } from "../../src/store/types.js";

export const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000aa";

export const credential: TokenCredential = {
  async getToken(): Promise<AccessToken> {
    return { token: "vnetlab-test-token", expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

export interface Harness {
  endpoint: string;
  /** Options for any `@azure/arm-*` client. */
  clientOptions: { endpoint: string; tlsOptions: { ca: string }; updateIntervalInMs: number };
  ca: string;
  store: ResourceStore;
  pipeline: ResourcePipeline;
  close(): Promise<void>;
}

export async function startServer(
  opts: { store?: ResourceStore; pageSize?: number; auth?: ArmAuth } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "vnetlab-arm-"));
  const cert = await ensureCertificate(dir);
  const store = opts.store ?? createMemoryStore();
  const { app, ctx } = createArmServer({ store, https: cert, pageSize: opts.pageSize, auth: opts.auth });
  await opts.auth?.seed(ctx.state);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const endpoint = `https://127.0.0.1:${port}`;
  return {
    endpoint,
    ca: cert.cert,
    clientOptions: { endpoint, tlsOptions: { ca: cert.cert }, updateIntervalInMs: 1 },
    store,
    pipeline: ctx.pipeline,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
