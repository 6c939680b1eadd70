// Accumulates a trace's stages and decisions and produces the final Trace.
import type { ServiceResponse } from "./firewalls/types.js";
import type { Decision, Stage, Trace } from "./trace.js";

/** Until the trace sets its destination (it always does). */
const NO_DESTINATION: Trace["destination"] = Object.freeze({ port: 0 });

const REACHED: Decision = Object.freeze({ stage: "route", reason: "the flow reaches its destination" });

export class TraceBuilder {
  readonly stages: Stage[] = [];
  readonly blockers: Decision[] = [];
  destination: Trace["destination"] = NO_DESTINATION;
  sourceIpSeenByService: string | undefined;
  route: Trace["route"];
  private response: ServiceResponse | undefined;
  private allow: Decision | undefined;

  push(stage: Stage): void {
    this.stages.push(stage);
    if (stage.stage === "route" && !this.route) {
      this.route = {
        nextHopType: stage.route.nextHopType,
        addressPrefix: stage.route.addressPrefix,
        source: stage.route.source,
      };
    }
  }

  get lastHop(): number {
    return this.stages.length === 0 ? 0 : this.stages[this.stages.length - 1]!.hop;
  }

  /** A stage stops the flow. The first blocker decides; later ones are listed so all can be fixed at once. */
  block(decision: Decision, response?: ServiceResponse): void {
    // [S4] §0 step 1: only the deciding blocker answers the client; after an NSG or route drop it sees a TCP timeout
    if (response && this.blockers.length === 0) this.response = response;
    this.blockers.push(decision);
  }

  /** An independent copy, to finish one network path towards several destinations. */
  fork(): TraceBuilder {
    const f = new TraceBuilder();
    f.stages.push(...this.stages);
    f.blockers.push(...this.blockers);
    f.destination = this.destination;
    f.sourceIpSeenByService = this.sourceIpSeenByService;
    f.route = this.route;
    f.response = this.response;
    f.allow = this.allow;
    return f;
  }

  /** The last stage that let the flow through; it decides an allowed flow. */
  allowBy(decision: Decision): void {
    this.allow = decision;
  }

  /** What decides the flow so far: the first blocker, else the last stage that let it through. */
  get decidedBy(): Decision {
    return this.blockers[0] ?? this.allow ?? REACHED;
  }

  build(): Trace {
    const denied = this.blockers.length > 0;
    const decidedBy = this.decidedBy;
    return {
      verdict: denied ? "Deny" : "Allow",
      decidedBy,
      blockers: this.blockers,
      sourceIpSeenByService: this.sourceIpSeenByService,
      route: this.route,
      response: this.response,
      destination: this.destination,
      stages: this.stages,
    };
  }
}
