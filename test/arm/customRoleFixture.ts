// Requests and checks shared by the custom role definition tests: Microsoft.Authorization paths, a custom role's
// body, ARM's refusals with both stores (the estate's and the authorization store) unchanged, and a PUT whose body
// is not JSON at all.
import { expect } from "vitest";
import type { NetworkedTest } from "./authFixture.js";
import { armTextRequest, errorCode, type HttpResult } from "./http.js";

export const JOIN = "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action";
export const SUBNET_READ = "Microsoft.Network/virtualNetworks/subnets/read";
export const AUTHZ = "providers/Microsoft.Authorization";
const API = "api-version=2022-04-01";

export const definition = (scope: string, guid: string): string =>
  `${scope}/${AUTHZ}/roleDefinitions/${guid}?${API}`;
export const definitions = (scope: string, filter?: string): string =>
  `${scope}/${AUTHZ}/roleDefinitions?${API}${filter ? `&$filter=${encodeURIComponent(filter)}` : ""}`;
export const assignmentPath = (scope: string, name: string): string =>
  `${scope}/${AUTHZ}/roleAssignments/${name}?${API}`;

/** A custom role's PUT body, as the docs' REST example writes it. */
export const roleBody = (
  roleName: string,
  actions: string[],
  assignableScopes: string[],
): { properties: Record<string, unknown> } => ({
  properties: {
    roleName,
    description: `${roleName}, for the tests`,
    type: "CustomRole",
    permissions: [{ actions, notActions: [], dataActions: [], notDataActions: [] }],
    assignableScopes,
  },
});

export const message = (r: HttpResult): string => (r.body as { error: { message: string } }).error.message;
export const names = (r: HttpResult): string[] =>
  (r.body as { value: { name: string }[] }).value.map((v) => v.name);

/** ARM's status and code, with neither the estate's store nor the authorization store changed. */
export async function refused(
  t: NetworkedTest,
  call: () => Promise<HttpResult>,
  status: number,
  code: string,
): Promise<HttpResult> {
  const before = [await t.h.store.version(), await t.auth.store.version()];
  const r = await call();
  expect({ status: r.status, code: errorCode(r) }, JSON.stringify(r.body)).toEqual({ status, code });
  expect(
    [await t.h.store.version(), await t.auth.store.version()],
    "a refused request changes nothing",
  ).toEqual(before);
  return r;
}

/** A PUT whose body is not JSON at all. */
export function rawPut(t: NetworkedTest, path: string, token: string, text: string): Promise<HttpResult> {
  return armTextRequest(t.h, "PUT", path, text, { authorization: `Bearer ${token}` });
}
