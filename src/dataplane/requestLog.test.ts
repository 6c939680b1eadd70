import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { formatEntry, readLogFile, RequestLog } from "./requestLog.js";

describe("RequestLog", () => {
  it("answers by source, after a sequence number and up to a limit; writes JSON lines in batches", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vnetlab-dataplane-log-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "requests.jsonl");
    const log = new RequestLog(file, 100);
    for (let i = 0; i < 8; i++)
      log.append({
        source: i % 2 ? "vm-app" : "internet",
        sourceId: "x",
        destination: "a:443",
        verdict: "allow",
      });
    expect(log.query({ source: "VM-APP" }).map((e) => e.seq)).toEqual([2, 4, 6, 8]);
    expect(log.query({ after: 6 }).map((e) => e.seq)).toEqual([7, 8]);
    expect(log.query({ limit: 2 }).map((e) => e.seq)).toEqual([7, 8]);
    await log.close();
    expect(readLogFile(file).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Memory keeps the most recent entries only.
    const small = new RequestLog(undefined, 2);
    for (let i = 0; i < 5; i++)
      small.append({ source: "s", sourceId: "s", destination: "a:1", verdict: "allow" });
    expect(small.query({ limit: 10 }).map((e) => e.seq)).toEqual([4, 5]);
  });

  it("one line per entry: source, address seen, what, verdict, deciding rule", () => {
    const line = formatEntry({
      seq: 1,
      time: "2026-01-01T00:00:00.000Z",
      source: "vm-app",
      sourceId: "x",
      sourceIp: "10.0.1.4",
      destination: "stgworkloads.blob.core.windows.net:443",
      method: "GET",
      path: "/c/b",
      verdict: "deny",
      status: 403,
      stage: "firewall",
      rule: "networkAcls.defaultAction=Deny",
    });
    expect(line).toBe(
      "2026-01-01T00:00:00.000Z  vm-app (seen as 10.0.1.4) → GET https://stgworkloads.blob.core.windows.net:443/c/b  DENY 403 — firewall: networkAcls.defaultAction=Deny",
    );
  });
});
