// The contract of a resource type served by the ARM layer: one definition per type, registered by its provider
// module. The generic pipeline (writes.ts) does URLs, ETags, preconditions and persistence; a definition says
// only what is particular to its type — defaults, read-only properties, validation, back-references, actions.
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import type { Regions } from "../model/regions.js";
import type { ServiceTags } from "../model/serviceTags.js";

export interface WriteContext {
  /** The resource before this write; undefined on create. */
  existing?: ArmResource;
  /** For inline children: the parent being written (already prepared). */
  parent?: ArmResource;
  /** The whole estate as it would be after the write (compiled on first use). */
  after(): Estate;
  /** The estate as it is now. */
  before(): Estate;
  regions: Regions;
  serviceTags: ServiceTags;
  apiVersion: string;
  /** The ETag this write gives the resource. */
  etag: string;
  newGuid(): string;
}

export interface ActionContext {
  estate: Estate;
  apiVersion: string;
  subscriptionId: string;
  /** The request's base URL (scheme and host), for Location / nextLink headers. */
  baseUrl: string;
}

/**
 * What an action answers: a body now, or a long-running operation whose result is the body. `write` is a new
 * version of the resource the action changed (storage `regenerateKey`), stored if it is still the version read.
 */
export type ActionResult =
  { status: 200; body: unknown; write?: ArmResource } | { status: 202; body: unknown; asyncResult: true };

export type ActionHandler = (resource: ArmResource, body: unknown, ctx: ActionContext) => ActionResult;

export interface ResourceTypeDef {
  /** Full type, e.g. `Microsoft.Network/virtualNetworks/subnets`. */
  type: string;
  /** Child types that ARM returns inside the parent's properties (subnets, securityRules, routes...). */
  inline?: { property: string };
  /** `required` for regional resources, `global` for global ones (DNS zones), `none` for child resources. */
  location: "required" | "global" | "none";
  /** Network-style writes: PUT and DELETE answer with Azure-AsyncOperation (already Succeeded). */
  asyncWrites?: boolean;
  /** Fills defaults and read-only properties; checks the body's own shape. Must be idempotent. */
  prepare(resource: ArmResource, ctx: WriteContext): ArmResource;
  /**
   * PATCH: the resource an update asks for, merged from the existing one and the body (Storage, SQL, Key Vault
   * and Cosmos DB update properties, not only tags). The result is prepared and validated like a PUT. Without
   * it, PATCH updates tags only.
   */
  patch?(existing: ArmResource, body: ArmResource): ArmResource;
  /** Checks against the whole estate after the write. */
  validate?(resource: ArmResource, ctx: WriteContext): void;
  /** Refuses a delete (e.g. a subnet still in use); the estate is the current one. */
  checkDelete?(resource: ArmResource, estate: Estate): void;
  /** The response body: computed back-references and the like. */
  present?(resource: ArmResource, estate: Estate): ArmResource;
  /** POST `{resource}/{action}` handlers, keyed by lower-cased action name. */
  actions?: Record<string, ActionHandler>;
  /**
   * Resources Azure writes and deletes together with this one (a private endpoint's network interface). A PUT
   * stores the prepared resource and `plan`'s companions in one write, validated together; a DELETE removes
   * the resources `ids` names with it (resources.ts). `prepare` must not call `ctx.after()`: the companions
   * are planned after it.
   */
  companions?: {
    plan(resource: ArmResource, ctx: WriteContext): ArmResource[];
    ids(resource: ArmResource): string[];
  };
  /**
   * Children Azure serves although nobody wrote them (a messaging namespace's `networkRuleSets/default`): what
   * GET and list answer for a parent while none of them is stored, for the request's api-version. A PUT of one
   * updates it (200). Empty when the parent does not exist.
   */
  implicit?(parentId: string, estate: Estate, apiVersion: string): ArmResource[];
}
