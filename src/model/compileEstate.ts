// Builds an Estate from ARM resources: clones them, normalises locations and child resources, checks every
// reference and address, and indexes the result. Bad input throws a VnetlabError naming the file and resource.
import type { ArmResource } from "./arm.js";
import { childKindOfType, childKindsOf } from "./children.js";
import { VnetlabError } from "./errors.js";
import type { Estate } from "./estate.js";
import { Regions } from "./regions.js";
import { idKey, parentId, parseResourceId } from "./resourceId.js";
import { ServiceTags } from "./serviceTags.js";
import { validateEstate } from "./validateEstate.js";

export interface CompileOptions {
  serviceTags?: ServiceTags;
  regions?: Regions;
  /** The file each resource came from (parallel to the resources), for error messages. */
  origins?: readonly (string | undefined)[];
}

/** A subscription whose tenant is not declared belongs to this tenant. */
export const DEFAULT_TENANT_ID = "00000000-0000-0000-0000-000000000000";

/** The resources of one estate document: a JSON array, `{ "resources": [...] }`, or a REST list's `{ "value": [...] }`. */
export function estateResourcesOf(content: unknown, file?: string): unknown[] {
  if (Array.isArray(content)) return content;
  if (content && typeof content === "object") {
    const o = content as Record<string, unknown>;
    if (Array.isArray(o.resources)) return o.resources;
    if (Array.isArray(o.value)) return o.value;
  }
  throw new VnetlabError(
    "InvalidEstate",
    'an estate is a JSON array of ARM resources, { "resources": [...] } or { "value": [...] }',
    { file },
  );
}

class CompiledEstate implements Estate {
  readonly resources: ArmResource[] = [];
  private readonly byId = new Map<string, ArmResource>();
  /**
   * The same resources under their ids exactly as written: callers pass the ids they read from the estate
   * again and again, and a string keeps its hash, while `idKey` builds a new lower-cased string per call.
   */
  private readonly byExactId = new Map<string, ArmResource>();
  private readonly tenantCache = new Map<string, string>();
  private readonly byType = new Map<string, ArmResource[]>();
  private readonly byNameIndex = new Map<string, ArmResource[]>();
  private readonly tenants = new Map<string, string>();
  /** Keys of the resources given as input (as opposed to children lifted out of a parent). */
  readonly units = new Set<string>();
  /** The file each resource came from, for error messages. */
  readonly fileOf = new Map<string, string | undefined>();

  constructor(
    readonly serviceTags: ServiceTags,
    readonly regions: Regions,
  ) {}

  /** Every resource with its lower-cased key, in load order. */
  *keyed(): IterableIterator<[string, ArmResource]> {
    yield* this.byId.entries();
  }

  add(r: ArmResource, key = idKey(r.id)): void {
    const existing = this.byId.get(key);
    if (existing) this.resources.splice(this.resources.indexOf(existing), 1, r);
    else this.resources.push(r);
    this.byId.set(key, r);
  }

  index(): void {
    for (const r of this.resources) {
      const t = r.type.toLowerCase();
      const ofType = this.byType.get(t);
      if (ofType) ofType.push(r);
      else this.byType.set(t, [r]);
      const n = r.name.toLowerCase();
      const named = this.byNameIndex.get(n);
      if (named) named.push(r);
      else this.byNameIndex.set(n, [r]);
      if (t === "microsoft.resources/subscriptions" && r.tenantId) {
        this.tenants.set(r.name.toLowerCase(), r.tenantId);
      }
      // `resources` holds only the resource that won each key, so both maps give the same answer.
      this.byExactId.set(r.id, r);
    }
  }

  get<P extends object = Record<string, unknown>>(id: string | undefined): ArmResource<P> | undefined {
    if (id === undefined) return undefined;
    return (this.byExactId.get(id) ?? this.byId.get(idKey(id))) as ArmResource<P> | undefined;
  }

  ofType<P extends object = Record<string, unknown>>(type: string): readonly ArmResource<P>[] {
    return (this.byType.get(type.toLowerCase()) ?? []) as ArmResource<P>[];
  }

  byName(name: string, types?: readonly string[]): readonly ArmResource[] {
    // Keys are lower case: a name that already is one needs no copy.
    const all = this.byNameIndex.get(name) ?? this.byNameIndex.get(name.toLowerCase()) ?? [];
    if (!types) return all;
    return all.filter((r) => {
      const type = r.type.toLowerCase();
      return types.some((t) => t.toLowerCase() === type);
    });
  }

  tenantOf(resourceId: string): string {
    // A pure function of the id on an immutable estate: remembered per id string.
    let tenant = this.tenantCache.get(resourceId);
    if (tenant === undefined) {
      const own = this.get(resourceId)?.tenantId;
      const sub = own ? undefined : parseResourceId(resourceId)?.subscriptionId.toLowerCase();
      tenant = own || (sub && this.tenants.get(sub)) || DEFAULT_TENANT_ID;
      this.tenantCache.set(resourceId, tenant);
    }
    return tenant;
  }
}

function asResource(raw: unknown, file: string | undefined, index: number): ArmResource {
  const where = { file, resourceId: `resource #${index + 1}` };
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new VnetlabError("InvalidEstate", "a resource must be a JSON object", where);
  }
  const r = raw as Record<string, unknown>;
  for (const key of ["id", "name", "type"] as const) {
    if (typeof r[key] !== "string" || r[key] === "") {
      throw new VnetlabError("InvalidEstate", `the resource has no "${key}"`, {
        file,
        resourceId: typeof r.id === "string" ? r.id : where.resourceId,
      });
    }
  }
  const res = structuredClone(r) as unknown as ArmResource;
  if (!parseResourceId(res.id)) {
    throw new VnetlabError("InvalidResourceId", `'${res.id}' is not an ARM resource id`, {
      file,
      resourceId: res.id,
    });
  }
  return res;
}

function normaliseLocation(r: ArmResource, regions: Regions, file: string | undefined): void {
  if (r.location === undefined || r.location.toLowerCase() === "global") return;
  const name = regions.normalize(r.location);
  if (!name) {
    throw new VnetlabError("InvalidEstate", `unknown location '${r.location}'`, { file, resourceId: r.id });
  }
  r.location = name;
}

export function compileEstate(resources: readonly unknown[], options: CompileOptions = {}): Estate {
  const regions = options.regions ?? Regions.default();
  const estate = new CompiledEstate(options.serviceTags ?? ServiceTags.default(), regions);
  const fileOf = estate.fileOf;
  const separateChildren: ArmResource[] = [];

  resources.forEach((raw, i) => {
    const file = options.origins?.[i];
    const r = asResource(raw, file, i);
    normaliseLocation(r, regions, file);
    fileOf.set(idKey(r.id), file);
    estate.units.add(idKey(r.id));
    if (childKindOfType(r.type)) separateChildren.push(r);
    else estate.add(r);
  });

  // Lift inline children out so that each has its own id and type.
  for (const parent of [...estate.resources]) liftInlineChildren(estate, parent);

  // Fold separately-declared children into their parents; a declared child replaces an inline one.
  for (const child of separateChildren) foldChild(estate, child);

  estate.index();
  validateEstate(estate, (id) => fileOf.get(idKey(id)));
  return estate;
}

function liftInlineChildren(estate: CompiledEstate, parent: ArmResource): ArmResource[] {
  const lifted: ArmResource[] = [];
  const file = estate.fileOf.get(idKey(parent.id));
  for (const kind of childKindsOf(parent.type)) {
    if (kind.mergeInto) continue;
    const list = (parent.properties as Record<string, unknown> | undefined)?.[kind.property];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      throw new VnetlabError("InvalidEstate", `properties.${kind.property} must be an array`, {
        file,
        resourceId: parent.id,
      });
    }
    for (const child of list as ArmResource[]) {
      if (!child || typeof child !== "object" || typeof child.name !== "string") {
        throw new VnetlabError("InvalidEstate", `an entry of properties.${kind.property} has no name`, {
          file,
          resourceId: parent.id,
        });
      }
      child.id ??= `${parent.id}/${kind.segment}/${child.name}`;
      child.type ??= `${parent.type}/${kind.segment}`;
      estate.fileOf.set(idKey(child.id), file);
      estate.add(child);
      lifted.push(child);
    }
  }
  return lifted;
}

/** Puts a separately declared child into its parent's property (replacing an inline one of the same name). */
function foldChild(estate: CompiledEstate, child: ArmResource, parentOverride?: ArmResource): void {
  const kind = childKindOfType(child.type)!;
  const pid = parentId(child.id);
  const parent = parentOverride ?? estate.get(pid);
  if (!parent) {
    throw new VnetlabError("InvalidResourceReference", `parent resource ${pid} was not found`, {
      file: estate.fileOf.get(idKey(child.id)),
      resourceId: child.id,
    });
  }
  parent.properties ??= {};
  const props = parent.properties as Record<string, unknown>;
  if (kind.mergeInto) {
    if (child.name.toLowerCase() === kind.mergeInto.name) {
      props[kind.mergeInto.property] = { ...(props[kind.mergeInto.property] as object), ...child.properties };
    }
    return;
  }
  props[kind.property] ??= [];
  const list = props[kind.property] as ArmResource[];
  const at = list.findIndex((c) => c.name.toLowerCase() === child.name.toLowerCase());
  if (at >= 0) list[at] = child;
  else list.push(child);
  estate.add(child);
}

/**
 * A new estate equal to `compileEstate` of the base's inputs with `puts` replacing (or adding) inputs and
 * `removes` taken out, built without re-reading the unchanged resources: they are shared with the base (both
 * estates are immutable), and only the changed resources are cloned, normalised and checked. This is what
 * lets the ARM server validate a write against the whole estate in time proportional to the change.
 */
export function deriveEstate(
  base: Estate,
  puts: readonly unknown[],
  removes: readonly string[] = [],
): Estate {
  if (!(base instanceof CompiledEstate))
    throw new TypeError("deriveEstate needs an estate made by compileEstate");
  const next = new CompiledEstate(base.serviceTags, base.regions);
  const incoming = puts.map((raw, i) => {
    const r = asResource(raw, undefined, i);
    normaliseLocation(r, base.regions, undefined);
    return r;
  });
  const replaced = new Set([...removes.map(idKey), ...incoming.map((r) => idKey(r.id))]);
  // A replaced or removed input takes its lifted children with it; its separately declared children stay
  // inputs of their own and are folded into the new version of the parent below.
  const prefixes = [...replaced].map((k) => `${k}/`);
  const gone = (key: string): boolean =>
    replaced.has(key) || (!base.units.has(key) && prefixes.some((p) => key.startsWith(p)));
  // Parents whose children change must not be mutated in place: they get a shallow copy.
  const copies = new Map<string, ArmResource>();
  const copyOf = (r: ArmResource): ArmResource => {
    const key = idKey(r.id);
    let c = copies.get(key);
    if (!c) {
      c = { ...r, properties: { ...(r.properties ?? {}) } };
      const props = c.properties as Record<string, unknown>;
      for (const kind of childKindsOf(r.type)) {
        const v = props[kind.property];
        if (Array.isArray(v)) props[kind.property] = [...v];
        else if (v && typeof v === "object") props[kind.property] = { ...v };
      }
      copies.set(key, c);
    }
    return c;
  };
  for (const [key, r] of base.keyed()) if (!gone(key)) next.add(r, key);
  for (const key of base.units) if (!replaced.has(key)) next.units.add(key);
  for (const [key, file] of base.fileOf) if (file !== undefined) next.fileOf.set(key, file);
  // Removed separate children leave their parent's list.
  for (const key of removes.map(idKey)) {
    const old = base.get(key);
    const kind = old && childKindOfType(old.type);
    const parent = kind && !kind.mergeInto ? next.get(parentId(old.id)) : undefined;
    if (!old || !kind || !parent || replaced.has(idKey(parent.id))) continue;
    const copy = copyOf(parent);
    const props = copy.properties as Record<string, unknown>;
    const left = ((props[kind.property] as ArmResource[] | undefined) ?? []).filter(
      (c) => idKey(c.id) !== key,
    );
    if (left.length > 0) props[kind.property] = left;
    else delete props[kind.property];
    next.add(copy);
  }
  const changed = new Set<ArmResource>();
  for (const r of incoming) {
    next.units.add(idKey(r.id));
    if (childKindOfType(r.type)) continue;
    next.add(r);
    changed.add(r);
    for (const c of liftInlineChildren(next, r)) changed.add(c);
  }
  // Separate children of replaced parents, then the changed separate children, go back into their parents.
  for (const key of base.units) {
    if (replaced.has(key) || !prefixes.some((p) => key.startsWith(p))) continue;
    const r = next.get(key);
    const pid = r && childKindOfType(r.type) ? parentId(r.id) : undefined;
    if (r && pid && replaced.has(idKey(pid))) foldChild(next, r);
  }
  for (const r of incoming) {
    if (!childKindOfType(r.type)) continue;
    const pid = parentId(r.id);
    const parent = next.get(pid);
    const target = parent && !replaced.has(idKey(parent.id)) ? copyOf(parent) : parent;
    foldChild(next, r, target);
    if (target) {
      next.add(target);
      changed.add(target);
    }
    changed.add(r);
  }
  for (const c of copies.values()) next.add(c);
  next.index();
  validateEstate(next, (id) => next.fileOf.get(idKey(id)), changed);
  return next;
}
