import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { traceBetween } from "../../engine/index.js";
import { VnetlabError } from "../../model/errors.js";
import type { Estate } from "../../model/estate.js";
import { formatTrace } from "../formatTrace.js";
import { EXIT, type Io } from "../io.js";

export interface TraceOptions {
  from?: string;
  to?: string;
  batch?: string;
  json?: boolean;
  protocol?: "Tcp" | "Udp" | "Icmp";
}

export function traceCommand(estate: Estate, opts: TraceOptions, io: Io): number {
  if (!opts.from || !opts.to) {
    throw new VnetlabError(
      "UnknownSource",
      "trace needs --from SOURCE and --to DEST (or --batch FLOWS.jsonl)",
    );
  }
  const t = traceBetween(estate, opts.from, opts.to, opts.protocol);
  io.out(
    opts.json
      ? JSON.stringify({ from: opts.from, to: opts.to, ...t }, null, 2)
      : formatTrace(t, opts.from, opts.to),
  );
  return EXIT.ok;
}

/**
 * One JSON object `{"from","to"}` per line in, one result per line out, in order. A line that cannot be
 * evaluated gets `{"from","to","error":{code,message}}` and the run ends with exit 2.
 *
 * Results are written once per chunk of input (every line readline has at hand), not once per line: a write
 * to a pipe is a system call. An interactive stdin still gets each answer as soon as its line arrives.
 */
export function traceBatch(
  estate: Estate,
  file: string,
  io: Io,
  protocol?: TraceOptions["protocol"],
): Promise<number> {
  const input = file === "-" ? process.stdin : createReadStream(file, "utf8");
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let status: number = EXIT.ok;
  let lineNo = 0;
  let out: string[] = [];
  let flushing = false;
  let failed = false;
  const flush = (): void => {
    flushing = false;
    if (out.length === 0) return;
    const text = `${out.join("\n")}\n`;
    out = [];
    io.out(text);
  };

  const evaluate = (line: string): void => {
    lineNo++;
    if (line.trim() === "") return;
    let from: unknown;
    let to: unknown;
    try {
      const o = JSON.parse(line) as { from?: unknown; to?: unknown };
      from = o.from;
      to = o.to;
      if (typeof from !== "string" || typeof to !== "string") {
        throw new VnetlabError("InvalidJson", `line ${lineNo} needs string "from" and "to"`, { file });
      }
      out.push(JSON.stringify({ from, to, ...traceBetween(estate, from, to, protocol) }));
    } catch (e) {
      const err =
        e instanceof VnetlabError
          ? e
          : e instanceof SyntaxError
            ? new VnetlabError("InvalidJson", `line ${lineNo}: ${e.message}`, { file })
            : undefined;
      if (!err) throw e;
      status = EXIT.badInput;
      out.push(JSON.stringify({ from, to, error: { code: err.code, message: err.message } }));
    }
  };

  return new Promise<number>((resolve, reject) => {
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      flush();
      lines.close();
      if (input !== process.stdin) input.destroy();
      reject(
        (e as NodeJS.ErrnoException).code === "ENOENT"
          ? new VnetlabError("InvalidJson", "cannot read the file", { file })
          : e,
      );
    };
    lines.on("line", (line: string) => {
      if (failed) return;
      try {
        evaluate(line);
      } catch (e) {
        fail(e);
        return;
      }
      // The lines of one chunk arrive together: write their results after the last of them.
      if (!flushing) {
        flushing = true;
        process.nextTick(flush);
      }
    });
    lines.on("close", () => {
      if (failed) return;
      flush();
      resolve(status);
    });
    // readline passes its input's errors on (a missing file: ENOENT).
    lines.on("error", fail);
    input.on("error", fail);
  });
}
