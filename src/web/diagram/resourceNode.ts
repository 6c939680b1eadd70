// A diagram node for an ARM resource, with the fields every such node shares: its key, refs, subscription and
// resource group (what grouping and collapsing go by).
import type { ArmResource } from "../../model/arm.js";
import { idKey, parseResourceId } from "../../model/resourceId.js";
import type { DiagramNode } from "./types.js";

/** A node for an ARM resource: its id, refs, subscription and resource group filled in. */
export function resourceNode(
  r: ArmResource,
  kind: DiagramNode["kind"],
  extra: Partial<DiagramNode> = {},
): DiagramNode {
  const parts = parseResourceId(r.id);
  return {
    id: idKey(r.id),
    kind,
    label: r.name,
    lines: [],
    badges: [],
    refs: [idKey(r.id)],
    ...(parts ? { subscription: parts.subscriptionId } : {}),
    ...(parts?.resourceGroup ? { resourceGroup: parts.resourceGroup } : {}),
    ...extra,
  };
}
