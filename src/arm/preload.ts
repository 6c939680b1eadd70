// `vnetlab serve --estate FILE...`: loads an estate into the store. The estate is checked by the compiler
// first (bad input changes nothing); each resource is shaped as if it had been PUT; resource groups that the
// files only imply are created, as a deployment into an existing group would find them.
import { randomUUID } from "node:crypto";
import type { ArmResource } from "../model/arm.js";
import { compileEstate } from "../model/compileEstate.js";
import { childKindOfType } from "../model/children.js";
import { resourceGroupId } from "../model/resourceId.js";
import type { StoreChange } from "../store/types.js";
import type { ResourcePipeline } from "./resources.js";
import { resourceGroupIdOf, resourceGroupOf } from "./resources.js";

const RG = "microsoft.resources/resourcegroups";
const IMPORT_API_VERSION = "2024-05-01";

export async function preloadEstate(
  pipeline: ResourcePipeline,
  resources: unknown[],
  origins: string[],
): Promise<number> {
  const estate = compileEstate(resources, { origins });
  const store = pipeline.state.store;
  const changes: StoreChange[] = [];
  const groups = new Set<string>();
  const raw = resources as ArmResource[];
  for (const r of raw) if (r.type.toLowerCase() === RG) groups.add(r.id.toLowerCase());
  for (const r of raw) {
    const kind = childKindOfType(r.type);
    // Inline children (subnets, rules, routes) are stored inside their parent, which the estate already merged.
    if (kind && !kind.mergeInto && pipeline.types.get(r.type)?.inline) continue;
    const source = kind ? structuredClone(r) : structuredClone(estate.get(r.id) ?? r);
    const resource = pipeline.prepareImported(source, estate, IMPORT_API_VERSION);
    resource.etag ??= `W/"${randomUUID()}"`;
    changes.push({ kind: "put", resource, etag: resource.etag });
    const rg = resourceGroupIdOf(r.id);
    if (rg && !groups.has(rg.toLowerCase())) {
      groups.add(rg.toLowerCase());
      if (await store.get(rg)) continue;
      const group: ArmResource = {
        id: resourceGroupId(r.id.split("/")[2]!, resourceGroupOf(r.id)),
        name: resourceGroupOf(r.id),
        type: "Microsoft.Resources/resourceGroups",
        location: estate.get(r.id)?.location ?? "eastus",
        properties: { provisioningState: "Succeeded" },
      };
      changes.push({ kind: "put", resource: group, etag: `W/"${randomUUID()}"` });
    }
  }
  await store.apply(changes);
  return changes.length;
}
