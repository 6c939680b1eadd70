// The web UI under `serve --auth`, end to end: the UI's API wants one of the server's own tokens (ARM's 401s) and
// read access to every subscription of the estate (ARM's 403), the event stream alone takes the token in its
// URL, and in Chromium the Reader signs in through the page, sees the topology, traces, gets live updates, and
// signs out; a principal that cannot read all of the estate is told why.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API } from "../../src/web/api.js";
import { APP_SUB, as, P, sub, TENANT_A, type TestPrincipal, tokenFor } from "../arm/authFixture.js";
import { errorCode, type HttpResult } from "../arm/http.js";
import { ARTIFACTS, DEMO_IDS as ID, nodeSelector as node, startWeb, type WebHarness } from "./browser.js";

/** The seed lab's subscription; APP_SUB is a second one, in the estate only through the principals file. */
const LAB_SUB = "11111111-1111-1111-1111-111111111111";

const PRINCIPALS = {
  principals: [P.reader, P.owner, P.contributor],
  subscriptions: [
    { subscriptionId: LAB_SUB, tenantId: TENANT_A, displayName: "lab" },
    { subscriptionId: APP_SUB, tenantId: TENANT_A, displayName: "applications" },
  ],
  roleAssignments: [
    { principalId: P.reader.objectId, role: "Reader", scope: sub(LAB_SUB) },
    { principalId: P.reader.objectId, role: "Reader", scope: sub(APP_SUB) },
    { principalId: P.owner.objectId, role: "Owner", scope: sub(LAB_SUB) },
    // Contributor reads everything of the lab's subscription, and nothing of the second one.
    { principalId: P.contributor.objectId, role: "Contributor", scope: sub(LAB_SUB) },
  ],
};

let w: WebHarness;
let endpoint: { endpoint: string; ca: string };
beforeAll(async () => {
  w = await startWeb(undefined, { auth: true, principals: writePrincipals() });
  endpoint = { endpoint: w.server.url, ca: readFileSync(w.server.certPath!, "utf8") };
}, 30_000);
afterAll(async () => w?.close());

function writePrincipals(): string {
  const file = join(mkdtempSync(join(tmpdir(), "vnetlab-ui-auth-")), "principals.json");
  writeFileSync(file, JSON.stringify(PRINCIPALS));
  return file;
}

/**
 * A GET with exactly the headers given (no default token, unlike armRequest). An event stream answers its
 * status and headers, and is then dropped.
 */
function get(path: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, endpoint.endpoint), { ca: endpoint.ca, headers }, (res) => {
      if (String(res.headers["content-type"]).startsWith("text/event-stream")) {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: undefined });
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const json = res.headers["content-type"]?.includes("json");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: json ? JSON.parse(text) : text });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const message = (r: HttpResult): string => (r.body as { error: { message: string } }).error.message;

const ROUTES = [
  API.topology,
  `${API.reach}?source=x`,
  `${API.trace}?from=a&to=b`,
  API.findings,
  API.audit,
  API.events,
];

describe("web UI API under serve --auth", () => {
  it("serve says the UI is on and how to sign in", () => {
    expect(w.output).toContain(`web UI:      ${w.server.url}/ (sign in with a principal of --principals)`);
  });

  it("answers 401 without a token or with one it did not issue; the page and its assets stay public", async () => {
    for (const path of ROUTES) {
      const r = await get(path);
      expect([path, r.status, errorCode(r)]).toEqual([path, 401, "AuthenticationFailed"]);
      const forged = await get(path, bearer("not.a.token"));
      expect([path, forged.status, errorCode(forged)]).toEqual([path, 401, "InvalidAuthenticationToken"]);
    }
    const whatIf = await as(endpoint, "forged", "POST", API.whatIf, { resources: [] });
    expect([whatIf.status, errorCode(whatIf)]).toEqual([401, "InvalidAuthenticationToken"]);
    for (const path of ["/", "/ui/app.js", "/ui/app.css", "/favicon.ico"])
      expect([path, (await get(path)).status]).toEqual([path, 200]);
  });

  it("lets the Reader of every subscription in, and takes a token in the URL for the event stream only", async () => {
    const token = await tokenFor(endpoint, P.reader);
    const r = await get(API.topology, bearer(token));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((r.body as { diagram: { nodes: unknown[] } }).diagram.nodes.length).toBeGreaterThan(0);
    const inUrl = await get(`${API.topology}?access_token=${token}`);
    expect([inUrl.status, errorCode(inUrl)]).toEqual([401, "AuthenticationFailed"]);
    const stream = await get(`${API.events}?access_token=${token}`);
    expect([stream.status, stream.headers["content-type"]]).toEqual([
      200,
      "text/event-stream; charset=utf-8",
    ]);
    const badStream = await get(`${API.events}?access_token=forged`);
    expect([badStream.status, errorCode(badStream)]).toEqual([401, "InvalidAuthenticationToken"]);
  });

  it("refuses a principal that cannot read every subscription: AuthorizationFailed naming the one", async () => {
    const token = await tokenFor(endpoint, P.contributor);
    for (const path of ROUTES) {
      const r = await get(path, bearer(token));
      expect([path, r.status, errorCode(r)]).toEqual([path, 403, "AuthorizationFailed"]);
      expect(message(r)).toContain(
        `'Microsoft.Resources/subscriptions/read' over scope '/subscriptions/${APP_SUB}'`,
      );
    }
    // Its own subscription's resources it may read through ARM: the refusal is the UI's whole-estate rule.
    const own = await as(
      endpoint,
      token,
      "GET",
      `${sub(LAB_SUB)}/resourceGroups/rg-networking?api-version=2021-04-01`,
    );
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  });
});

async function signIn(p: TestPrincipal): Promise<void> {
  await w.page.waitForSelector("#signin", { state: "visible" });
  await w.page.getByLabel("Tenant ID").fill(p.tenantId);
  await w.page.getByLabel("Client ID").fill(p.clientId);
  await w.page.getByLabel("Client secret").fill(p.clientSecret);
  await w.page.getByRole("button", { name: "Sign in" }).click();
}

describe("web UI sign-in (headless Chromium)", () => {
  it("shows the sign-in panel and no estate before anyone signs in", async () => {
    await w.page.goto(`${w.server.url}/`);
    await w.page.waitForSelector("#signin", { state: "visible" });
    expect(await w.page.locator("g.node").count()).toBe(0);
    expect(await w.page.locator("#account").isVisible()).toBe(false);
    expect(await w.page.locator("#signin-error").textContent()).toBe("");
  });

  it("says why a wrong secret is refused", async () => {
    await signIn({ ...P.reader, clientSecret: "wrong" });
    await w.page.waitForSelector("#signin-error:not(:empty)");
    expect(await w.page.locator("#signin-error").textContent()).toMatch(/^Sign-in failed: .*secret/i);
    expect(await w.page.locator("#signin").isVisible()).toBe(true);
  });

  it("signs the Reader in: the topology renders and a trace runs", async () => {
    await signIn(P.reader);
    await w.page.waitForSelector("#signin", { state: "hidden" });
    // The topology is fetched once the panel has gone: wait for its first box before counting the rest.
    await w.page.waitForSelector('g.node text.label:text-is("vnet-workloads")');
    for (const label of ["vnet-workloads", "snet-app", "vm-app", "stgworkloads", "sql-workloads"])
      await expect(w.page.locator("g.node text.label", { hasText: label }).count()).resolves.toBeGreaterThan(
        0,
      );
    // The first 401 (before anyone signed in) is the panel's to explain, not the status line's.
    expect(await w.page.locator("#status").textContent()).toBe("");
    await w.page.waitForSelector("#account", { state: "visible" });
    expect(await w.page.locator("#who").textContent()).toBe(`Signed in as reader (tenant ${TENANT_A})`);
    expect(await w.page.evaluate(() => sessionStorage.getItem("vnetlab.token"))).toMatch(/^ey/);

    await w.page.locator(node(ID.vmApp)).click();
    await w.page.waitForSelector(`${node(ID.stgWorkloads)}[data-verdict]`);
    expect(await w.page.locator(node(ID.stgExternal)).getAttribute("data-verdict")).toBe("deny");
    await w.page.locator(node(ID.stgExternal)).click();
    await w.page.waitForSelector('[data-testid="deciding-rule"]');
    expect(await w.page.locator('[data-testid="trace-verdict"]').textContent()).toContain("DENY");
    expect(await w.page.locator('[data-testid="deciding-rule"]').textContent()).toBe("sep-storage-policy");
    await w.page.screenshot({ path: join(ARTIFACTS, "auth-01-signed-in.png") });
  });

  it("follows live updates through the event stream's token", async () => {
    await w.page.waitForFunction(() =>
      /^live · estate version \d+/.test(document.querySelector("#live")?.textContent ?? ""),
    );
    const owner = await tokenFor(endpoint, P.owner);
    const put = await as(endpoint, owner, "PUT", `${ID.snetWeb}?api-version=2024-05-01`, {
      properties: {
        addressPrefix: "10.0.2.0/24",
        serviceEndpoints: [{ service: "Microsoft.Storage" }, { service: "Microsoft.Sql" }],
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
    await w.page.waitForSelector(
      `${node(ID.snetWeb)} .badge[data-badge="endpoint"]:has(text:text-is("Sql"))`,
    );
  });

  it("signs out back to the panel, and forgets the token", async () => {
    await w.page.getByRole("button", { name: "Sign out" }).click();
    await w.page.waitForSelector("#signin", { state: "visible" });
    expect(await w.page.locator("#account").isVisible()).toBe(false);
    expect(await w.page.evaluate(() => sessionStorage.getItem("vnetlab.token"))).toBeNull();
    expect(await w.page.locator("#live").textContent()).toBe("signed out");
    // A reload stays signed out.
    await w.page.reload();
    await w.page.waitForSelector("#signin", { state: "visible" });
  });

  it("shows the server's refusal when the principal cannot read the whole estate", async () => {
    await signIn(P.contributor);
    await w.page.waitForSelector("#signin-error:not(:empty)");
    await w.page.waitForSelector("#signin", { state: "visible" });
    const shown = await w.page.locator("#signin-error").textContent();
    expect(shown).toContain(`does not have authorization to perform action`);
    expect(shown).toContain(`/subscriptions/${APP_SUB}`);
    expect(await w.page.evaluate(() => sessionStorage.getItem("vnetlab.token"))).toBeNull();
    await w.page.screenshot({ path: join(ARTIFACTS, "auth-02-refused.png") });
  });
});
