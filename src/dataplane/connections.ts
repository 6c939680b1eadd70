// Connection tracking, for changes that apply to connections already open. Enabling or disabling a service
// endpoint on a subnet closes that subnet's existing connections to the service [S1] (semantics §1.2 R4); a
// connection whose path the new estate drops (a route to None, an endpoint policy) or changes (another
// source address, a private endpoint gone) is ended too [INF]; NSG changes leave open connections alone,
// since NSGs are stateful and rule changes affect only new flows [S4]. Firewall changes need nothing here:
// every request is checked against the current estate.
import type { Socket } from "node:net";
import type { Estate } from "../model/estate.js";
import { idKey } from "../model/resourceId.js";
import type { SubnetProperties } from "../model/resources/network.js";
import { NetworkTypes as N } from "../model/resources/network.js";
import { endpointService, type PaasKind } from "../model/serviceCatalog.js";
import type { FlowDecision, OpenFlow } from "./pipeline.js";
import type { Source } from "./sources.js";

export interface TrackedConnection {
  readonly id: number;
  readonly source: Source;
  readonly flow: OpenFlow;
  /** The client's TCP connection to the proxy. */
  readonly socket: Socket;
}

export interface ConnectionChange {
  connection: TrackedConnection;
  /** reset: the service endpoint changed (R4) or the path did; drop: the new estate drops its packets. */
  action: "reset" | "drop";
  why: string;
}

/** Per subnet (by `idKey`), the PaaS kinds whose service endpoint was added or removed. */
export function endpointChanges(before: Estate, after: Estate): Map<string, Set<PaasKind>> {
  const services = (estate: Estate): Map<string, Set<string>> => {
    const out = new Map<string, Set<string>>();
    for (const s of estate.ofType<SubnetProperties>(N.subnet)) {
      const names = (s.properties?.serviceEndpoints ?? [])
        .map((e) => (typeof e?.service === "string" ? e.service.toLowerCase() : ""))
        .filter(Boolean);
      out.set(idKey(s.id), new Set(names));
    }
    return out;
  };
  const a = services(before);
  const b = services(after);
  const changed = new Map<string, Set<PaasKind>>();
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const was = a.get(key) ?? new Set<string>();
    const now = b.get(key) ?? new Set<string>();
    const kinds = new Set<PaasKind>();
    for (const name of [...was, ...now]) {
      if (was.has(name) && now.has(name)) continue;
      for (const k of endpointService(name)?.kinds ?? []) kinds.add(k);
    }
    if (kinds.size > 0) changed.set(key, kinds);
  }
  return changed;
}

function sameOrigin(a: OpenFlow, b: OpenFlow): boolean {
  return (
    a.origin.kind === b.origin.kind &&
    a.sourceIp === b.sourceIp &&
    idKey(a.resourceId) === idKey(b.resourceId)
  );
}

export class ConnectionTracker {
  private readonly open = new Set<TrackedConnection>();
  private nextId = 0;

  get size(): number {
    return this.open.size;
  }

  /** Tracks a connection until its socket closes. */
  track(source: Source, flow: OpenFlow, socket: Socket): TrackedConnection {
    const c: TrackedConnection = { id: ++this.nextId, source, flow, socket };
    this.open.add(c);
    socket.once("close", () => this.open.delete(c));
    return c;
  }

  connections(): TrackedConnection[] {
    return [...this.open];
  }

  /**
   * What an estate change does to the open connections. `retrace` opens each connection's flow again in the
   * new estate (the engine caches per estate, so this costs a trace per open connection, and only on change).
   */
  changes(
    before: Estate,
    after: Estate,
    retrace: (c: TrackedConnection) => FlowDecision,
  ): ConnectionChange[] {
    if (this.open.size === 0) return [];
    const endpoints = endpointChanges(before, after);
    const out: ConnectionChange[] = [];
    for (const c of this.open) {
      const subnet = c.source.subnetId && endpoints.get(idKey(c.source.subnetId));
      if (subnet && subnet.has(c.flow.kind)) {
        out.push({
          connection: c,
          action: "reset",
          why: "service endpoint changed on the source's subnet [S1]",
        });
        continue;
      }
      const d = retrace(c);
      if (d.kind === "drop") {
        // Only routes and policies act on packets of an existing flow; an NSG's verdict is kept per flow [S4].
        const block = d.trace.blockers.find((b) => b.stage === "route" || b.stage === "policy");
        if (block) out.push({ connection: c, action: "drop", why: block.reason });
      } else if (d.kind !== "open") {
        out.push({ connection: c, action: "reset", why: d.message });
      } else if (!sameOrigin(c.flow, d.flow)) {
        out.push({ connection: c, action: "reset", why: "the path to the service changed" });
      }
    }
    return out;
  }
}
