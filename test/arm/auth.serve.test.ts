// `vnetlab serve --auth --principals FILE`: the signing key and the role assignments live in the data directory,
// so tokens issued before a restart stay valid after it and the file's assignments are not made twice; without
// --auth everything stays open.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { KEY_FILE } from "../../src/arm/auth/tokens.js";
import { type RunningServer, serve } from "../../src/cli/commands/serve.js";
import type { Harness } from "./harness.js";
import { armRequest, errorCode } from "./http.js";
import { as, FOREIGN_SUB, NET_RG, NET_SUB, ok, P, PRINCIPALS_FILE, tokenFor } from "./authFixture.js";

const BIN = join(import.meta.dirname, "..", "..", "bin/vnetlab.js");
const quiet = { out: (): void => undefined, err: (): void => undefined };

/** What the tests' helpers need of a running `serve`: its URL and its certificate. */
function harnessOf(server: RunningServer): Harness {
  const ca = readFileSync(server.certPath!, "utf8");
  return { endpoint: server.url, ca } as Harness;
}

async function start(
  dataDir: string,
  extra: { auth?: boolean; principals?: string },
): Promise<RunningServer> {
  return serve({ host: "127.0.0.1", port: "0", dataDir, estate: [], ...extra }, quiet);
}

describe("serve --auth", () => {
  it("keeps its signing key and role assignments in the data directory across restarts", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "vnetlab-auth-"));
    const principals = join(dataDir, "principals.json");
    writeFileSync(principals, JSON.stringify(PRINCIPALS_FILE));
    const first = await start(dataDir, { auth: true, principals });
    let token: string;
    try {
      const h = harnessOf(first);
      token = await tokenFor(h, P.owner);
      ok(await as(h, token, "PUT", `${NET_RG}?api-version=2021-04-01`, { location: "eastus" }));
      expect(existsSync(join(dataDir, KEY_FILE))).toBe(true);
    } finally {
      await first.close();
    }
    const second = await start(dataDir, { auth: true, principals });
    try {
      const h = harnessOf(second);
      ok(await as(h, token, "GET", `${NET_RG}?api-version=2021-04-01`));
      const list = ok(
        await as(
          h,
          token,
          "GET",
          `${NET_RG}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
        ),
      );
      const owners = (list.body as { value: { properties: { principalId: string } }[] }).value.filter(
        (a) => a.properties.principalId === P.owner.objectId,
      );
      expect(owners).toHaveLength(1);
      const anyToken = await armRequest(h, "GET", `${NET_RG}?api-version=2021-04-01`);
      expect([anyToken.status, errorCode(anyToken)]).toEqual([401, "InvalidAuthenticationToken"]);
    } finally {
      await second.close();
    }
  });

  it("the CLI's --server commands fetch a token for the principal in AZURE_CLIENT_ID and friends", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "vnetlab-auth-cli-"));
    const principals = join(dataDir, "principals.json");
    writeFileSync(principals, JSON.stringify(PRINCIPALS_FILE));
    const server = await start(dataDir, { auth: true, principals });
    try {
      const h = harnessOf(server);
      ok(
        await as(h, await tokenFor(h, P.owner), "PUT", `${NET_RG}?api-version=2021-04-01`, {
          location: "eastus",
        }),
      );
      // Subscriptions - List answers the token's tenant's subscriptions the caller has a role in.
      const listed = ok(
        await as(h, await tokenFor(h, P.reader), "GET", "/subscriptions?api-version=2022-12-01"),
      );
      const subs = (listed.body as { value: { subscriptionId: string }[] }).value.map(
        (x) => x.subscriptionId,
      );
      expect(subs).toContain(NET_SUB);
      expect(subs).not.toContain(FOREIGN_SUB);
      const cli = (env: Record<string, string>) =>
        promisify(execFile)(process.execPath, [BIN, "export", "--server", server.url], {
          encoding: "utf8",
          env: { ...process.env, NODE_EXTRA_CA_CERTS: server.certPath!, ...env },
        });
      // Without a principal: the server's 401, and what to set.
      const refused = await cli({}).catch((e: { code: number; stderr: string }) => e);
      expect(refused).toMatchObject({ code: 2 });
      expect((refused as { stderr: string }).stderr).toMatch(
        /401: InvalidAuthenticationToken.*AZURE_CLIENT_ID/,
      );
      // As the reader (Reader on the network subscription): the estate it may read.
      const { stdout } = await cli({
        AZURE_TENANT_ID: P.reader.tenantId,
        AZURE_CLIENT_ID: P.reader.clientId,
        AZURE_CLIENT_SECRET: P.reader.clientSecret,
      });
      const ids = (JSON.parse(stdout) as { resources: { id: string }[] }).resources.map((r) =>
        r.id.toLowerCase(),
      );
      expect(ids).toContain(NET_RG.toLowerCase());
      // Half a principal: the missing variable is named.
      const half = await cli({ AZURE_CLIENT_ID: P.reader.clientId }).catch((e: { stderr: string }) => e);
      expect((half as { stderr: string }).stderr).toMatch(/also set AZURE_TENANT_ID and AZURE_CLIENT_SECRET/);
      // A wrong secret: Entra's error from the token endpoint, in one line.
      const wrong = await cli({
        AZURE_TENANT_ID: P.reader.tenantId,
        AZURE_CLIENT_ID: P.reader.clientId,
        AZURE_CLIENT_SECRET: "not-the-secret",
      }).catch((e: { code: number; stderr: string }) => e);
      expect((wrong as { stderr: string }).stderr).toMatch(/gave no token for client .*invalid_client/);
    } finally {
      await server.close();
    }
  });

  it("without --auth any bearer token will do, and --principals alone is refused", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "vnetlab-open-"));
    const open = await start(dataDir, {});
    try {
      const r = await armRequest(harnessOf(open), "PUT", `${NET_RG}?api-version=2021-04-01`, {
        location: "eastus",
      });
      expect(r.status).toBe(201);
    } finally {
      await open.close();
    }
    await expect(start(dataDir, { principals: join(dataDir, "p.json") })).rejects.toMatchObject({
      code: "InvalidRequestFormat",
    });
  });
});
