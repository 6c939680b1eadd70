import { describe, expect, it } from "vitest";
import { denials, storageTime } from "./denials.js";
import { evaluateFirewall, firewallFor, firewalls, supportedResourceTypes } from "./index.js";
import { estateOf, publicOrigin, resource } from "./testEstate.js";

describe("firewallFor: one evaluator per resource type, looked up case-insensitively", () => {
  it("finds every supported type in any case", () => {
    for (const t of supportedResourceTypes) {
      expect(firewallFor(t.toUpperCase())).toBeDefined();
      expect(firewallFor(t.toLowerCase())?.resourceTypes).toContain(t);
    }
  });

  it("covers the services of semantics §4", () => {
    expect([...supportedResourceTypes].sort()).toEqual(
      [
        "Microsoft.CognitiveServices/accounts",
        "Microsoft.ContainerRegistry/registries",
        "Microsoft.DBforMariaDB/servers",
        "Microsoft.DBforMySQL/servers",
        "Microsoft.DBforPostgreSQL/servers",
        "Microsoft.DataLakeStore/accounts",
        "Microsoft.DocumentDB/databaseAccounts",
        "Microsoft.EventHub/namespaces",
        "Microsoft.KeyVault/vaults",
        "Microsoft.ServiceBus/namespaces",
        "Microsoft.Sql/servers",
        "Microsoft.Storage/storageAccounts",
        "Microsoft.Web/sites",
      ].sort(),
    );
    expect(new Set(firewalls).size).toBe(firewalls.length);
  });
});

describe("evaluateFirewall: a type without a firewall model is accepted, and says so", () => {
  it("allows and names the gap", () => {
    const redis = resource("Microsoft.Cache/redis", "cache-lab", "eastus", {});
    const estate = estateOf([redis]);
    const r = evaluateFirewall(
      estate.get(redis.id)!,
      { origin: publicOrigin("198.51.100.1"), port: 6380 },
      estate,
    );
    expect(r).toMatchObject({ decision: "Allow", rule: "(no firewall model)" });
  });
});

describe("denials registry: every refusal has a status, a code and a source tag", () => {
  it("each entry builds a response that echoes its code and status", () => {
    for (const [id, d] of Object.entries(denials)) {
      expect(d.source, id).toMatch(/\[(S\d+[a-z]?|OBS|INF|UNCONF)/);
      const r = d.build({ resourceName: "res", clientIp: "198.51.100.1" });
      expect(r.status, id).toBe(d.status);
      expect(r.code, id).toBe(d.code);
      expect(r.message, id).not.toMatch(/\{\w+\}/);
    }
  });

  it("Storage times carry seven fractional digits; the defaults are the epoch and the zero GUID", () => {
    expect(storageTime(new Date("2025-10-02T12:53:16.165Z"))).toBe("2025-10-02T12:53:16.1650000Z");
    const r = denials.storageAuthorizationFailure.build({ resourceName: "stg" });
    expect(r.message).toBe(
      "This request is not authorized to perform this operation.\nRequestId:00000000-0000-0000-0000-000000000000\nTime:1970-01-01T00:00:00.0000000Z",
    );
    expect(r.headers?.date).toBe("Thu, 01 Jan 1970 00:00:00 GMT");
  });
});
