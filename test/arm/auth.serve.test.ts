// `vnetlab serve --auth --principals FILE`: the signing key and the role assignments live in the data directory,
// so tokens issued before a restart stay valid after it and the file's assignments are not made twice; without
// --auth everything stays open.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEY_FILE } from "../../src/arm/auth/tokens.js";
import { type RunningServer, serve } from "../../src/cli/commands/serve.js";
import type { Harness } from "./harness.js";
import { armRequest, errorCode } from "./http.js";
import { as, NET_RG, ok, P, PRINCIPALS_FILE, tokenFor } from "./authFixture.js";

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
