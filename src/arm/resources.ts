// The generic resource pipeline: GET, PUT, PATCH, DELETE and lists for every registered type, with ETags,
// preconditions, validation against the whole would-be estate, and atomic persistence. A failed request
// changes nothing: validation runs before the single store write.
import { randomUUID } from "node:crypto";
import type { ArmResource } from "../model/arm.js";
import { VnetlabError } from "../model/errors.js";
import { idKey, parentId } from "../model/resourceId.js";
import type { StoreChange } from "../store/types.js";
import type { ArmState, Snapshot } from "./armState.js";
import { GroupCommitter } from "./groupCommit.js";
import { deriveEstate } from "../model/compileEstate.js";
import type { TypeRegistry } from "./registry.js";
import type { ResourceTypeDef, WriteContext } from "./resourceType.js";
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
  /**
   * The would-be estate the last prepare() derived while validating; the write that follows hands it on as
   * the new current estate. Writes run one at a time (ArmState.exclusive), so this is never shared.
   */
  private derived: ReturnType<Snapshot["estate"]> | undefined;

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
    const def = this.def(type);
    return this.write((snap) => {
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
      const resource = this.prepare(def, candidate, snap, existing?.resource, apiVersion, newEtag());
      return {
        changes: [{ kind: "put", resource, etag: resource.etag! }],
        preconditions: [{ id, etag: existing?.etag ?? null }],
        created: !existing,
        result: resource,
        def,
      };
    });
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
    const resource = this.prepare(parentDef, parent, snap, stored.resource, apiVersion, newEtag());
    return {
      changes: [{ kind: "put", resource, etag: resource.etag! }],
      preconditions: [{ id: stored.id, etag: stored.etag }],
      created: !existing,
      result: inlineChild(resource, def.inline!.property, name)!,
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
      const resource = this.prepare(def, candidate, snap, stored.resource, apiVersion, newEtag());
      return {
        changes: [{ kind: "put", resource, etag: resource.etag! }],
        preconditions: [{ id: stored.id, etag: stored.etag }],
        created: false,
        result: resource,
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
    const changes: StoreChange[] = [stored, ...snap.stored.filter((s) => idKey(s.id).startsWith(prefix))].map(
      (s) => ({ kind: "delete", id: s.id }),
    );
    return {
      changes,
      preconditions: [{ id: stored.id, etag: stored.etag }],
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
    const resource = this.prepare(
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
      def,
    };
  }

  /** Runs a planned write through the group committer. */
  private async write(plan: (snap: Snapshot) => Planned): Promise<WriteOutcome> {
    return (await this.submit(plan))!;
  }

  private async submit(plan: (snap: Snapshot) => Planned | undefined): Promise<WriteOutcome | undefined> {
    const out = await this.committer.submit((snap) => {
      this.derived = undefined;
      const p = plan(snap);
      if (!p) return undefined;
      const result = { created: p.created, resource: p.result };
      return { changes: p.changes, preconditions: p.preconditions, estate: this.derived, result };
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
    return this.prepare(def, resource, snap, undefined, apiVersion, newEtag(), false);
  }

  /** Prepares a resource and its inline children, then validates it against the would-be estate. */
  private prepare(
    def: ResourceTypeDef,
    candidate: ArmResource,
    snap: Snapshot,
    existing: ArmResource | undefined,
    apiVersion: string,
    etag: string,
    validate = true,
  ): ArmResource {
    let after: ReturnType<Snapshot["estate"]> | undefined;
    let resource: ArmResource = candidate;
    const ctx: WriteContext = {
      existing,
      before: () => snap.estate(),
      after: () => {
        // The prepared resource is stored as it is and never changed again: the estate may share it.
        after ??= deriveEstate(snap.estate(), [resource], [], { owned: true });
        this.derived = after;
        return after;
      },
      regions: this.state.regions,
      serviceTags: this.state.serviceTags,
      apiVersion,
      etag,
      newGuid: randomUUID,
    };
    resource = def.prepare(cloneJson(candidate), ctx);
    resource.etag = etag;
    for (const childDef of this.types.inlineChildrenOf(def.type)) {
      const props = (resource.properties ?? {}) as Record<string, unknown>;
      const list = props[childDef.inline!.property];
      if (!Array.isArray(list)) continue;
      const before = (existing?.properties as Record<string, unknown> | undefined)?.[
        childDef.inline!.property
      ] as ArmResource[] | undefined;
      props[childDef.inline!.property] = (list as ArmResource[]).map((child) => {
        const full: ArmResource = {
          ...child,
          id: `${resource.id}/${childDef.type.split("/").pop()}/${child.name}`,
          type: childDef.type,
        };
        const prior = before?.find((b) => b.name.toLowerCase() === child.name?.toLowerCase());
        const prepared = childDef.prepare(full, { ...ctx, existing: prior, parent: resource });
        prepared.etag = etag;
        return prepared;
      });
    }
    if (!validate) return resource;
    def.validate?.(resource, ctx);
    for (const childDef of this.types.inlineChildrenOf(def.type)) {
      for (const child of ((resource.properties as Record<string, unknown> | undefined)?.[
        childDef.inline!.property
      ] ?? []) as ArmResource[]) {
        childDef.validate?.(child, { ...ctx, parent: resource });
      }
    }
    // The compiled estate is the last line of defence: dangling references and bad addresses fail here.
    ctx.after();
    return resource;
  }
}
