// Shared mechanics of the service firewalls: each service is an ordered chain of evaluators over rules compiled
// once per resource object (see ruleSets.ts), and the results and refusals they give.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { buildDenial, type DenialId, type DenialInput, denials } from "./denials.js";
import { clientIpText, lastName } from "./origins.js";
import type { FirewallRequest, FirewallResult, ServiceFirewall, ServiceResponse } from "./types.js";

export * from "./origins.js";
export * from "./ruleSets.js";

/** A resource's compiled rules, and its refusals that read nothing of the flow (see `denialFor`). */
interface Compiled<C> {
  readonly rules: C;
  responses?: Map<DenialId, ServiceResponse>;
}

export interface EvalContext<C> {
  readonly resource: ArmResource;
  readonly request: FirewallRequest;
  readonly estate: Estate;
  readonly rules: C;
  /** Where the resource's flow-independent refusals are kept. */
  readonly compiled?: { responses?: Map<DenialId, ServiceResponse> };
  /** Why rules that looked relevant did not apply; appended to the final reason. */
  notes: string[] | undefined;
}

/** One link of a chain: a decision, or undefined to let the next link decide. */
export type Evaluator<C> = (ctx: EvalContext<C>) => FirewallResult | undefined;

export interface FirewallSpec<C> {
  resourceTypes: readonly string[];
  /** Reads the resource's rules; called once per resource object (estates are immutable). */
  compile(resource: ArmResource, estate: Estate): C;
  /** Evaluated in order; the last link must always decide. */
  chain: readonly Evaluator<C>[];
}

export function defineFirewall<C>(spec: FirewallSpec<C>): ServiceFirewall {
  const cache = new WeakMap<ArmResource, Compiled<C>>();
  const compiledOf = (resource: ArmResource, estate: Estate): Compiled<C> => {
    let compiled = cache.get(resource);
    if (compiled === undefined) {
      compiled = { rules: spec.compile(resource, estate) };
      cache.set(resource, compiled);
    }
    return compiled;
  };
  const run = (
    compiled: Compiled<C>,
    resource: ArmResource,
    request: FirewallRequest,
    estate: Estate,
  ): FirewallResult => {
    const ctx: EvalContext<C> = {
      resource,
      request,
      estate,
      rules: compiled.rules,
      compiled,
      notes: undefined,
    };
    for (const link of spec.chain) {
      const result = link(ctx);
      if (result) return result;
    }
    throw new Error(`the firewall chain for ${resource.type} ended without a decision`);
  };
  return {
    resourceTypes: spec.resourceTypes,
    evaluate: (resource, request, estate) => run(compiledOf(resource, estate), resource, request, estate),
    bind(resource, estate) {
      const compiled = compiledOf(resource, estate);
      return (request) => run(compiled, resource, request, estate);
    },
  };
}

export function note<C>(ctx: EvalContext<C>, text: string): void {
  if (ctx.notes) ctx.notes.push(text);
  else ctx.notes = [text];
}

/**
 * The notes joined by spaces. Concatenated rather than `join`ed: the result is the same text, built without
 * copying every character of every note (it is copied once, if and when someone reads it).
 */
function joined(notes: readonly string[]): string {
  let text = notes[0]!;
  for (let i = 1; i < notes.length; i++) text = `${text} ${notes[i]}`;
  return text;
}

function withNotes<C>(ctx: EvalContext<C>, reason: string): string {
  return ctx.notes ? `${reason} ${joined(ctx.notes)}` : reason;
}

export function allow<C>(ctx: EvalContext<C>, rule: string, reason: string): FirewallResult {
  return { decision: "Allow", rule, reason: withNotes(ctx, reason) };
}

/** No extra denial inputs (the usual case, told apart without looking inside). */
const NO_EXTRA: Partial<DenialInput> = Object.freeze({});

export function deny<C>(
  ctx: EvalContext<C>,
  rule: string,
  reason: string,
  id: DenialId,
  extra: Partial<DenialInput> = NO_EXTRA,
): FirewallResult {
  return { decision: "Deny", rule, reason: withNotes(ctx, reason), response: denialFor(ctx, id, extra) };
}

/**
 * A refusal by the default action: the notes gathered on the way (the most specific causes, e.g. "subnet
 * snet-app of vnet-app is not in the account's virtual network rules.") are the reason; `fallback` when none.
 */
export function denyByDefault<C>(
  ctx: EvalContext<C>,
  rule: string,
  fallback: string,
  id: DenialId,
  extra: Partial<DenialInput> = NO_EXTRA,
): FirewallResult {
  const reason = ctx.notes ? joined(ctx.notes) : fallback;
  ctx.notes = undefined;
  return deny(ctx, rule, reason, id, extra);
}

/**
 * Refusals that read nothing of the flow: only the resource, the caller (never known for a flow), and the
 * request id and time (traces leave both unset).
 */
const FLOW_FREE: ReadonlySet<string> = new Set(
  Object.entries(denials)
    .filter(([, d]) =>
      d.reads.every((k) => ["resourceName", "location", "caller", "requestId", "time"].includes(k)),
    )
    .map(([id]) => id),
);

export function denialFor<C>(
  ctx: EvalContext<C>,
  id: DenialId,
  extra: Partial<DenialInput> = NO_EXTRA,
): ServiceResponse {
  const { request, resource } = ctx;
  // Such a refusal is the same for every flow to the resource: built once per resource.
  const reusable =
    FLOW_FREE.has(id) &&
    request.requestId === undefined &&
    request.time === undefined &&
    (extra === NO_EXTRA || Object.keys(extra).length === 0);
  // Responses are immutable values (types.ts), so one may serve every flow.
  const compiled = reusable ? ctx.compiled : undefined;
  const known = compiled?.responses?.get(id);
  if (known) return known;
  const response = buildDenialFor(resource, request, id, extra);
  if (compiled) (compiled.responses ??= new Map()).set(id, response);
  return response;
}

function buildDenialFor(
  resource: ArmResource,
  request: FirewallRequest,
  id: DenialId,
  extra: Partial<DenialInput>,
): ServiceResponse {
  const input: DenialInput = {
    resourceName: resource.name,
    clientIp: clientIpText(request.origin),
    viaServiceEndpoint: request.origin.kind === "serviceEndpoint",
    location: resource.location,
    host: request.host,
    requestId: request.requestId,
    time: request.time,
  };
  return buildDenial(id, extra === NO_EXTRA ? input : Object.assign(input, extra));
}

export function sameTenant(estate: Estate, a: string, b: string): boolean {
  return estate.tenantOf(a).toLowerCase() === estate.tenantOf(b).toLowerCase();
}

/** A private endpoint of this resource: no firewall rule applies [S8][S19]. */
export function privateEndpointBypass<C>(ctx: EvalContext<C>): FirewallResult | undefined {
  const o = ctx.request.origin;
  if (o.kind !== "privateEndpoint") return undefined;
  // [S8][S19] private endpoint traffic is not evaluated by firewall rules
  return allow(
    ctx,
    `privateEndpoint[${lastName(o.privateEndpointId)}]`,
    `the request arrives through private endpoint ${lastName(o.privateEndpointId)}, which bypasses the firewall rules.`,
  );
}

/** "AzureServices, Logging" → {azureservices, logging}; "None" → {}. */
export function parseBypass(text: string | undefined): ReadonlySet<string> {
  const out = new Set<string>();
  for (const t of (text ?? "").split(",")) {
    const v = t.trim().toLowerCase();
    if (v && v !== "none") out.add(v);
  }
  return out;
}

/** The trusted-service exception a caller qualifies for, if the resource's bypass list includes it. */
export function trustedBypass(request: FirewallRequest, bypass: ReadonlySet<string>): string | undefined {
  const t = request.caller?.trustedService;
  return t && bypass.has(t.toLowerCase()) ? t : undefined;
}

/** Properties as a record, for reading shapes ARM leaves loose. */
export function propsOf<P extends object>(resource: ArmResource): Partial<P> {
  return (resource.properties ?? {}) as Partial<P>;
}

export function isDisabled(pna: string | null | undefined): boolean {
  if (pna === "Disabled") return true;
  // Only an 8-letter value can spell "disabled": the others need no lower-cased copy.
  return typeof pna === "string" && pna.length === 8 && pna.toLowerCase() === "disabled";
}
