// Every resource type the server serves, registered by its provider module.
import type { Estate } from "../model/estate.js";
import type { ResourceTypeDef } from "./resourceType.js";

export interface LocationRequest {
  method: string;
  subscriptionId: string;
  location: string;
  /** Path segments after the operation name. */
  rest: string[];
  apiVersion: string;
  baseUrl: string;
  body: unknown;
  estate: Estate;
}

/** `/subscriptions/{s}/providers/{ns}/locations/{location}/{operation}` handlers (available services, tags...). */
export type LocationOperation = (req: LocationRequest) => { status: number; body?: unknown };

export class TypeRegistry {
  private readonly defs = new Map<string, ResourceTypeDef>();
  private readonly locationOps = new Map<string, LocationOperation>();

  /** Registers a location-scoped operation of a provider namespace. */
  location(namespace: string, operation: string, handler: LocationOperation): this {
    this.locationOps.set(`${namespace}/${operation}`.toLowerCase(), handler);
    return this;
  }

  locationOperation(namespace: string, operation: string): LocationOperation | undefined {
    return this.locationOps.get(`${namespace}/${operation}`.toLowerCase());
  }

  register(...defs: ResourceTypeDef[]): this {
    for (const d of defs) this.defs.set(d.type.toLowerCase(), d);
    return this;
  }

  get(type: string): ResourceTypeDef | undefined {
    return this.defs.get(type.toLowerCase());
  }

  /** The definition of a type's parent, for child types (`a/b/c` → `a/b`). */
  parentOf(type: string): ResourceTypeDef | undefined {
    const parts = type.split("/");
    return parts.length > 2 ? this.get(parts.slice(0, -1).join("/")) : undefined;
  }

  /** Child types held inline by a parent type, with the property that holds them. */
  inlineChildrenOf(type: string): ResourceTypeDef[] {
    const prefix = `${type.toLowerCase()}/`;
    return [...this.defs.values()].filter(
      (d) =>
        d.inline && d.type.toLowerCase().startsWith(prefix) && !d.type.slice(prefix.length).includes("/"),
    );
  }

  all(): ResourceTypeDef[] {
    return [...this.defs.values()];
  }
}
