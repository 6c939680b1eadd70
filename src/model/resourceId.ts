// ARM resource ids: /subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{childType}/{childName}]...
// Ids and type names compare case-insensitively, as in Azure.

export interface ResourceIdParts {
  subscriptionId: string;
  resourceGroup?: string;
  /** Provider namespace, e.g. `Microsoft.Network`. */
  namespace?: string;
  /** Full type, e.g. `Microsoft.Network/virtualNetworks/subnets`. */
  type: string;
  /** Names from the top resource down, e.g. `["vnet1", "snet1"]`. */
  names: string[];
  name: string;
}

/** The key under which a resource id is indexed: lower case, no trailing slash. */
export function idKey(id: string): string {
  return (id.endsWith("/") ? id.slice(0, -1) : id).toLowerCase();
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && idKey(a) === idKey(b);
}

export function typeKey(type: string): string {
  return type.toLowerCase();
}

/** Parses an ARM id; undefined when it is not one. */
export function parseResourceId(id: string): ResourceIdParts | undefined {
  const segs = id.split("/");
  if (segs[0] !== "" || segs.length < 3 || segs[1]?.toLowerCase() !== "subscriptions") return undefined;
  const subscriptionId = segs[2];
  if (!subscriptionId) return undefined;
  let i = 3;
  let resourceGroup: string | undefined;
  if (segs[i]?.toLowerCase() === "resourcegroups") {
    resourceGroup = segs[i + 1];
    if (!resourceGroup) return undefined;
    i += 2;
  }
  if (i >= segs.length) {
    return resourceGroup
      ? {
          subscriptionId,
          resourceGroup,
          type: "Microsoft.Resources/resourceGroups",
          names: [resourceGroup],
          name: resourceGroup,
        }
      : {
          subscriptionId,
          type: "Microsoft.Resources/subscriptions",
          names: [subscriptionId],
          name: subscriptionId,
        };
  }
  if (segs[i]?.toLowerCase() !== "providers") return undefined;
  const namespace = segs[i + 1];
  if (!namespace) return undefined;
  i += 2;
  const types: string[] = [namespace];
  const names: string[] = [];
  while (i < segs.length) {
    const t = segs[i];
    const n = segs[i + 1];
    if (!t || !n) return undefined;
    types.push(t);
    names.push(n);
    i += 2;
  }
  if (names.length === 0) return undefined;
  return {
    subscriptionId,
    resourceGroup,
    namespace,
    type: types.join("/"),
    names,
    name: names[names.length - 1]!,
  };
}

/** The id of the parent resource (`.../virtualNetworks/v/subnets/s` → `.../virtualNetworks/v`). */
export function parentId(id: string): string | undefined {
  const parts = parseResourceId(id);
  if (!parts || parts.names.length < 2) return undefined;
  return id.split("/").slice(0, -2).join("/");
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/** Builds `/subscriptions/{s}/resourceGroups/{rg}/providers/{type}/{names...}` from a full type and names. */
export function buildResourceId(
  subscriptionId: string,
  resourceGroup: string,
  type: string,
  ...names: string[]
): string {
  const [ns, ...types] = type.split("/");
  let id = `${resourceGroupId(subscriptionId, resourceGroup)}/providers/${ns}`;
  types.forEach((t, i) => {
    id += `/${t}/${names[i] ?? ""}`;
  });
  return id;
}
