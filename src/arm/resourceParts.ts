// Small pieces of the resource pipeline: write conditions (If-Match / If-None-Match), ARM's not-found
// error, inline children, resource-group ids.
import { randomUUID } from "node:crypto";
import type { ArmResource } from "../model/arm.js";
import type { Estate } from "../model/estate.js";
import { VnetlabError } from "../model/errors.js";
import type { StoreChange, StorePrecondition } from "../store/types.js";
import { parentId } from "../model/resourceId.js";
import type { Snapshot } from "./armState.js";
import type { ResourceTypeDef } from "./resourceType.js";

export interface Conditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

export interface WriteOutcome {
  created: boolean;
  resource: ArmResource;
  /** The server's state right after this write, to present the resource as the write left it. */
  after: Snapshot;
}

export const newEtag = (): string => `W/"${randomUUID()}"`;

export function notFound(type: string, name: string, resourceGroup: string): VnetlabError {
  const short = type.split("/").slice(0, 2).join("/");
  return new VnetlabError(
    "ResourceNotFound",
    `The Resource '${short}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** ARM's refusal of a child resource whose parent does not exist. */
export function parentNotFound(parentId: string): VnetlabError {
  return new VnetlabError(
    "ParentResourceNotFound",
    `Can not perform requested operation on nested resource. Parent resource '${parentId.split("/").pop()}' not found.`,
  );
}

export function checkConditions(existing: ArmResource | undefined, c: Conditions): void {
  // RFC 7232 as ARM applies it: If-Match needs the current ETag (or * for any), If-None-Match: * needs absence.
  if (c.ifMatch !== undefined && (!existing || (c.ifMatch !== "*" && c.ifMatch !== existing.etag))) {
    throw new VnetlabError(
      "PreconditionFailed",
      "The condition specified using HTTP conditional header(s) is not met.",
    );
  }
  if (c.ifNoneMatch !== undefined && existing && (c.ifNoneMatch === "*" || c.ifNoneMatch === existing.etag)) {
    throw new VnetlabError(
      "PreconditionFailed",
      "The condition specified using HTTP conditional header(s) is not met.",
    );
  }
}

/** The child with this name in a parent's inline list. */
export function inlineChild(parent: ArmResource, property: string, name: string): ArmResource | undefined {
  const list = (parent.properties as Record<string, unknown> | undefined)?.[property];
  return Array.isArray(list)
    ? (list as ArmResource[]).find((c) => c.name.toLowerCase() === name.toLowerCase())
    : undefined;
}

export interface Planned {
  changes: StoreChange[];
  preconditions: StorePrecondition[];
  created: boolean;
  result: ArmResource;
  /** The would-be estate validation derived, handed on as the next current estate. */
  estate?: Estate;
  def: ResourceTypeDef;
}

export function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? "";
}

export function resourceGroupIdOf(id: string): string | undefined {
  return /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.exec(id)?.[0];
}

/** A resource needs its resource group, and a child its parent. */
export function checkParents(snap: Snapshot, id: string, def: ResourceTypeDef): void {
  const rg = resourceGroupIdOf(id);
  if (rg && !snap.lookup(rg) && def.type.toLowerCase() !== "microsoft.resources/resourcegroups") {
    throw new VnetlabError(
      "ResourceGroupNotFound",
      `Resource group '${resourceGroupOf(id)}' could not be found.`,
    );
  }
  const pid = parentId(id);
  if (pid && !snap.lookup(pid)) {
    throw parentNotFound(pid);
  }
}
