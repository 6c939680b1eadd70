// Incremental mode (deployment-modes): a deployed resource replaces the resource with its id; every other
// resource stays as it was. Resources the template deploys anew come after the existing ones.
import type { ArmResource } from "../../model/arm.js";
import { idKey } from "../../model/resourceId.js";

export function mergeIncremental(existing: readonly unknown[], deployed: readonly ArmResource[]): unknown[] {
  const byId = new Map(deployed.map((r) => [idKey(r.id), r]));
  const merged = existing.map((r) => {
    const id = (r as { id?: unknown }).id;
    const replacement = typeof id === "string" ? byId.get(idKey(id)) : undefined;
    if (replacement) byId.delete(idKey(replacement.id));
    return replacement ?? r;
  });
  return [...merged, ...deployed.filter((r) => byId.has(idKey(r.id)))];
}
