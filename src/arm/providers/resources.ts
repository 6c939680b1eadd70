// Microsoft.Resources: resource groups. (Subscriptions are implicit: every subscription id exists.)
import type { ResourceTypeDef } from "../resourceType.js";
import { normaliseLocation, succeeded } from "./common.js";

export const resourceGroups: ResourceTypeDef = {
  type: "Microsoft.Resources/resourceGroups",
  location: "required",
  prepare(r, ctx) {
    normaliseLocation(r, ctx);
    r.properties = {};
    return succeeded(r);
  },
};
