// Where the CLI writes; tests pass their own.
import { writeFileSync } from "node:fs";
import { VnetlabError } from "../model/errors.js";
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

/** Exit codes: 0 evaluated (and, for verify, every intent held), 1 an intent failed, 2 bad input. */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

/** A command's document to `--out FILE` when given, else to stdout. */
export function writeOutput(io: Io, text: string, out: string | undefined): void {
  if (!out) {
    io.out(text);
    return;
  }
  try {
    writeFileSync(out, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new VnetlabError("InvalidEstate", `cannot write the file: ${code}`, { file: out });
  }
}
