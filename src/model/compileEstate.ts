// Builds an Estate from ARM resources: clones them, normalises locations and child resources, checks every
// reference and address, and indexes the result. Bad input throws a VnetlabError naming the file and resource.
import type { ArmResource } from "./arm.js";
import { childKindOfType, childKindsOf } from "./children.js";
import { CompiledEstate } from "./compiledEstate.js";
import { VnetlabError } from "./errors.js";
import type { Estate } from "./estate.js";
import { Regions } from "./regions.js";
import { idKey, parentId, parseResourceId } from "./resourceId.js";
import { ServiceTags } from "./serviceTags.js";
import { validateEstate } from "./validateEstate.js";
import { cloneJson } from "./cloneJson.js";

export interface CompileOptions {
  serviceTags?: ServiceTags;
  regions?: Regions;
  /** The file each resource came from (parallel to the resources), for error messages. */
  origins?: readonly (string | undefined)[];
}

export { DEFAULT_TENANT_ID } from "./compiledEstate.js";

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

function asResource(raw: unknown, file: string | undefined, index: number): ArmResource {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new VnetlabError("InvalidEstate", "a resource must be a JSON object", {
      file,
      resourceId: `resource #${index + 1}`,
    });
  }
  return checkedResource(cloneJson(raw) as ArmResource, file, index);
}

/** Checks that a resource object has an id, name and type, and that the id is an ARM resource id. */
function checkedResource(r: ArmResource, file: string | undefined, index: number): ArmResource {
  const fields = r as unknown as Record<string, unknown>;
  for (const key of ["id", "name", "type"] as const) {
    if (typeof fields[key] !== "string" || fields[key] === "") {
      throw new VnetlabError("InvalidEstate", `the resource has no "${key}"`, {
        file,
        resourceId: typeof fields.id === "string" ? fields.id : `resource #${index + 1}`,
      });
    }
  }
  if (!parseResourceId(r.id)) {
    throw new VnetlabError("InvalidResourceId", `'${r.id}' is not an ARM resource id`, {
      file,
      resourceId: r.id,
    });
  }
  return r;
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
  const separateChildren: ArmResource[] = [];

  resources.forEach((raw, i) => {
    const file = options.origins?.[i];
    const r = asResource(raw, file, i);
    normaliseLocation(r, regions, file);
    if (file !== undefined) estate.fileOf.set(idKey(r.id), file);
    estate.units.set(idKey(r.id), true);
    if (childKindOfType(r.type)) separateChildren.push(r);
    else estate.add(r);
  });

  // Lift inline children out so that each has its own id and type.
  for (const parent of [...estate.resources]) liftInlineChildren(estate, parent);

  // Fold separately-declared children into their parents; a declared child replaces an inline one.
  for (const child of separateChildren) foldChild(estate, child);

  estate.index();
  validateEstate(estate, (id) => estate.fileOf.get(idKey(id)));
  return estate;
}

/** The inline children of a resource, by the properties its child kinds live in. */
function* inlineChildren(parent: ArmResource): IterableIterator<ArmResource> {
  for (const kind of childKindsOf(parent.type)) {
    if (kind.mergeInto) continue;
    const list = (parent.properties as Record<string, unknown> | undefined)?.[kind.property];
    if (Array.isArray(list)) yield* list as ArmResource[];
  }
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
      if (file !== undefined) estate.fileOf.set(idKey(child.id), file);
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

export interface DeriveOptions {
  /**
   * The caller hands the `puts` over: they are used as they are instead of cloned, so they must not change
   * afterwards (the ARM server's prepared resources, which are stored as they are and never mutated).
   */
  owned?: boolean;
}

/**
 * A new estate equal to `compileEstate` of the base's inputs with `puts` replacing (or adding) inputs and
 * `removes` taken out, built without re-reading the unchanged resources: the new estate is a layer over the
 * base (both are immutable), and only the changed resources are cloned, normalised and checked. This is what
 * lets the ARM server validate a write against the whole estate in time proportional to the change.
 */
export function deriveEstate(
  base: Estate,
  puts: readonly unknown[],
  removes: readonly string[] = [],
  options: DeriveOptions = {},
): Estate {
  if (!(base instanceof CompiledEstate))
    throw new TypeError("deriveEstate needs an estate made by compileEstate");
  const next = new CompiledEstate(base.serviceTags, base.regions, base);
  const incoming = puts.map((raw, i) => {
    const r = options.owned
      ? checkedResource(raw as ArmResource, undefined, i)
      : asResource(raw, undefined, i);
    normaliseLocation(r, base.regions, undefined);
    return r;
  });
  const replaced = new Set([...removes.map(idKey), ...incoming.map((r) => idKey(r.id))]);
  // A replaced or removed input takes its lifted children with it; its separately declared children stay
  // inputs of their own and are folded into the new version of the parent below.
  const keptChildren: ArmResource[] = [];
  for (const key of replaced) {
    const old = base.get(key);
    next.remove(key);
    next.units.delete(key);
    if (!old) continue;
    for (const child of inlineChildren(old)) {
      const ck = idKey(child.id);
      if (replaced.has(ck)) continue;
      if (base.units.has(ck)) keptChildren.push(child);
      else next.remove(ck);
    }
  }
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
    next.units.set(idKey(r.id), true);
    if (childKindOfType(r.type)) continue;
    next.add(r);
    changed.add(r);
    for (const c of liftInlineChildren(next, r)) changed.add(c);
  }
  // Separate children of replaced parents, then the changed separate children, go back into their parents.
  for (const child of keptChildren) foldChild(next, child);
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
