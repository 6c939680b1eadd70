// Where the CLI writes; tests pass their own.
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
