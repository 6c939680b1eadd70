// The web UI end to end, in headless Chromium against `vnetlab serve` with the seed-000 lab: first render,
// the reachability overlay from vm-app, a trace and its deciding rule, a live update after an ARM write,
// findings that select resources, keyboard use, grouping, and a what-if upload.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERDICT_PAINT } from "../../src/web/diagram/style.js";
import {
  ARTIFACTS,
  DEMO,
  DEMO_IDS as ID,
  nodeSelector as node,
  ROOT,
  openApp,
  startWeb,
  type WebHarness,
} from "./browser.js";

let w: WebHarness;
beforeAll(async () => {
  w = await startWeb();
}, 30_000);
afterAll(async () => w?.close());

const frameFill = (id: string): Promise<string | null> =>
  w.page.locator(`${node(id)} > rect.frame`).getAttribute("fill");

describe("web UI (headless Chromium)", () => {
  it("renders the demo topology in under a second", async () => {
    await openApp(w);
    const ms = await w.page.evaluate(
      () => performance.getEntriesByName("vnetlab:first-render")[0]?.startTime ?? -1,
    );
    console.log(`web UI first render of the demo estate: ${ms.toFixed(0)} ms after navigation`);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1000);
    for (const label of [
      "vnet-workloads",
      "snet-app",
      "snet-web",
      "vm-app",
      "stgworkloads",
      "sql-workloads",
      "kv-workloads",
    ])
      await expect(w.page.locator("g.node text.label", { hasText: label }).count()).resolves.toBeGreaterThan(
        0,
      );
    // The subnet's badges: its endpoints, policy and NSG.
    const badges = await w.page
      .locator(`g.node[data-kind="subnet"]:has(text.label:text-is("snet-app")) .badge text`)
      .allTextContents();
    expect(badges).toEqual(["Storage", "Sql", "KeyVault", "SEP", "NSG"]);
    await w.page.screenshot({ path: join(ARTIFACTS, "01-topology.png") });
  });

  it("colours every PaaS resource by its verdict from vm-app, with the path on the edge", async () => {
    await w.page.locator(node(ID.vmApp)).click();
    await w.page.waitForSelector(`${node(ID.stgWorkloads)}[data-verdict]`);
    expect(await w.page.locator(node(ID.stgWorkloads)).getAttribute("data-verdict")).toBe("allow");
    expect(await frameFill(ID.stgWorkloads)).toBe(VERDICT_PAINT.allow.fill);
    // stgexternal01 is a foreign account: the endpoint policy blocks it.
    expect(await w.page.locator(node(ID.stgExternal)).getAttribute("data-verdict")).toBe("deny");
    expect(await frameFill(ID.stgExternal)).toBe(VERDICT_PAINT.deny.fill);
    const edge = w.page.locator(`g.reach[data-target="${ID.stgWorkloads.toLowerCase()}"]`);
    expect(await edge.getAttribute("data-path")).toBe("endpoint");
    expect(await w.page.locator(node(ID.stgExternal)).getAttribute("aria-label")).toContain(
      "blocked from vm-app",
    );
    // The README's screenshot: the topology of the demo, coloured from vm-app.
    mkdirSync(join(ROOT, "docs"), { recursive: true });
    await w.page.screenshot({ path: join(ROOT, "docs", "topology.png") });
    await w.page.screenshot({ path: join(ARTIFACTS, "02-overlay-vm-app.png") });
  });

  it("traces a flow and highlights the deciding rule", async () => {
    await w.page.locator(node(ID.stgExternal)).click();
    await w.page.waitForSelector('[data-testid="deciding-rule"]');
    expect(await w.page.locator('[data-testid="trace-verdict"]').textContent()).toContain("DENY");
    expect(await w.page.locator('[data-testid="deciding-rule"]').textContent()).toBe("sep-storage-policy");
    expect(await w.page.locator("li.step.decided").getAttribute("data-stage")).toBe("policy");

    await w.page.locator(node(ID.stgWorkloads)).click();
    await w.page.waitForFunction(() =>
      document.querySelector('[data-testid="trace-verdict"]')?.textContent?.includes("ALLOW"),
    );
    expect(await w.page.locator('[data-testid="deciding-rule"]').textContent()).toBe(
      "networkAcls.virtualNetworkRules[vnet-workloads/subnets/snet-app]",
    );
    expect(await w.page.locator('[data-testid="seen-ip"]').textContent()).toBe("10.0.1.4");
    const stages = await w.page
      .locator("li.step")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-stage")));
    expect(stages).toEqual(["source", "dns", "nsg", "route", "path", "policy", "firewall"]);
    expect(await w.page.locator("li.step-route dd").first().textContent()).toContain(
      "VirtualNetworkServiceEndpoint",
    );
    await w.page.screenshot({ path: join(ARTIFACTS, "03-trace.png") });
  });

  it("updates the view when an endpoint is enabled through the ARM API", async () => {
    await w.page.locator("#source").selectOption(ID.vmWeb.toLowerCase());
    const sqlEdge = `g.reach[data-target="${ID.sql.toLowerCase()}"]`;
    await w.page.waitForSelector(`${sqlEdge}[data-path="internet"]`);
    const put = await w.arm("PUT", `${ID.snetWeb}?api-version=2024-05-01`, {
      properties: {
        addressPrefix: "10.0.2.0/24",
        serviceEndpoints: [{ service: "Microsoft.Storage" }, { service: "Microsoft.Sql" }],
      },
    });
    expect(put.status).toBeLessThan(300);
    // The event stream tells the page; it fetches the topology and the overlay again.
    await w.page.waitForSelector(
      `${node(ID.snetWeb)} .badge[data-badge="endpoint"]:has(text:text-is("Sql"))`,
    );
    await w.page.waitForSelector(`${sqlEdge}[data-path="endpoint"]`);
    expect(await w.page.locator("#live").textContent()).toMatch(/live · estate version \d+/);
    await w.page.screenshot({ path: join(ARTIFACTS, "04-live-update.png") });
  });

  it("selects the resources a finding names", async () => {
    await w.page.locator("#tab-findings").click();
    const finding = w.page.locator('button.item[data-rule="VNL012"]');
    await finding.click();
    // The highlight is applied on the next frame after the click: wait for it rather than race it.
    await w.page.waitForSelector(`${node(ID.stgExternal)}[data-highlighted="true"]`);
    expect(await w.page.locator(node(ID.stgExternal)).getAttribute("data-highlighted")).toBe("true");
    expect(await w.page.locator(node(ID.stgWorkloads)).evaluate((e) => getComputedStyle(e).opacity)).toBe(
      "0.3",
    );
    await w.page.locator("#tab-audit").click();
    await w.page.waitForSelector(".audit-paths button.item");
    await w.page.locator(".audit-paths button.item").first().click();
    await w.page.waitForSelector('g.node[data-highlighted="true"]');
    expect(await w.page.locator('g.node[data-highlighted="true"]').count()).toBeGreaterThan(0);
    await w.page.screenshot({ path: join(ARTIFACTS, "05-findings.png") });
  });

  it("works from the keyboard: Tab reaches the resources, Enter selects", async () => {
    await w.page.keyboard.press("Escape");
    await w.page.locator("#canvas").focus();
    let label = "";
    for (let i = 0; i < 20 && !label.startsWith("virtual machine vm-app"); i++) {
      await w.page.keyboard.press("Tab");
      label = (await w.page.evaluate(() => document.activeElement?.getAttribute("aria-label"))) ?? "";
    }
    expect(label).toMatch(/^virtual machine vm-app/);
    await w.page.keyboard.press("Enter");
    await w.page.waitForSelector(`${node(ID.vmApp)}[aria-pressed="true"]`);
    expect(await w.page.locator("#source").inputValue()).toBe(ID.vmApp.toLowerCase());
    await w.page.keyboard.press("+");
    expect(Number(await w.page.locator("#canvas").getAttribute("data-zoom"))).toBeGreaterThan(0);
  });

  it("searches, and groups and collapses by resource group", async () => {
    await w.page.locator("#search").fill("stg");
    await w.page.waitForFunction(
      () => document.querySelectorAll('g.node[data-highlighted="true"]').length === 2,
    );
    await w.page.locator("#search").fill("");
    await w.page.locator("#group-by").selectOption("resourceGroup");
    await w.page.waitForSelector('g.node[data-kind="group"]');
    const groups = await w.page.locator('g.node[data-kind="group"] text.label').allTextContents();
    expect(groups).toEqual(expect.arrayContaining(["rg-networking", "rg-storage", "rg-sql"]));
    await w.page.locator("#collapse-all").click();
    await w.page.waitForSelector('g.node[data-kind="group"][data-collapsed="true"]');
    // A collapsed group takes the verdicts of what it hides: vm-app reaches one of rg-storage's two accounts.
    const storage = w.page.locator('g.node[data-kind="group"]:has(text.label:text-is("rg-storage"))');
    expect(await storage.getAttribute("data-verdict")).toBe("allow");
    await w.page.screenshot({ path: join(ARTIFACTS, "06-collapsed.png") });
    await w.page.locator("#group-by").selectOption("none");
    await w.page.waitForSelector('g.node[data-kind="vnet"]');
  });

  it("shows what a second estate changes (what-if)", async () => {
    const estate = JSON.parse(readFileSync(DEMO, "utf8")) as {
      resources: { name: string; properties: { networkAcls: { defaultAction: string } } }[];
    };
    estate.resources.find((r) => r.name === "stgworkloads")!.properties.networkAcls.defaultAction = "Allow";
    await w.page.locator("#tab-whatif").click();
    await w.page.locator("#whatif-file").setInputFiles({
      name: "after.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(estate)),
    });
    await w.page.waitForSelector('[data-testid="whatif-summary"]');
    const changes = await w.page.locator(".whatif-changes button.item").allTextContents();
    expect(changes.some((c) => c.includes("stgworkloads") && c.includes("blocked → allowed"))).toBe(true);
    expect(await w.page.locator(".diagram-diff").textContent()).toContain("stgworkloads");
    expect(await w.page.locator(node(ID.stgWorkloads)).getAttribute("data-highlighted")).toBe("true");
    await w.page.screenshot({ path: join(ARTIFACTS, "07-what-if.png") });
  });
});
