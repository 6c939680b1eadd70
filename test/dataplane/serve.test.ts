// `vnetlab serve --dataplane` as the command line runs it: the data plane's lines in the output, its sources in
// the API, and everything (Azurite included) gone after close.
import { request } from "node:https";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { serve } from "../../src/cli/commands/serve.js";
import type { Io } from "../../src/cli/io.js";

describe("vnetlab serve --dataplane", () => {
  it("starts the data plane beside the API, prints its proxies and how to trust its CA, and stops it", async () => {
    const out: string[] = [];
    const io: Io = { out: (t) => void out.push(t), err: (t) => void out.push(t) };
    const server = await serve(
      {
        host: "127.0.0.1",
        port: "0",
        dataDir: join(import.meta.dirname, "never-written"),
        inMemory: true,
        estate: [join(import.meta.dirname, "../../examples/lab000/estate.json")],
        dataplane: true,
      },
      io,
    );
    try {
      const text = out.join("\n");
      expect(text).toMatch(/vm-app\s+10\.0\.1\.4\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(text).toMatch(/trust it:\s+export NODE_EXTRA_CA_CERTS=\S+trust\.pem/);
      const sources = await new Promise<{ value: { name: string }[] }>((resolve, reject) => {
        const req = request(
          `${server.url}/vnetlab/dataplane/sources`,
          { rejectUnauthorized: false },
          (res) => {
            let body = "";
            res.on("data", (d: Buffer) => (body += d.toString()));
            res.on("end", () => resolve(JSON.parse(body) as { value: { name: string }[] }));
          },
        );
        req.on("error", reject);
        req.end();
      });
      expect(sources.value.map((s) => s.name)).toEqual(["vm-app", "vm-web", "internet"]);
    } finally {
      await server.close();
    }
  }, 60_000);
});
