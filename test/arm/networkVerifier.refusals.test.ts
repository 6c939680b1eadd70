// The verifier's refusals on the seed-000 lab, each with its status and ARM code, each changing nothing:
// unknown or unsupported sources and destinations, bad IPs, ports and protocols, runs of missing intents,
// resources outside the network manager's scope, bad scopes, names, parents and api-versions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "./harness.js";
import { http, put, refused } from "./networkFixture.js";
import {
  API,
  intentBody,
  intentId,
  NM,
  RG,
  runId,
  STG,
  SUB,
  verifierLab,
  VM,
  WS,
} from "./verifierFixture.js";

let h: Harness;
beforeAll(async () => {
  h = await verifierLab();
});
afterAll(async () => h.close());

describe("refusals (status and code; nothing changes)", () => {
  const bad = (over: object, traffic2: object = {}): object => {
    const base = intentBody(VM("vm-app"), STG, "443") as { properties: { ipTraffic: object } };
    return {
      properties: { ...base.properties, ...over, ipTraffic: { ...base.properties.ipTraffic, ...traffic2 } },
    };
  };
  const putIntent = (body: object) => () => http(h, "PUT", intentId("bad"), body, API);

  it("unknown source or destination resources", async () => {
    await refused(h, putIntent(bad({ sourceResourceId: VM("vm-nope") })), "InvalidResourceReference");
    await refused(
      h,
      putIntent(bad({ destinationResourceId: STG.replace("stgworkloads", "stgnope") })),
      "InvalidResourceReference",
    );
    await refused(h, putIntent(bad({ sourceResourceId: STG })), "UnsupportedTargetResourceType");
    await refused(h, putIntent(bad({ sourceResourceId: "vm-app" })), "LinkedInvalidPropertyId");
    expect((await http(h, "GET", intentId("bad"), undefined, API)).status).toBe(404);
  });

  it("invalid IPs, ports and protocols, and a missing ipTraffic", async () => {
    const r = await refused(h, putIntent(bad({}, { sourceIps: ["10.0.1.300"] })), "InvalidRequestFormat");
    expect((r.body as { error: { target: string } }).error.target).toBe("properties.ipTraffic.sourceIps[0]");
    await refused(h, putIntent(bad({}, { destinationIps: ["not-an-ip"] })), "InvalidRequestFormat");
    await refused(h, putIntent(bad({}, { destinationPorts: ["70000"] })), "InvalidRequestFormat");
    await refused(h, putIntent(bad({}, { sourcePorts: ["90-80"] })), "InvalidRequestFormat");
    await refused(h, putIntent(bad({}, { protocols: ["HTTP"] })), "InvalidRequestFormat");
    await refused(
      h,
      putIntent({ properties: { sourceResourceId: VM("vm-app"), destinationResourceId: STG } }),
      "InvalidRequestFormat",
    );
  });

  it("a run of an intent that does not exist, or of another workspace's intent", async () => {
    const other = `${NM}/verifierWorkspaces/ws-other`;
    await put(h, other, { location: "uksouth" }, API);
    await put(h, intentId("elsewhere", other), intentBody(VM("vm-app"), STG, "443"), API);
    for (const id of [intentId("nope"), intentId("elsewhere", other)]) {
      const r = await refused(
        h,
        () => http(h, "PUT", runId("bad"), { properties: { intentId: id } }, API),
        "InvalidResourceReference",
      );
      expect((r.body as { error: { target: string } }).error.target).toBe("properties.intentId");
    }
    await refused(h, () => http(h, "PUT", runId("bad"), { properties: {} }, API), "InvalidRequestFormat");
    expect((await http(h, "GET", runId("bad"), undefined, API)).status).toBe(404);
  });

  it("resources outside the network manager's scope, bad scopes, names, parents and api-versions", async () => {
    const narrow = `${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkManagers/nm-narrow`;
    await put(
      h,
      narrow,
      {
        location: "uksouth",
        properties: {
          networkManagerScopes: { subscriptions: ["/subscriptions/22222222-2222-2222-2222-222222222222"] },
        },
      },
      API,
    );
    await put(h, `${narrow}/verifierWorkspaces/ws`, { location: "uksouth" }, API);
    await refused(
      h,
      () =>
        http(
          h,
          "PUT",
          intentId("x", `${narrow}/verifierWorkspaces/ws`),
          intentBody(VM("vm-app"), STG, "443"),
          API,
        ),
      "InvalidRequestFormat",
    );
    const nm = (properties: object) => () =>
      http(h, "PUT", `${NM}-bad`, { location: "uksouth", properties }, API);
    await refused(h, nm({}), "InvalidRequestFormat");
    await refused(h, nm({ networkManagerScopes: { subscriptions: [] } }), "InvalidRequestFormat");
    await refused(
      h,
      nm({ networkManagerScopes: { subscriptions: [SUB] }, networkManagerScopeAccesses: ["Everything"] }),
      "InvalidRequestFormat",
    );
    await refused(
      h,
      () => http(h, "PUT", `${NM}/verifierWorkspaces/-ws`, { location: "uksouth" }, API),
      "InvalidResourceName",
    );
    await refused(
      h,
      () => http(h, "PUT", `${NM}-missing/verifierWorkspaces/ws`, { location: "uksouth" }, API),
      "ParentResourceNotFound",
      404,
    );
    await refused(h, () => http(h, "GET", WS, undefined, "2023-11-01"), "NoRegisteredProviderFound");
  });
});
