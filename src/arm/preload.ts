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
import { cloneJson } from "../model/cloneJson.js";
import type { Estate } from "../model/estate.js";
import type { WriteContext } from "./resourceType.js";

const RG = "microsoft.resources/resourcegroups";
const IMPORT_API_VERSION = "2024-05-01";

const newEtag = (): string => `W/"${randomUUID()}"`;

/** The write context of an import: the estate is the one being loaded, before and after. */
function importContext(pipeline: ResourcePipeline, estate: Estate): WriteContext {
  return {
    before: () => estate,
    after: () => estate,
    regions: pipeline.state.regions,
    serviceTags: pipeline.state.serviceTags,
    apiVersion: IMPORT_API_VERSION,
    etag: newEtag(),
    newGuid: randomUUID,
  };
}

export async function preloadEstate(
  pipeline: ResourcePipeline,
  resources: unknown[],
  origins: string[],
): Promise<number> {
  const estate = compileEstate(resources, { origins });
  const store = pipeline.state.store;
  const changes: StoreChange[] = [];
  const groups = new Set<string>();
  for (const r of resources as ArmResource[]) if (r.type.toLowerCase() === RG) groups.add(r.id.toLowerCase());
  // The compiled estate holds every resource once, children lifted out with their ids: children that ARM
  // returns inside their parent (subnets, rules, routes) stay there; the others (SQL rules, DNS records,
  // networkRuleSets) are stored as resources of their own, as the API would have created them.
  for (const r of estate.resources) {
    const kind = childKindOfType(r.type);
    const def = pipeline.types.get(r.type);
    if (kind && (kind.mergeInto || def?.inline || !def)) continue;
    const resource = pipeline.prepareImported(cloneJson(r), estate, IMPORT_API_VERSION);
    resource.etag ??= newEtag();
    changes.push({ kind: "put", resource, etag: resource.etag });
    // Resources Azure creates with this one (a private endpoint's interface), unless the files carry them.
    for (const companion of def?.companions?.plan(resource, importContext(pipeline, estate)) ?? []) {
      if (!estate.get(companion.id)) changes.push({ kind: "put", resource: companion, etag: newEtag() });
    }
    const rg = resourceGroupIdOf(r.id);
    if (rg && !groups.has(rg.toLowerCase())) {
      groups.add(rg.toLowerCase());
      if (await store.get(rg)) continue;
      const group: ArmResource = {
        id: resourceGroupId(r.id.split("/")[2]!, resourceGroupOf(r.id)),
        name: resourceGroupOf(r.id),
        type: "Microsoft.Resources/resourceGroups",
        location: r.location ?? "eastus",
        properties: { provisioningState: "Succeeded" },
      };
      changes.push({ kind: "put", resource: group, etag: `W/"${randomUUID()}"` });
    }
  }
  await store.apply(changes);
  return changes.length;
}
