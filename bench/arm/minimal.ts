// The baseline for bench/arm: the same HTTP stack as `vnetlab serve` (this repository's Fastify, HTTPS with
// the same certificate, the same body limit, no logger) doing no work at all. GET answers a fixed JSON body
// (a copy of a VNet as vnetlab returns it, so both servers send the same bytes); PUT echoes the JSON it got.
//
//   node --import tsx bench/arm/minimal.ts --cert CERT.pem --key KEY.pem --get-body BODY.json [--port 0]
//
// Prints "minimal endpoint: https://127.0.0.1:PORT" once it listens; SIGTERM or SIGINT closes it.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import Fastify from "fastify";

const { values } = parseArgs({
  options: {
    cert: { type: "string" },
    key: { type: "string" },
    "get-body": { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "0" },
  },
});
if (!values.cert || !values.key || !values["get-body"]) {
  process.stderr.write("usage: minimal.ts --cert FILE --key FILE --get-body FILE [--host H] [--port P]\n");
  process.exit(2);
}

// The same options createArmServer (src/arm/server.ts) gives Fastify.
const app = Fastify({
  logger: false,
  bodyLimit: 4 * 1024 * 1024,
  https: { key: readFileSync(values.key, "utf8"), cert: readFileSync(values.cert, "utf8") },
});
const getBody = JSON.parse(readFileSync(values["get-body"], "utf8")) as object;

app.get("/*", async () => getBody);
app.put("/*", async (req) => req.body ?? {});

await app.listen({ host: values.host, port: Number(values.port) });
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : Number(values.port);
process.stdout.write(`minimal endpoint: https://${values.host}:${port}\n`);

const stop = (): void => {
  void app.close().then(() => {
    process.exitCode = 0;
  });
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
