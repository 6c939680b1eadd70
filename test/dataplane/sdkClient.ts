// Child process of harness.ts: the official Azure Storage SDK, configured as an application on a VM would be —
// the source's proxy in proxyOptions (HTTPS through CONNECT) and the local CA trusted by NODE_EXTRA_CA_CERTS,
// nothing else. Commands arrive over IPC; each answer says what the SDK saw.
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import type { SdkCommand, SdkResult } from "./harness.js";

async function run(c: SdkCommand): Promise<SdkResult> {
  const client = new BlobServiceClient(
    `https://${c.account}.blob.core.windows.net`,
    new StorageSharedKeyCredential(c.account, c.key),
    { proxyOptions: { host: "http://127.0.0.1", port: c.proxyPort }, retryOptions: { maxTries: 1 } },
  );
  const container = client.getContainerClient(c.container);
  try {
    if (c.op === "upload") {
      await container.createIfNotExists();
      await container.getBlockBlobClient(c.blob).upload(c.body ?? "", Buffer.byteLength(c.body ?? ""));
      return { ok: true };
    }
    // One GET (downloadToBuffer would HEAD first, and a HEAD's refusal has no body to check).
    const response = await container.getBlockBlobClient(c.blob).download();
    const chunks: Buffer[] = [];
    for await (const chunk of response.readableStreamBody!) chunks.push(chunk as Buffer);
    return { ok: true, body: Buffer.concat(chunks).toString("utf8") };
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message?: string };
    return { ok: false, statusCode: err.statusCode, code: err.code, message: err.message?.slice(0, 300) };
  }
}

process.on("message", (m: { id: number; command: SdkCommand }) => {
  void run(m.command).then((result) => process.send?.({ id: m.id, result }));
});
process.on("disconnect", () => process.exit(0));
