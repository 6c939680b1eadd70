// Test helper for sqliteStore.test.ts, run as a child process (`node --import tsx testWorker.ts FILE`):
// writes batches to the store as fast as it can and, only after apply() has resolved, prints each
// acknowledged resource as one JSON line. The test SIGKILLs it mid-burst and checks every printed resource
// is in the file. Stdout writes to a pipe are synchronous in Node on Linux, so a printed line is never
// ahead of its commit.
import { openSqliteStore } from "./sqliteStore.js";
import type { StoredResource } from "./types.js";

const file = process.argv[2];
if (!file) throw new Error("usage: testWorker.ts DATABASE_FILE [FIRST_INDEX]");
const first = Number(process.argv[3] ?? 0);
const store = openSqliteStore(file);
const rg = "/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/crash";
const latestId = `${rg}/providers/Microsoft.Vnetlab/counters/latest`;
// A few KB per resource, so that a commit spans several pages and a kill can land inside one.
const padding = "x".repeat(3000);

let latestEtag = (await store.get(latestId))?.etag ?? null;
// Bounded, so that an orphaned worker (the test died first) cannot run forever.
for (let i = first; i < first + 100_000; i++) {
  const written: StoredResource = {
    id: `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-${i}`,
    etag: `e-${i}`,
    resource: {
      id: `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-${i}`,
      name: `vnet-${i}`,
      type: "Microsoft.Network/virtualNetworks",
      location: "eastus",
      properties: { i, padding },
    },
  };
  const latest = { id: latestId, name: "latest", type: "Microsoft.Vnetlab/counters", properties: { i } };
  // Both in one batch, guarded by the previous ETag: after recovery, `latest` must name a vnet that exists.
  await store.apply(
    [
      { kind: "put", resource: written.resource, etag: written.etag },
      { kind: "put", resource: latest, etag: `latest-${i}` },
    ],
    [{ id: latestId, etag: latestEtag }],
  );
  latestEtag = `latest-${i}`;
  process.stdout.write(JSON.stringify(written) + "\n");
}
await store.close();
