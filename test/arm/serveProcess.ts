// `vnetlab serve` as a real child process (the bin, HTTPS with its generated certificate), for tests that
// need two processes: the endpoint and certificate are read from what the server prints.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");

export interface ServeProcess {
  endpoint: string;
  ca: string;
  clientOptions: { endpoint: string; tlsOptions: { ca: string }; updateIntervalInMs: number };
  close(): Promise<void>;
}

export function startServeProcess(args: readonly string[]): Promise<ServeProcess> {
  const dir = mkdtempSync(join(tmpdir(), "vnetlab-serve-"));
  const proc: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, "bin/vnetlab.js"), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dir, ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`vnetlab serve did not start within 60 s:\n${out}`));
    }, 60_000);
    proc.once("exit", (code) => reject(new Error(`vnetlab serve exited (${code}):\n${out}`)));
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /ARM endpoint: (\S+)[\s\S]*certificate: (\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const ca = readFileSync(m[2]!, "utf8");
      resolve({
        endpoint: m[1]!,
        ca,
        clientOptions: { endpoint: m[1]!, tlsOptions: { ca }, updateIntervalInMs: 1 },
        close: () =>
          new Promise<void>((done) => {
            if (proc.exitCode !== null) return done();
            proc.once("exit", () => done());
            proc.kill("SIGTERM");
          }),
      });
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  });
}
