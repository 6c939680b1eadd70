// The benchmark's gateway process: vnetlab's data plane (Azurite as its own child) on the seed-000 estate, as
// `vnetlab serve --dataplane` runs it, minus the ARM API. Prints one JSON line with what the load generator
// needs; then answers each `cpu` line on stdin with the CPU time it and Azurite have used; ends with stdin.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { storageAccountKeys } from "../../src/arm/providers/paas/storageKeys.js";
import { Dataplane } from "../../src/dataplane/index.js";
import { compileEstate } from "../../src/model/compileEstate.js";

const file = join(import.meta.dirname, "../../examples/lab000/estate.json");
const estate = compileEstate((JSON.parse(readFileSync(file, "utf8")) as { resources: never[] }).resources);
const dir = mkdtempSync(join(tmpdir(), "vnetlab-bench-dp-"));
const dp = await Dataplane.start(estate, { dataDir: dir });
const account = estate.ofType("Microsoft.Storage/storageAccounts").find((a) => a.name === "stgworkloads")!;

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
    account: account.name,
    key: storageAccountKeys(account)[0]!.value,
  })}\n`,
);
const lines = createInterface({ input: process.stdin });
lines.on("line", () => {
  const own = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({ gateway: (own.user + own.system) / 1000, azurite: cpuOf(dp.azuritePid) })}\n`,
  );
});
lines.on("close", () => {
  void dp.close().then(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
