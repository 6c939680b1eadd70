// The UI at a few hundred resources (the trace benchmark's generator, 30 VNets: some 580 boxes): the first
// render, and no long main-thread task (jank) when the overlay switches source, while panning and zooming.
// Times are printed for the record; the bounds are loose, since CI machines vary — this is not a benchmark.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultOptions, generateEstate } from "../../bench/trace/generate.js";
import { ARTIFACTS, openApp, startWeb, type WebHarness } from "./browser.js";

let w: WebHarness;
beforeAll(async () => {
  const estate = join(mkdtempSync(join(tmpdir(), "vnetlab-web-scale-")), "estate.json");
  writeFileSync(
    estate,
    JSON.stringify({ resources: generateEstate({ ...defaultOptions(30), flows: 0 }).resources }),
  );
  w = await startWeb([estate]);
  // Long tasks (over 50 ms on the main thread) from the very start of the page.
  await w.page.addInitScript(() => {
    const seen: number[] = [];
    (window as unknown as { longTasks: number[] }).longTasks = seen;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) seen.push(e.duration);
    }).observe({ type: "longtask", buffered: true });
  });
}, 60_000);
afterAll(async () => w?.close());

const longTasks = (): Promise<number[]> =>
  w.page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));

describe("web UI at 500+ resources", () => {
  it("renders, switches the overlay and pans without long tasks", async () => {
    await openApp(w);
    const nodes = await w.page.locator("g.node").count();
    const paas = await w.page.locator('g.node[data-kind="paas"]').count();
    const first = await w.page.evaluate(
      () => performance.getEntriesByName("vnetlab:first-render")[0]?.startTime ?? -1,
    );
    const loading = await longTasks();
    console.log(
      `${nodes} boxes (${paas} PaaS): first render ${first.toFixed(0)} ms; long tasks while loading: ${loading.map((d) => d.toFixed(0)).join(", ") || "none"} ms`,
    );
    expect(nodes).toBeGreaterThan(500);

    // Switch the overlay between sources: each is one redraw of the coloured boxes.
    const sources = await w.page
      .locator("#source option")
      .evaluateAll((os) =>
        os.map((o) => (o as HTMLOptionElement).value).filter((v) => v.includes("networkinterfaces")),
      );
    const switches: number[] = [];
    for (const source of sources.slice(0, 3)) {
      const t0 = Date.now();
      await w.page.locator("#source").selectOption(source);
      await w.page.waitForFunction(
        (n) => document.querySelectorAll('g.node[data-kind="paas"][data-verdict]').length === n,
        paas,
      );
      switches.push(Date.now() - t0);
    }
    const overlay = await longTasks();
    console.log(
      `overlay switch: ${switches.join(", ")} ms; long tasks: ${overlay.map((d) => d.toFixed(0)).join(", ") || "none"} ms`,
    );

    // Pan and zoom: CSS transforms only, no redraw.
    const box = (await w.page.locator("#canvas").boundingBox())!;
    await w.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await w.page.mouse.down();
    for (let i = 0; i < 20; i++)
      await w.page.mouse.move(box.x + box.width / 2 + i * 10, box.y + box.height / 2 + i * 5);
    await w.page.mouse.up();
    for (let i = 0; i < 5; i++) await w.page.mouse.wheel(0, -120);
    const panning = await longTasks();
    console.log(`pan and zoom long tasks: ${panning.map((d) => d.toFixed(0)).join(", ") || "none"} ms`);
    await w.page.screenshot({ path: join(ARTIFACTS, "10-scale.png") });

    expect(Math.max(0, ...overlay)).toBeLessThan(600);
    expect(Math.max(0, ...panning)).toBeLessThan(400);
  });
});
