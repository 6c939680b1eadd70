// The seed-000 lab (preloaded) with a network manager and a verifier workspace, for the verifier tests:
// ids of the lab's resources, intent bodies, and readers of a run's analysisResult.
import { join } from "node:path";
import { preloadEstate } from "../../src/arm/preload.js";
import { readEstateResources } from "../../src/cli/loadEstate.js";
import { type Harness, startServer } from "./harness.js";
import { put } from "./networkFixture.js";

export const API = "2024-07-01";
export const SUB_ID = "11111111-1111-1111-1111-111111111111"; // the lab's subscription
export const SUB = `/subscriptions/${SUB_ID}`;
export const RG = "rg-networking";
export const VM = (name: string): string =>
  `${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${name}`;
export const STG = `${SUB}/resourceGroups/rg-storage/providers/Microsoft.Storage/storageAccounts/stgworkloads`;
export const SQL = `${SUB}/resourceGroups/rg-sql/providers/Microsoft.Sql/servers/sql-workloads`;
export const SNET_APP = `${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet-workloads/subnets/snet-app`;
export const NM = `${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkManagers/nm-lab`;
export const WS = `${NM}/verifierWorkspaces/ws-lab`;
export const intentId = (name: string, ws = WS): string => `${ws}/reachabilityAnalysisIntents/${name}`;
export const runId = (name: string, ws = WS): string => `${ws}/reachabilityAnalysisRuns/${name}`;

export const traffic = (port: string, protocol = "TCP"): object => ({
  sourceIps: [],
  destinationIps: [],
  sourcePorts: ["*"],
  destinationPorts: [port],
  protocols: [protocol],
});

export const intentBody = (
  source: string,
  destination: string,
  port: string,
  extra: object = {},
): object => ({
  properties: {
    description: `${source.split("/").pop()} to ${destination.split("/").pop()}`,
    sourceResourceId: source,
    destinationResourceId: destination,
    ipTraffic: traffic(port),
    ...extra,
  },
});

export interface Hop {
  name: string;
  resourceId: string;
  resourceType: string;
  packet: Record<string, string>;
  explanation: { explanationCode: string; description: string } & Record<string, unknown>;
}
export interface Result {
  resultOutcome: string;
  reachedTrace?: string;
  unreachedTrace?: string;
  vnetlab: { verdict: string; decidedBy: { stage: string; resourceId?: string; rule?: string } };
}
export const resultOf = (run: { properties?: unknown }): Result =>
  JSON.parse((run.properties as { analysisResult: string }).analysisResult) as Result;
export const hops = (text: string | undefined): Hop[] => JSON.parse(text!) as Hop[];

/** A server with the lab preloaded, the manager nm-lab (scope: the lab's subscription) and its workspace ws-lab. */
export async function verifierLab(): Promise<Harness> {
  const h = await startServer();
  const root = join(import.meta.dirname, "..", "..");
  const { resources, origins } = readEstateResources([join(root, "examples/lab000/estate.json")]);
  await preloadEstate(h.pipeline, resources, origins);
  await put(
    h,
    NM,
    { location: "uksouth", properties: { networkManagerScopes: { subscriptions: [SUB] } } },
    API,
  );
  await put(h, WS, { location: "uksouth", properties: { description: "lab checks" } }, API);
  return h;
}
