// The benchmark's gateway process: vnetlab's data plane (Azurite inside it) on the seed-000 estate, as
// `vnetlab serve --dataplane` runs it, minus the ARM API; and, for the like-for-like baseline, a second Azurite
// (blob only, its own process) that serves HTTPS itself with a certificate for 127.0.0.1. Prints one JSON line
// with what the load generator needs; then answers each `cpu` line on stdin with the CPU time this process and
// the HTTPS Azurite have used; ends with stdin.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { generate } from "selfsigned";
import { storageAccountKeys } from "../../src/arm/providers/paas/storageKeys.js";
import { accountsVariable } from "../../src/dataplane/azurite.js";
import { Dataplane } from "../../src/dataplane/index.js";
import { compileEstate } from "../../src/model/compileEstate.js";

const file = join(import.meta.dirname, "../../examples/lab000/estate.json");
const estate = compileEstate((JSON.parse(readFileSync(file, "utf8")) as { resources: never[] }).resources);
const dir = mkdtempSync(join(tmpdir(), "vnetlab-bench-dp-"));
const dp = await Dataplane.start(estate, { dataDir: dir });
const account = estate.ofType("Microsoft.Storage/storageAccounts").find((a) => a.name === "stgworkloads")!;
const key = storageAccountKeys(account)[0]!.value;

/** Azurite's blob service over HTTPS, with its access log on as the data plane's Azurite has it. */
async function startHttpsAzurite(): Promise<{ child: ChildProcess; port: number; cert: string }> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  const home = join(dir, "azurite-https");
  mkdirSync(home);
  writeFileSync(join(home, "cert.pem"), pems.cert);
  writeFileSync(join(home, "key.pem"), pems.private);
  const main = createRequire(import.meta.url).resolve("azurite/dist/src/blob/main.js");
  const args = [
    main,
    ...["--blobHost", "127.0.0.1", "--blobPort", "0", "--location", home],
    ...["--cert", join(home, "cert.pem"), "--key", join(home, "key.pem")],
    ...["--skipApiVersionCheck", "--disableTelemetry"],
  ];
  const log = openSync(join(home, "access.log"), "a");
  const child = spawn(process.execPath, args, {
    env: { ...process.env, AZURITE_ACCOUNTS: accountsVariable([{ name: account.name, key1: key }]) },
    stdio: ["ignore", "pipe", log],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const m = /successfully listens on https:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`the HTTPS Azurite exited (${code}) before listening`)));
  });
  return { child, port, cert: pems.cert };
}
const httpsAzurite = await startHttpsAzurite();

/** A process's user + system CPU time in ms, from /proc (Linux); undefined elsewhere. */
function cpuOf(pid: number | undefined): number | undefined {
  const stat = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(stat)) return undefined;
  const fields = readFileSync(stat, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
}

process.stdout.write(
  `${JSON.stringify({
    proxyPort: dp.source("vm-app")!.port,
    ca: dp.ca.cert,
    azurite: await dp.azuritePorts(),
    azuriteHttps: { port: httpsAzurite.port, cert: httpsAzurite.cert },
    account: account.name,
    key,
  })}\n`,
);
const lines = createInterface({ input: process.stdin });
lines.on("line", () => {
  const own = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({
      gateway: (own.user + own.system) / 1000,
      azuriteHttps: cpuOf(httpsAzurite.child.pid),
    })}\n`,
  );
});
lines.on("close", () => {
  httpsAzurite.child.kill("SIGTERM");
  void dp.close().then(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
