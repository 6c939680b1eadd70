// ARM's URL scheme, parsed into what the request addresses:
//   /subscriptions/{s}[/resourceGroups/{rg}]/providers/{ns}/{type}/{name}[/{childType}/{childName}]...[/{action}]
import { VnetlabError } from "../model/errors.js";

export type ArmPath =
  | { kind: "subscriptions" }
  | { kind: "subscription"; subscriptionId: string }
  | { kind: "resourceGroups"; subscriptionId: string }
  | { kind: "resourceGroup"; subscriptionId: string; resourceGroup: string; id: string }
  | { kind: "resources"; subscriptionId: string; resourceGroup?: string }
  /** `/subscriptions/{s}/providers/{ns}/locations/{location}/{operation}/...` */
  | {
      kind: "location";
      subscriptionId: string;
      namespace: string;
      location: string;
      operation: string;
      rest: string[];
    }
  /** A list of a type: by subscription, by resource group, or the children of a parent. */
  | {
      kind: "collection";
      subscriptionId: string;
      resourceGroup?: string;
      type: string;
      parentId?: string;
      scope: string;
    }
  | {
      kind: "resource";
      subscriptionId: string;
      resourceGroup: string;
      type: string;
      id: string;
      name: string;
    }
  /** The same shape as a collection, addressed with POST: an action on the parent resource. */
  | { kind: "providerOperations"; namespace: string };

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new VnetlabError("InvalidResourceId", `'${s}' is not a valid URL segment`);
  }
};

export function parseArmPath(pathname: string): ArmPath | undefined {
  const segs = pathname
    .split("/")
    .filter((s) => s !== "")
    .map(decode);
  const lower = segs.map((s) => s.toLowerCase());
  if (lower[0] === "providers" && segs.length === 3 && lower[2] === "operations") {
    return { kind: "providerOperations", namespace: segs[1]! };
  }
  if (lower[0] !== "subscriptions") return undefined;
  if (segs.length === 1) return { kind: "subscriptions" };
  const subscriptionId = segs[1]!;
  if (segs.length === 2) return { kind: "subscription", subscriptionId };
  let i = 2;
  let resourceGroup: string | undefined;
  if (lower[2] === "resourcegroups") {
    if (segs.length === 3) return { kind: "resourceGroups", subscriptionId };
    resourceGroup = segs[3]!;
    const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
    if (segs.length === 4) return { kind: "resourceGroup", subscriptionId, resourceGroup, id };
    i = 4;
  }
  if (lower[i] === "resources" && segs.length === i + 1)
    return { kind: "resources", subscriptionId, resourceGroup };
  if (lower[i] !== "providers" || segs.length < i + 3) return undefined;
  const namespace = segs[i + 1]!;
  const rest = segs.slice(i + 2);
  if (!resourceGroup && rest[0]?.toLowerCase() === "locations" && rest.length >= 3) {
    return {
      kind: "location",
      subscriptionId,
      namespace,
      location: rest[1]!,
      operation: rest[2]!,
      rest: rest.slice(3),
    };
  }
  const base = `/subscriptions/${subscriptionId}${resourceGroup ? `/resourceGroups/${resourceGroup}` : ""}/providers/${namespace}`;
  const types = [namespace];
  let id = base;
  for (let k = 0; k < rest.length; k += 2) {
    types.push(rest[k]!);
    const name = rest[k + 1];
    if (name === undefined) {
      const parentId = k === 0 ? undefined : id;
      return {
        kind: "collection",
        subscriptionId,
        resourceGroup,
        type: types.join("/"),
        parentId,
        scope: parentId ?? base.replace(/\/providers\/[^/]+$/, ""),
      };
    }
    id += `/${rest[k]}/${name}`;
  }
  if (!resourceGroup) return undefined;
  return {
    kind: "resource",
    subscriptionId,
    resourceGroup,
    type: types.join("/"),
    id,
    name: rest[rest.length - 1]!,
  };
}
