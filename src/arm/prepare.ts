// Preparing a write: the type's defaults and read-only properties, its inline children, the companions Azure
// writes with it (a private endpoint's NIC) and those it leaves behind, then validation against the estate as
// it would be after the write — which the write hands on as the next current estate.
import { randomUUID } from "node:crypto";
import type { ArmResource } from "../model/arm.js";
import { cloneJson } from "../model/cloneJson.js";
import { deriveEstate } from "../model/compileEstate.js";
import type { Estate } from "../model/estate.js";
import { idKey } from "../model/resourceId.js";
import type { StoredResource } from "../store/types.js";
import type { ArmState, Snapshot } from "./armState.js";
import type { TypeRegistry } from "./registry.js";
import { newEtag } from "./resourceParts.js";
import type { ResourceTypeDef, WriteContext } from "./resourceType.js";

export interface WriteRequest {
  def: ResourceTypeDef;
  candidate: ArmResource;
  snap: Snapshot;
  existing: ArmResource | undefined;
  apiVersion: string;
  etag: string;
  /** false for imported resources, already checked as a whole estate. */
  validate: boolean;
}

/**
 * Prepares a resource, its inline children and its companions, then validates it against the would-be
 * estate (which the write hands on as the next current one).
 */
export function prepareWrite(state: ArmState, types: TypeRegistry, w: WriteRequest): Prepared {
  const { def, candidate, snap, existing, apiVersion, etag, validate } = w;
  let after: Estate | undefined;
  let resource: ArmResource = candidate;
  const out: Prepared = { resource, companions: [], stale: [] };
  const ctx: WriteContext = {
    existing,
    before: () => snap.estate(),
    after: () => {
      // The prepared resources are stored as they are and never changed again: the estate may share them.
      after ??= deriveEstate(
        snap.estate(),
        [resource, ...out.companions],
        out.stale.map((x) => x.id),
        { owned: true },
      );
      return after;
    },
    regions: state.regions,
    serviceTags: state.serviceTags,
    apiVersion,
    etag,
    newGuid: randomUUID,
  };
  resource = def.prepare(cloneJson(candidate), ctx);
  resource.etag = etag;
  out.resource = resource;
  if (def.companions && validate) {
    out.companions = def.companions.plan(resource, ctx).map((r) => ({
      ...r,
      id: snap.lookup(r.id)?.id ?? r.id,
      etag: newEtag(),
    }));
    const kept = new Set(out.companions.map((r) => idKey(r.id)));
    out.stale = (existing ? def.companions.ids(existing) : [])
      .filter((x) => !kept.has(idKey(x)))
      .map((x) => snap.lookup(x))
      .filter(isStored);
  }
  for (const childDef of types.inlineChildrenOf(def.type)) {
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
  if (!validate) return out;
  def.validate?.(resource, ctx);
  for (const childDef of types.inlineChildrenOf(def.type)) {
    for (const child of ((resource.properties as Record<string, unknown> | undefined)?.[
      childDef.inline!.property
    ] ?? []) as ArmResource[]) {
      childDef.validate?.(child, { ...ctx, parent: resource });
    }
  }
  // The compiled estate is the last line of defence: dangling references and bad addresses fail here.
  out.estate = ctx.after();
  return out;
}

/** A prepared write: the resource, the companions written with it and those it leaves, the estate after. */
export interface Prepared {
  resource: ArmResource;
  companions: ArmResource[];
  stale: StoredResource[];
  estate?: Estate;
}

export const isStored = (s: StoredResource | undefined): s is StoredResource => s !== undefined;
