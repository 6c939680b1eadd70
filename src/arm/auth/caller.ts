// Who made an ARM request (`serve --auth`): the principal of the bearer token, the principals of its auxiliary
// tokens (x-ms-authorization-auxiliary, one per other tenant), and the role assignments in force when it arrived.
import type { Permissions } from "./rbac.js";

export interface Identity {
  objectId: string;
  tenantId: string;
  clientId: string;
}

export interface Caller extends Identity {
  /** Principals of the auxiliary tokens, for resources the request links to in other tenants. */
  auxiliary: Identity[];
  permissions: Permissions;
}
