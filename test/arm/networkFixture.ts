// Shared setup of the Microsoft.Network provider tests: a server, the real @azure/arm-network client, a base
// network written through it, and the assertions every validation test makes — the HTTP status, ARM's error
// code, and a store left exactly as it was.
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import { expect } from "vitest";
import { credential, type Harness, startServer, SUBSCRIPTION } from "./harness.js";
import { armRequest, errorCode, type HttpResult } from "./http.js";

export const RG = "rg-net";
export const RG_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}`;
export const NET = `${RG_ID}/providers/Microsoft.Network`;
export const API = "2024-05-01";
export const subnetId = (vnet: string, subnet: string): string =>
  `${NET}/virtualNetworks/${vnet}/subnets/${subnet}`;
export const netId = (type: string, name: string): string => `${NET}/${type}/${name}`;

export interface NetworkTest {
  h: Harness;
  net: NetworkManagementClient;
  close(): Promise<void>;
}

/**
 * vnet1 (eastus, 10.0.0.0/16): app 10.0.1.0/24, data 10.0.2.0/24 with Microsoft.Storage, pe 10.0.3.0/24,
 * tiny 10.0.9.0/29 (three usable addresses), GatewaySubnet 10.0.255.0/27. vnet-west (westus, 10.1.0.0/16): s1.
 */
export async function networkTest(opts: { pageSize?: number } = {}): Promise<NetworkTest> {
  const h = await startServer(opts);
  const resources = new ResourceManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  await resources.resourceGroups.createOrUpdate(RG, { location: "eastus" });
  const net = new NetworkManagementClient(credential, SUBSCRIPTION, h.clientOptions);
  await net.virtualNetworks.beginCreateOrUpdateAndWait(RG, "vnet1", {
    location: "eastus",
    addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
    subnets: [
      { name: "app", addressPrefix: "10.0.1.0/24" },
      { name: "data", addressPrefix: "10.0.2.0/24", serviceEndpoints: [{ service: "Microsoft.Storage" }] },
      { name: "pe", addressPrefix: "10.0.3.0/24" },
      { name: "tiny", addressPrefix: "10.0.9.0/29" },
      { name: "GatewaySubnet", addressPrefix: "10.0.255.0/27" },
    ],
  });
  await net.virtualNetworks.beginCreateOrUpdateAndWait(RG, "vnet-west", {
    location: "westus",
    addressSpace: { addressPrefixes: ["10.1.0.0/16"] },
    subnets: [{ name: "s1", addressPrefix: "10.1.1.0/24" }],
  });
  return { h, net, close: () => h.close() };
}

/** Expects `call` to fail with `status` and `code`, leaving the store as it was. */
export async function rejects(
  h: Harness,
  call: () => Promise<unknown>,
  code: string,
  status = 400,
): Promise<void> {
  const before = await h.store.version();
  await expect(call()).rejects.toMatchObject({ statusCode: status, code });
  expect(await h.store.version()).toBe(before);
}

/** The same for a plain HTTPS request. */
export async function refused(
  h: Harness,
  call: () => Promise<HttpResult>,
  code: string,
  status = 400,
): Promise<HttpResult> {
  const before = await h.store.version();
  const r = await call();
  expect({ status: r.status, code: errorCode(r) }, JSON.stringify(r.body)).toEqual({ status, code });
  expect(await h.store.version()).toBe(before);
  return r;
}

/** A plain HTTPS write that must succeed; answers the body. */
export async function put(
  h: Harness,
  id: string,
  body: object,
  apiVersion = API,
): Promise<Record<string, unknown>> {
  const r = await armRequest(h, "PUT", `${id}?api-version=${apiVersion}`, body);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body as Record<string, unknown>;
}

export const http = (
  h: Harness,
  method: string,
  id: string,
  body?: object,
  apiVersion = API,
): Promise<HttpResult> => armRequest(h, method, `${id}?api-version=${apiVersion}`, body);
