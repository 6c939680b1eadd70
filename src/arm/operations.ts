// Long-running operations. vnetlab finishes every operation before it answers, but answers the way Azure does
// (Azure-AsyncOperation / Location headers with Retry-After: 0), so SDK pollers run their real code paths.
import { randomUUID } from "node:crypto";
import { VnetlabError } from "../model/errors.js";

interface Operation {
  status: "Succeeded" | "Failed";
  /** The final result for Location-style operations (Network Watcher). */
  result?: unknown;
  error?: { code: string; message: string };
}

/** Where an operation's status and result are polled. */
export interface OperationSite {
  baseUrl: string;
  subscriptionId: string;
  namespace: string;
  location: string;
  apiVersion: string;
}

/** Bounded: old operations are forgotten, as Azure forgets them after a while. */
const MAX_OPERATIONS = 10_000;

export class Operations {
  private readonly ops = new Map<string, Operation>();

  start(op: Operation): string {
    const id = randomUUID();
    this.ops.set(id, op);
    if (this.ops.size > MAX_OPERATIONS) this.ops.delete(this.ops.keys().next().value!);
    return id;
  }

  get(id: string): Operation {
    const op = this.ops.get(id);
    if (!op) throw new VnetlabError("OperationNotFound", `The operation '${id}' could not be found.`);
    return op;
  }

  /**
   * ARM's polling headers for operation `id`: Azure-AsyncOperation (status) and/or Location (result), under
   * `/subscriptions/{sub}/providers/{namespace}/locations/{location}/`, with Retry-After: 0.
   */
  headers(site: OperationSite, id: string, poll: readonly ("status" | "result")[]): Record<string, string> {
    const at = `${site.baseUrl}/subscriptions/${site.subscriptionId}/providers/${site.namespace}/locations/${site.location}`;
    const q = `?api-version=${site.apiVersion}`;
    return {
      ...(poll.includes("result") ? { Location: `${at}/operationResults/${id}${q}` } : {}),
      ...(poll.includes("status") ? { "Azure-AsyncOperation": `${at}/operations/${id}${q}` } : {}),
      "Retry-After": "0",
    };
  }
}
