// The network the PaaS provider tests name in their firewall rules, written through the ARM API itself:
// vnet1 (eastus) with a subnet carrying every service endpoint and one carrying none, a westus VNet with the
// Microsoft.Sql endpoint, and a subscription of another tenant that holds nothing the emulator can see.
import { expect } from "vitest";
import type { Harness } from "./harness.js";
import { SUBSCRIPTION } from "./harness.js";
import { armRequest, type HttpResult } from "./http.js";

export const RG = "rg-paas";
export const RG_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}`;
const NET = `${RG_ID}/providers/Microsoft.Network/virtualNetworks`;

export const SE_ALL = `${NET}/vnet1/subnets/se-all`;
export const NO_SE = `${NET}/vnet1/subnets/no-se`;
export const WEST_SQL = `${NET}/vnet-west/subnets/se-sql`;
export const MISSING_VNET = `${NET}/vnet-nope/subnets/s1`;
export const MISSING_SUBNET = `${NET}/vnet1/subnets/nope`;
/** A subnet in a subscription with nothing in the estate: another team's, or another tenant's. */
export const FOREIGN_SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
export const FOREIGN_SUBNET = `/subscriptions/${FOREIGN_SUBSCRIPTION}/resourceGroups/rg-x/providers/Microsoft.Network/virtualNetworks/vx/subnets/sx`;

export const ALL_ENDPOINTS = [
  "Microsoft.Storage",
  "Microsoft.Sql",
  "Microsoft.KeyVault",
  "Microsoft.AzureCosmosDB",
  "Microsoft.ServiceBus",
  "Microsoft.EventHub",
  "Microsoft.Web",
  "Microsoft.CognitiveServices",
  "Microsoft.ContainerRegistry",
];

/** `{id}?api-version=...` for a path under the test resource group. */
export function path(relative: string, apiVersion: string): string {
  return `${RG_ID}/providers/${relative}?api-version=${apiVersion}`;
}

export async function createNetwork(h: Harness): Promise<void> {
  const ok = (r: HttpResult): void => expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  ok(await armRequest(h, "PUT", `${RG_ID}?api-version=2021-04-01`, { location: "eastus" }));
  const vnet = (location: string, prefix: string, subnets: object[]): object => ({
    location,
    properties: { addressSpace: { addressPrefixes: [prefix] }, subnets },
  });
  const endpoints = (names: string[]): object[] => names.map((service) => ({ service }));
  ok(
    await armRequest(
      h,
      "PUT",
      `${NET}/vnet1?api-version=2024-05-01`,
      vnet("eastus", "10.0.0.0/16", [
        {
          name: "se-all",
          properties: { addressPrefix: "10.0.1.0/24", serviceEndpoints: endpoints(ALL_ENDPOINTS) },
        },
        { name: "no-se", properties: { addressPrefix: "10.0.2.0/24" } },
      ]),
    ),
  );
  ok(
    await armRequest(
      h,
      "PUT",
      `${NET}/vnet-west?api-version=2024-05-01`,
      vnet("westus", "10.1.0.0/16", [
        {
          name: "se-sql",
          properties: { addressPrefix: "10.1.1.0/24", serviceEndpoints: endpoints(["Microsoft.Sql"]) },
        },
      ]),
    ),
  );
}

/** Runs a request that must fail, and checks that the store did not change. */
export async function refused(
  h: Harness,
  attempt: () => Promise<unknown>,
): Promise<{ statusCode?: number; code?: string; message: string }> {
  const before = await h.store.version();
  let failure: { statusCode?: number; code?: string; message: string } | undefined;
  try {
    const out = await attempt();
    const r = out as Partial<HttpResult> | undefined;
    if (r && typeof r.status === "number" && r.status >= 400) {
      const error = (r.body as { error?: { code?: string; message?: string } }).error;
      failure = { statusCode: r.status, code: error?.code, message: error?.message ?? "" };
    }
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message: string };
    failure = { statusCode: err.statusCode, code: err.code, message: err.message };
  }
  expect(failure, "the request should have failed").toBeDefined();
  expect(await h.store.version(), "a failed request changes nothing").toBe(before);
  return failure!;
}
