// elkjs in Node, two ways. The CLI lays out once and exits, so it runs ELK in-process. The server runs it on
// a worker thread: ELK is synchronous compiled Java and takes hundreds of milliseconds on a few hundred
// resources, which on the main thread would stall every ARM request behind a redraw.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { ElkNode } from "elkjs/lib/elk-api.js";
import ELK from "elkjs/lib/elk.bundled.js";
import { VnetlabError } from "../model/errors.js";
import type { ElkLike } from "./diagram/layout.js";

export function inProcessElk(): ElkLike {
  return new ELK();
}

// The thread's program, as source: an eval'd worker needs no file of its own (and no TypeScript loader in
// the thread). It lays out what it is sent with elk.bundled.js and answers with the request's id.
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ELK = require(workerData.elk);
const elk = new ELK();
parentPort.on("message", ({ id, graph }) => {
  elk.layout(graph).then(
    (result) => parentPort.postMessage({ id, result }),
    (e) => parentPort.postMessage({ id, error: String((e && e.message) || e) }),
  );
});`;

interface Answer {
  id: number;
  result?: ElkNode;
  error?: string;
}

export class ElkThread implements ElkLike {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (n: ElkNode) => void; reject: (e: Error) => void }>();
  private next = 0;

  layout(graph: ElkNode): Promise<ElkNode> {
    const worker = this.start();
    const id = this.next++;
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, graph });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new VnetlabError("DiagramLayoutFailed", "the layout thread was stopped"));
    await worker?.terminate();
  }

  /** The thread, started on first use and again after it died (a layout that crashed it fails alone). */
  private start(): Worker {
    if (this.worker) return this.worker;
    const elk = createRequire(import.meta.url).resolve("elkjs/lib/elk.bundled.js");
    const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { elk } });
    // An idle layout thread must not keep the process alive; a pending layout does.
    worker.unref();
    worker.on("message", (a: Answer) => this.answer(a));
    const died = (e: Error): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(new VnetlabError("DiagramLayoutFailed", `the layout thread stopped: ${e.message}`));
    };
    worker.on("error", died);
    worker.on("exit", (code) => died(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private answer(a: Answer): void {
    const p = this.pending.get(a.id);
    if (!p) return;
    this.pending.delete(a.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (a.result) p.resolve(a.result);
    else p.reject(new VnetlabError("DiagramLayoutFailed", `elkjs could not lay out the diagram: ${a.error}`));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.worker?.unref();
  }
}
