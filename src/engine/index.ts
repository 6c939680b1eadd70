// The engine's public surface: pure functions of an Estate.

import { VnetlabError } from "../model/errors.js";
import type { Estate } from "../model/estate.js";
import { parseDestination, parseSource } from "./endpoints.js";
import type { Flow, Protocol } from "./flow.js";
import type { Trace } from "./trace.js";
import { trace } from "./traceFlow.js";

export { parseDestination, parseSource } from "./endpoints.js";
export type { Flow, FlowDestination, FlowSource, Protocol } from "./flow.js";
export type { Decision, EffectiveRoute, Stage, Trace, Verdict } from "./trace.js";
export {
  finishTrace,
  namesSeenBy,
  type NetworkPhase,
  type Target,
  targetOfName,
  trace,
  traceNetwork,
} from "./traceFlow.js";
export type { DnsTarget, DnsTargets } from "./dnsTarget.js";
export { firstUsableAddress } from "./endpoints.js";

/** Parses a source and destination as typed on a command line and traces the flow. */
export function traceBetween(estate: Estate, from: string, to: string, protocol: Protocol = "Tcp"): Trace {
  const flow: Flow = {
    source: parseSource(estate, from),
    destination: parseDestination(estate, to),
    protocol,
  };
  return trace(estate, flow);
}

export { effectiveSecurityRules } from "./nsg/index.js";
export { subnetRoutes } from "./routes/index.js";

/** The NIC and subnet behind a VM or NIC name, ARM id or private IP (what `routes` and `rules` take). */
export function nicOf(estate: Estate, text: string): { nicId: string; subnetId: string } {
  const src = parseSource(estate, text);
  if (src.kind !== "nic") {
    throw new VnetlabError("UnknownSource", `'${text}' is not a VM or network interface in the estate`);
  }
  return { nicId: src.nicId, subnetId: src.subnetId };
}
