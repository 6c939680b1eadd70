// Microsoft.Resources: resource groups and the records of deployments. (Subscriptions are implicit: every
// subscription id exists.)
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

/** The record of a template deployment (deployments.ts does the deploying); stored as the deployment left it. */
export const deployments: ResourceTypeDef = {
  type: "Microsoft.Resources/deployments",
  location: "none",
  prepare(r) {
    return r;
  },
};
