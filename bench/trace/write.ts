// Writes a generated estate (one JSON document) and its flows (JSON lines) to disk.
import { closeSync, openSync, writeSync } from "node:fs";
import type { GeneratedEstate } from "./plan.js";

/** Writes text in chunks, so that a 100 MB estate never becomes one string. */
class ChunkWriter {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;

  constructor(file: string) {
    this.fd = openSync(file, "w");
  }

  write(text: string): void {
    this.buf.push(text);
    this.size += text.length;
    if (this.size > 1 << 22) this.flush();
  }

  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(""));
    this.buf = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export interface WrittenFiles {
  estateFile: string;
  flowsFile: string;
  resources: number;
  flows: number;
  counts: Record<string, number>;
}

export function writeEstate(generated: GeneratedEstate, estateFile: string, flowsFile: string): WrittenFiles {
  const e = new ChunkWriter(estateFile);
  e.write('{ "resources": [\n');
  generated.resources.forEach((r, i) => {
    e.write(`${i ? ",\n" : ""}${JSON.stringify(r)}`);
  });
  e.write("\n] }\n");
  e.close();
  const f = new ChunkWriter(flowsFile);
  for (const flow of generated.flows) f.write(`${JSON.stringify(flow)}\n`);
  f.close();
  return {
    estateFile,
    flowsFile,
    resources: generated.resources.length,
    flows: generated.flows.length,
    counts: generated.counts,
  };
}
