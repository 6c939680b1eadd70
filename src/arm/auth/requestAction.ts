// The RBAC action and scope of an ARM request, as ARM derives them: `{provider}/{type}/read` for GET and HEAD,
// `/write` for PUT and PATCH, `/delete` for DELETE and `{provider}/{type}/{action}/action` for POST, at the
// resource (or collection parent) the URL addresses [learn.microsoft.com/azure/role-based-access-control/
// resource-provider-operations]. Resource groups and subscriptions are Microsoft.Resources types.
import type { ArmPath } from "../armPath.js";

export interface RequestPermission {
  action: string;
  scope: string;
}

function verb(method: string): string {
  switch (method.toUpperCase()) {
    case "PUT":
    case "PATCH":
      return "write";
    case "DELETE":
      return "delete";
    case "POST":
      return "action";
    default:
      return "read";
  }
}

/**
 * What a request needs; undefined when ARM checks nothing beyond authentication. ARM filters the subscription
 * list by the caller's tenant and access instead of refusing it (dispatch.ts), and lets whoever started a
 * long-running operation poll it [INF]; vnetlab leaves polling open to any authenticated caller.
 */
export function requestPermission(method: string, path: ArmPath): RequestPermission | undefined {
  const v = verb(method);
  const sub = "subscriptionId" in path ? `/subscriptions/${path.subscriptionId}` : "";
  switch (path.kind) {
    case "subscriptions":
    case "providerOperations":
      return undefined;
    case "subscription":
      return { action: "Microsoft.Resources/subscriptions/read", scope: sub };
    case "resourceGroups":
      return { action: "Microsoft.Resources/subscriptions/resourceGroups/read", scope: sub };
    case "resourceGroup":
      return { action: `Microsoft.Resources/subscriptions/resourceGroups/${v}`, scope: path.id };
    case "resources":
      return path.resourceGroup
        ? {
            action: "Microsoft.Resources/subscriptions/resourceGroups/resources/read",
            scope: `${sub}/resourceGroups/${path.resourceGroup}`,
          }
        : { action: "Microsoft.Resources/subscriptions/resources/read", scope: sub };
    case "location": {
      const op = path.operation.toLowerCase();
      if (op === "operations" || op === "operationresults") return undefined;
      return {
        action: `${path.namespace}/locations/${path.operation}/${v === "action" ? "action" : "read"}`,
        scope: sub,
      };
    }
    case "collection":
      // POST to `{resource}/{name}` is an action on the resource; GET lists a type below a scope or parent.
      return method.toUpperCase() === "POST" && path.parentId
        ? { action: `${path.type}/action`, scope: path.parentId }
        : { action: `${path.type}/read`, scope: path.parentId ?? path.scope };
    case "resource":
      return { action: `${path.type}/${v}`, scope: path.id };
  }
}
