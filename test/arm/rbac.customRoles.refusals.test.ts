// `serve --auth`, custom role definitions refused as ARM refuses them: a caller without
// Microsoft.Authorization/roleDefinitions/write at the request's scope or at every assignable scope (AuthorizationFailed
// naming the scope), an update that would re-scope someone else's role, and malformed input — a name that is not
// a GUID, a built-in role's GUID, missing fields, the root scope, a body that is not JSON. Each refusal leaves
// both stores as they were.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_SUB, NET_SUB, type NetworkedTest, ok, P, ROLES, startWithNetworks, sub } from "./authFixture.js";
import {
  definition,
  definitions,
  JOIN,
  message,
  names,
  rawPut,
  refused,
  roleBody,
  SUBNET_READ,
} from "./customRoleFixture.js";
import type { HttpResult } from "./http.js";

let t: NetworkedTest;
beforeAll(async () => {
  t = await startWithNetworks();
});
afterAll(async () => t.close());

describe("who may create a custom role", () => {
  it("a reader may not (roleDefinitions/write at the request's scope)", async () => {
    const r = await refused(
      t,
      () =>
        t.call(
          "reader",
          "PUT",
          definition(sub(NET_SUB), randomUUID()),
          roleBody("Readers' role", [SUBNET_READ], [sub(NET_SUB)]),
        ),
      403,
      "AuthorizationFailed",
    );
    expect(message(r)).toContain(
      `perform action 'Microsoft.Authorization/roleDefinitions/write' over scope '${sub(NET_SUB)}'`,
    );
  });

  it("an owner of one subscription may not make a role assignable in another (every assignable scope)", async () => {
    // appA owns the application subscription only.
    const r = await refused(
      t,
      () =>
        t.call(
          "appA",
          "PUT",
          definition(sub(APP_SUB), randomUUID()),
          roleBody("Two subscriptions", [SUBNET_READ], [sub(APP_SUB), sub(NET_SUB)]),
        ),
      403,
      "AuthorizationFailed",
    );
    expect(message(r)).toBe(
      `The client '${P.appA.objectId}' with object id '${P.appA.objectId}' does not have authorization to perform action 'Microsoft.Authorization/roleDefinitions/write' over scope '${sub(NET_SUB)}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
    const mine = randomUUID();
    expect(
      (
        await t.call(
          "appA",
          "PUT",
          definition(sub(APP_SUB), mine),
          roleBody("App subnet joiner", [JOIN], [sub(APP_SUB)]),
        )
      ).status,
    ).toBe(201);
  });

  it("nobody may take over another's role by re-scoping it [INF]", async () => {
    const netRole = randomUUID();
    expect(
      (
        await t.call(
          "owner",
          "PUT",
          definition(sub(NET_SUB), netRole),
          roleBody("Net only", [SUBNET_READ], [sub(NET_SUB)]),
        )
      ).status,
    ).toBe(201);
    const r = await refused(
      t,
      () =>
        t.call(
          "appA",
          "PUT",
          definition(sub(APP_SUB), netRole),
          roleBody("Net only", [SUBNET_READ], [sub(APP_SUB)]),
        ),
      403,
      "AuthorizationFailed",
    );
    expect(message(r)).toContain(`over scope '${sub(NET_SUB)}'`);
  });
});

describe("custom role definitions refuse bad input, changing nothing", () => {
  const put = (guid: string, body: unknown): Promise<HttpResult> =>
    t.call("owner", "PUT", definition(sub(NET_SUB), guid), body);
  const valid = roleBody("Valid role", [SUBNET_READ], [sub(NET_SUB)]);
  const without = (key: string, value?: unknown): object => ({
    properties: { ...valid.properties, [key]: value },
  });

  it("answers ARM's codes", async () => {
    await refused(t, () => put("subnet-joiner", valid), 400, "InvalidRoleDefinitionId");
    const builtIn = await refused(t, () => put(ROLES.reader, valid), 409, "RoleDefinitionExists");
    expect(message(builtIn)).toBe("The role definition ID is already in use by a built-in role.");
    await refused(t, () => put(randomUUID(), without("roleName")), 400, "RoleDefinitionNameNullOrEmpty");
    await refused(
      t,
      () => put(randomUUID(), without("roleName", "  ")),
      400,
      "RoleDefinitionNameNullOrEmpty",
    );
    await refused(t, () => put(randomUUID(), without("permissions")), 400, "InvalidRequestContent");
    await refused(
      t,
      () => put(randomUUID(), without("permissions", [{ actions: "Microsoft.Network/*" }])),
      400,
      "InvalidRequestContent",
    );
    await refused(t, () => put(randomUUID(), without("assignableScopes")), 400, "MissingAssignableScopes");
    await refused(
      t,
      () => put(randomUUID(), without("assignableScopes", [])),
      400,
      "MissingAssignableScopes",
    );
    await refused(
      t,
      () => put(randomUUID(), without("type", "BuiltInRole")),
      400,
      "InvalidRoleDefinitionType",
    );
    const root = await refused(
      t,
      () => put(randomUUID(), without("assignableScopes", [sub(NET_SUB), "/"])),
      400,
      "InvalidAssignableScope",
    );
    expect(message(root)).toContain("properties.assignableScopes[1]");
    await refused(
      t,
      () => put(randomUUID(), without("assignableScopes", ["Invalid_Scope"])),
      400,
      "LinkedInvalidPropertyId",
    );
    await refused(t, () => put(randomUUID(), {}), 400, "InvalidRequestContent");
    await refused(
      t,
      () => rawPut(t, definition(sub(NET_SUB), randomUUID()), t.tk.owner, '{"properties": {"roleName": '),
      400,
      "InvalidRequestContent",
    );
    // None of it left a role behind.
    expect(
      names(ok(await t.call("owner", "GET", definitions(sub(NET_SUB), "roleName eq 'Valid role'")))),
    ).toEqual([]);
    // …and the same body with a GUID is accepted.
    expect((await put(randomUUID(), valid)).status).toBe(201);
  });
});
