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

  constructor(
    readonly serviceTags: ServiceTags,
    readonly regions: Regions,
  ) {}

  add(r: ArmResource): void {
    const key = idKey(r.id);
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
    const all = this.byNameIndex.get(name.toLowerCase()) ?? [];
    if (!types) return all;
    const wanted = new Set(types.map((t) => t.toLowerCase()));
    return all.filter((r) => wanted.has(r.type.toLowerCase()));
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
  const fileOf = new Map<string, string | undefined>();
  const separateChildren: ArmResource[] = [];

  resources.forEach((raw, i) => {
    const file = options.origins?.[i];
    const r = asResource(raw, file, i);
    normaliseLocation(r, regions, file);
    fileOf.set(idKey(r.id), file);
    if (childKindOfType(r.type)) separateChildren.push(r);
    else estate.add(r);
  });

  // Lift inline children out so that each has its own id and type.
  for (const parent of [...estate.resources]) {
    for (const kind of childKindsOf(parent.type)) {
      if (kind.mergeInto) continue;
      const list = (parent.properties as Record<string, unknown> | undefined)?.[kind.property];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        throw new VnetlabError("InvalidEstate", `properties.${kind.property} must be an array`, {
          file: fileOf.get(idKey(parent.id)),
          resourceId: parent.id,
        });
      }
      for (const child of list as ArmResource[]) {
        if (!child || typeof child !== "object" || typeof child.name !== "string") {
          throw new VnetlabError("InvalidEstate", `an entry of properties.${kind.property} has no name`, {
            file: fileOf.get(idKey(parent.id)),
            resourceId: parent.id,
          });
        }
        child.id ??= `${parent.id}/${kind.segment}/${child.name}`;
        child.type ??= `${parent.type}/${kind.segment}`;
        fileOf.set(idKey(child.id), fileOf.get(idKey(parent.id)));
        estate.add(child);
      }
    }
  }

  // Fold separately-declared children into their parents; a declared child replaces an inline one.
  for (const child of separateChildren) {
    const kind = childKindOfType(child.type)!;
    const pid = parentId(child.id);
    const parent = estate.get(pid);
    if (!parent) {
      throw new VnetlabError("InvalidResourceReference", `parent resource ${pid} was not found`, {
        file: fileOf.get(idKey(child.id)),
        resourceId: child.id,
      });
    }
    parent.properties ??= {};
    const props = parent.properties as Record<string, unknown>;
    if (kind.mergeInto) {
      if (child.name.toLowerCase() === kind.mergeInto.name) {
        props[kind.mergeInto.property] = {
          ...(props[kind.mergeInto.property] as object),
          ...child.properties,
        };
      }
      continue;
    }
    props[kind.property] ??= [];
    const list = props[kind.property] as ArmResource[];
    const at = list.findIndex((c) => c.name.toLowerCase() === child.name.toLowerCase());
    if (at >= 0) list[at] = child;
    else list.push(child);
    estate.add(child);
  }

  estate.index();
  validateEstate(estate, (id) => fileOf.get(idKey(id)));
  return estate;
}
