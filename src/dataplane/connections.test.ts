// Live changes to open connections: service endpoint changes reset the subnet's connections to the service
// (§1.2 R4 [S1]), route and policy drops end them, NSG changes leave them be (stateful [S4]).
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { ConnectionTracker, endpointChanges } from "./connections.js";
import { openFlow } from "./pipeline.js";
import { sourcesOf } from "./sources.js";
import { lab, subnetOf } from "./testLab.js";

const before = lab();
const HOST = "stgworkloads.blob.core.windows.net";

function tracked(estate = before) {
  const tracker = new ConnectionTracker();
  const sources = sourcesOf(estate);
  for (const name of ["vm-app", "vm-web"]) {
    const source = sources.find((s) => s.name === name)!;
    const d = openFlow(estate, source, HOST, 443);
    if (d.kind !== "open") throw new Error(d.kind);
    tracker.track(source, d.flow, new Socket());
  }
  return tracker;
}

const retrace =
  (after: typeof before) =>
  (c: { source: Parameters<typeof openFlow>[1]; flow: { host: string; port: number } }) =>
    openFlow(after, c.source, c.flow.host, c.flow.port);

describe("endpointChanges", () => {
  it("names the subnet and the kinds whose endpoint came or went", () => {
    const after = lab((r) => void (subnetOf(r, "snet-web").serviceEndpoints = []));
    const changes = endpointChanges(before, after);
    expect([...changes.keys()]).toEqual([expect.stringMatching(/snet-web$/)]);
    expect([...changes.values()][0]!.has("storage")).toBe(true);
    expect(endpointChanges(before, lab()).size).toBe(0);
  });
});

describe("ConnectionTracker.changes", () => {
  it("resets the connections of a subnet whose Storage endpoint changed, and only those", () => {
    const after = lab((r) => void (subnetOf(r, "snet-web").serviceEndpoints = []));
    const changes = tracked().changes(before, after, retrace(after));
    expect(changes.map((c) => [c.connection.source.name, c.action])).toEqual([["vm-web", "reset"]]);
  });

  it("leaves connections alone when an NSG starts denying (stateful), drops them when a route does", () => {
    const denyAll = lab((r) => {
      const rules = (
        r.find((x) => x.name === "nsg-app")!.properties as {
          securityRules: { properties: { access: string } }[];
        }
      ).securityRules;
      for (const rule of rules) rule.properties.access = "Deny";
    });
    expect(tracked().changes(before, denyAll, retrace(denyAll))).toEqual([]);
    const blackhole = lab((r) => {
      r.push({
        id: "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-networking/providers/Microsoft.Network/routeTables/rt-none",
        name: "rt-none",
        type: "Microsoft.Network/routeTables",
        location: "uksouth",
        // A service-tag UDR ties with the endpoint's routes and wins them (UDR over system, §2.4).
        properties: {
          routes: [{ name: "none", properties: { addressPrefix: "Storage.UKSouth", nextHopType: "None" } }],
        },
      });
      subnetOf(r, "snet-web").routeTable = { id: r.at(-1)!.id };
    });
    const changes = tracked().changes(before, blackhole, retrace(blackhole));
    expect(changes.map((c) => [c.connection.source.name, c.action])).toEqual([["vm-web", "drop"]]);
  });
});
