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

  asyncOperationUrl(
    baseUrl: string,
    subscriptionId: string,
    namespace: string,
    location: string,
    id: string,
    apiVersion: string,
  ): string {
    return `${baseUrl}/subscriptions/${subscriptionId}/providers/${namespace}/locations/${location}/operations/${id}?api-version=${apiVersion}`;
  }

  resultUrl(
    baseUrl: string,
    subscriptionId: string,
    namespace: string,
    location: string,
    id: string,
    apiVersion: string,
  ): string {
    return `${baseUrl}/subscriptions/${subscriptionId}/providers/${namespace}/locations/${location}/operationResults/${id}?api-version=${apiVersion}`;
  }
}
