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
 */
export async function traceBatch(
  estate: Estate,
  file: string,
  io: Io,
  protocol?: TraceOptions["protocol"],
): Promise<number> {
  const input = file === "-" ? process.stdin : createReadStream(file, "utf8");
  let status: number = EXIT.ok;
  let lineNo = 0;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === "") continue;
      let from: unknown;
      let to: unknown;
      try {
        const o = JSON.parse(line) as { from?: unknown; to?: unknown };
        from = o.from;
        to = o.to;
        if (typeof from !== "string" || typeof to !== "string") {
          throw new VnetlabError("InvalidJson", `line ${lineNo} needs string "from" and "to"`, { file });
        }
        io.out(JSON.stringify({ from, to, ...traceBetween(estate, from, to, protocol) }));
      } catch (e) {
        const err =
          e instanceof VnetlabError
            ? e
            : e instanceof SyntaxError
              ? new VnetlabError("InvalidJson", `line ${lineNo}: ${e.message}`, { file })
              : undefined;
        if (!err) throw e;
        status = EXIT.badInput;
        io.out(JSON.stringify({ from, to, error: { code: err.code, message: err.message } }));
      }
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new VnetlabError("InvalidJson", "cannot read the file", { file });
    throw e;
  }
  return status;
}
