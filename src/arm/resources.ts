// The generic resource pipeline: GET, PUT, PATCH, DELETE and lists for every registered type, with ETags,
// preconditions, validation against the whole would-be estate, and atomic persistence. A failed request
// changes nothing: validation runs before the single store write.
import type { ArmResource } from "../model/arm.js";
import { VnetlabError } from "../model/errors.js";
import { idKey, parentId } from "../model/resourceId.js";
import type { StoreChange } from "../store/types.js";
import type { ArmState, Snapshot } from "./armState.js";
import { GroupCommitter } from "./groupCommit.js";
import { isStored, type Prepared, prepareWrite } from "./prepare.js";
import type { TypeRegistry } from "./registry.js";
import type { ResourceTypeDef } from "./resourceType.js";
import {
  checkConditions,
  type Conditions,
  inlineChild,
  newEtag,
  checkParents,
  notFound,
  parentNotFound,
  type Planned,
  resourceGroupOf,
  type WriteOutcome,
} from "./resourceParts.js";

export {
  type Conditions,
  inlineChild,
  resourceGroupIdOf,
  resourceGroupOf,
  type WriteOutcome,
} from "./resourceParts.js";
import { cloneJson } from "../model/cloneJson.js";

export class ResourcePipeline {
  private readonly committer: GroupCommitter;

  constructor(
    readonly state: ArmState,
    readonly types: TypeRegistry,
  ) {
    this.committer = new GroupCommitter(state);
  }

  def(type: string): ResourceTypeDef {
    const d = this.types.get(type);
    if (!d) {
      const [ns] = type.split("/");
      throw new VnetlabError(
        "InvalidResourceType",
        `The resource type '${type.split("/").slice(1).join("/")}' could not be found in the namespace '${ns}'.`,
      );
    }
    return d;
  }

  /** Reads a resource (top-level, separately stored child, or inline child). */
  async get(id: string, type: string): Promise<ArmResource> {
    const def = this.def(type);
    const snap = await this.state.snapshot();
    const found = this.find(snap, id, def);
    if (!found) throw notFound(type, id.split("/").pop()!, resourceGroupOf(id));
    return this.present(found, def, snap);
  }

  private find(snap: Snapshot, id: string, def: ResourceTypeDef): ArmResource | undefined {
    if (def.inline) {
      const parent = snap.lookup(parentId(id))?.resource;
      return parent && inlineChild(parent, def.inline.property, id.split("/").pop()!);
    }
    return snap.lookup(id)?.resource;
  }

  present(resource: ArmResource, def: ResourceTypeDef, snap: Snapshot): ArmResource {
    return def.present ? def.present(cloneJson(resource), snap.estate()) : resource;
  }

  /** Lists a type under a scope (subscription, resource group) or the children of a parent. */
  async list(type: string, scope: string, parent?: string): Promise<ArmResource[]> {
    const def = this.def(type);
    const snap = await this.state.snapshot();
    if (def.inline && parent) {
      const p = snap.lookup(parent)?.resource;
      if (!p) throw parentNotFound(parent);
      const list = ((p.properties as Record<string, unknown> | undefined)?.[def.inline.property] ??
        []) as ArmResource[];
      return list.map((c) => this.present(c, def, snap));
    }
    const prefix = `${idKey(scope)}/`;
    return snap.stored
      .filter(
        (s) => s.resource.type.toLowerCase() === def.type.toLowerCase() && idKey(s.id).startsWith(prefix),
      )
      .map((s) => this.present(s.resource, def, snap));
  }

  /** PUT: create or replace. */
  put(id: string, type: string, body: ArmResource, c: Conditions, apiVersion: string): Promise<WriteOutcome> {
    return this.write((snap) => this.planPut(snap, id, type, body, c, apiVersion));
  }

  /**
   * A PUT planned on a snapshot, checked as the write would be, without writing: what the write would store.
   * Deployments validate and what-if a template's resources this way, one after another on `ArmState.advance`d
   * snapshots.
   */
  planPut(
    snap: Snapshot,
    id: string,
    type: string,
    body: ArmResource,
    c: Conditions,
    apiVersion: string,
  ): Planned {
    const def = this.def(type);
    if (def.inline) return this.putInline(snap, id, def, body, c, apiVersion);
    const existing = snap.lookup(id);
    checkConditions(existing?.resource, c);
    checkParents(snap, id, def);
    const candidate: ArmResource = {
      ...body,
      id: existing?.id ?? id,
      name: id.split("/").pop()!,
      type: def.type,
    };
    const p = this.prepare(def, candidate, snap, existing?.resource, apiVersion, newEtag());
    const { resource, companions, stale } = p;
    // Companions (a private endpoint's NIC) are written with the resource; ones it no longer has go.
    return {
      changes: [
        ...[resource, ...companions].map((r): StoreChange => ({ kind: "put", resource: r, etag: r.etag! })),
        ...stale.map((x): StoreChange => ({ kind: "delete", id: x.id })),
      ],
      preconditions: [
        { id, etag: existing?.etag ?? null },
        ...companions.map((r) => ({ id: r.id, etag: snap.lookup(r.id)?.etag ?? null })),
        ...stale.map((x) => ({ id: x.id, etag: x.etag })),
      ],
      created: !existing,
      result: resource,
      estate: p.estate,
      def,
    };
  }

  private putInline(
    snap: Snapshot,
    id: string,
    def: ResourceTypeDef,
    body: ArmResource,
    c: Conditions,
    apiVersion: string,
  ): Planned {
    const pid = parentId(id)!;
    const stored = snap.lookup(pid);
    if (!stored) {
      throw parentNotFound(pid);
    }
    const parentDef = this.def(stored.resource.type);
    const name = id.split("/").pop()!;
    const existing = inlineChild(stored.resource, def.inline!.property, name);
    checkConditions(existing, c);
    const parent = cloneJson(stored.resource);
    const props = (parent.properties ??= {}) as Record<string, unknown>;
    const list = ((props[def.inline!.property] as ArmResource[] | undefined) ?? []).filter(
      (x) => x.name.toLowerCase() !== name.toLowerCase(),
    );
    const child: ArmResource = {
      ...body,
      id: existing?.id ?? id,
      name: existing?.name ?? name,
      type: def.type,
    };
    const at = existing ? (props[def.inline!.property] as ArmResource[]).indexOf(existing) : list.length;
    list.splice(at, 0, child);
    props[def.inline!.property] = list;
    const { resource, estate } = this.prepare(
      parentDef,
      parent,
      snap,
      stored.resource,
      apiVersion,
      newEtag(),
    );
    return {
      changes: [{ kind: "put", resource, etag: resource.etag! }],
      preconditions: [{ id: stored.id, etag: stored.etag }],
      created: !existing,
      result: inlineChild(resource, def.inline!.property, name)!,
      estate,
      def,
    };
  }

  /** PATCH: the type's own merge of the body (then prepared and validated like a PUT), else tags only. */
  patch(
    id: string,
    type: string,
    body: ArmResource,
    c: Conditions,
    apiVersion: string,
  ): Promise<WriteOutcome> {
    const def = this.def(type);
    const merge = def.patch;
    if (!merge || def.inline) return this.patchTags(id, type, body.tags, c, apiVersion);
    return this.write((snap) => {
      const stored = snap.lookup(id);
      if (!stored) throw notFound(type, id.split("/").pop()!, resourceGroupOf(id));
      checkConditions(stored.resource, c);
      const merged = merge(cloneJson(stored.resource), body);
      const candidate: ArmResource = { ...merged, id: stored.id, name: stored.resource.name, type: def.type };
      const { resource, estate } = this.prepare(def, candidate, snap, stored.resource, apiVersion, newEtag());
      return {
        changes: [{ kind: "put", resource, etag: resource.etag! }],
        preconditions: [{ id: stored.id, etag: stored.etag }],
        created: false,
        result: resource,
        estate,
        def,
      };
    });
  }

  /** Stores the new version of a resource that an action computed, if the stored one is still the version it read. */
  replace(resource: ArmResource, readEtag: string | undefined): Promise<WriteOutcome> {
    const def = this.def(resource.type);
    return this.write((snap) => {
      const stored = snap.lookup(resource.id);
      if (!stored) throw notFound(resource.type, resource.name, resourceGroupOf(resource.id));
      checkConditions(stored.resource, { ifMatch: readEtag ?? "*" });
      const next: ArmResource = { ...cloneJson(resource), id: stored.id, etag: newEtag() };
      return {
        changes: [{ kind: "put", resource: next, etag: next.etag! }],
        preconditions: [{ id: stored.id, etag: stored.etag }],
        created: false,
        result: next,
        def,
      };
    });
  }

  /** PATCH: ARM's update of tags (and only tags) for most types. */
  patchTags(
    id: string,
    type: string,
    tags: Record<string, string> | undefined,
    c: Conditions,
    apiVersion: string,
  ): Promise<WriteOutcome> {
    const def = this.def(type);
    return this.write((snap) => {
      const stored = snap.lookup(id);
      if (!stored) throw notFound(type, id.split("/").pop()!, resourceGroupOf(id));
      checkConditions(stored.resource, c);
      const resource = { ...cloneJson(stored.resource), tags: tags ?? {}, etag: newEtag() };
      void apiVersion;
      return {
        changes: [{ kind: "put", resource, etag: resource.etag }],
        preconditions: [{ id: stored.id, etag: stored.etag }],
        created: false,
        result: resource,
        def,
      };
    });
  }

  /** DELETE: refused while the resource is in use; separately stored children go with it. */
  delete(id: string, type: string, c: Conditions, apiVersion: string): Promise<WriteOutcome | undefined> {
    const def = this.def(type);
    return this.submit((snap) =>
      def.inline ? this.planDeleteInline(snap, id, def, c, apiVersion) : this.planDelete(snap, id, def, c),
    );
  }

  private planDelete(snap: Snapshot, id: string, def: ResourceTypeDef, c: Conditions): Planned | undefined {
    const stored = snap.lookup(id);
    checkConditions(stored?.resource, c);
    if (!stored) return undefined;
    def.checkDelete?.(stored.resource, snap.estate());
    const prefix = `${idKey(stored.id)}/`;
    // Its separately stored children and its companions (a private endpoint's NIC) go with it.
    const companions = (def.companions?.ids(stored.resource) ?? [])
      .map((x) => snap.lookup(x))
      .filter(isStored);
    const gone = [stored, ...snap.stored.filter((s) => idKey(s.id).startsWith(prefix)), ...companions];
    return {
      changes: gone.map((s) => ({ kind: "delete", id: s.id })),
      preconditions: [stored, ...companions].map((s) => ({ id: s.id, etag: s.etag })),
      created: false,
      result: stored.resource,
      def,
    };
  }

  private planDeleteInline(
    snap: Snapshot,
    id: string,
    def: ResourceTypeDef,
    c: Conditions,
    apiVersion: string,
  ): Planned | undefined {
    const stored = snap.lookup(parentId(id));
    if (!stored) return undefined;
    const name = id.split("/").pop()!;
    const existing = inlineChild(stored.resource, def.inline!.property, name);
    checkConditions(existing, c);
    if (!existing) return undefined;
    def.checkDelete?.(existing, snap.estate());
    const parent = cloneJson(stored.resource);
    const props = parent.properties as Record<string, unknown>;
    props[def.inline!.property] = (props[def.inline!.property] as ArmResource[]).filter(
      (x) => x.name.toLowerCase() !== name.toLowerCase(),
    );
    const { resource, estate } = this.prepare(
      this.def(parent.type),
      parent,
      snap,
      stored.resource,
      apiVersion,
      newEtag(),
    );
    return {
      changes: [{ kind: "put", resource, etag: resource.etag! }],
      preconditions: [{ id: stored.id, etag: stored.etag }],
      created: false,
      result: existing,
      estate,
      def,
    };
  }

  /** Runs a planned write through the group committer. */
  private async write(plan: (snap: Snapshot) => Planned): Promise<WriteOutcome> {
    return (await this.submit(plan))!;
  }

  private async submit(plan: (snap: Snapshot) => Planned | undefined): Promise<WriteOutcome | undefined> {
    const out = await this.committer.submit((snap) => {
      const p = plan(snap);
      if (!p) return undefined;
      const result = { created: p.created, resource: p.result };
      return { changes: p.changes, preconditions: p.preconditions, estate: p.estate, result };
    });
    return out && { ...out.result, after: out.snapshot };
  }

  /**
   * Shapes an imported resource (`serve --estate`) as if it had been PUT: defaults, read-only properties and
   * inline children's ids. The caller has already checked the whole estate, so no per-resource validation.
   */
  prepareImported(
    resource: ArmResource,
    estate: ReturnType<Snapshot["estate"]>,
    apiVersion: string,
  ): ArmResource {
    const def = this.types.get(resource.type);
    if (!def || def.inline) return resource;
    const snap: Snapshot = { version: 0, lookup: () => undefined, stored: [], estate: () => estate };
    return this.prepare(def, resource, snap, undefined, apiVersion, newEtag(), false).resource;
  }

  private prepare(
    def: ResourceTypeDef,
    candidate: ArmResource,
    snap: Snapshot,
    existing: ArmResource | undefined,
    apiVersion: string,
    etag: string,
    validate = true,
  ): Prepared {
    return prepareWrite(this.state, this.types, {
      def,
      candidate,
      snap,
      existing,
      apiVersion,
      etag,
      validate,
    });
  }
}
