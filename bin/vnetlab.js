#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx vnetlab` needs no build step.
import { register } from "tsx/esm/api";

// `vnetlab ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
