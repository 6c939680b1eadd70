// The resources an attacker would use to take data out: accounts of the endpoint-capable services in a
// subscription and tenant the estate does not trust, each open to every network (storage, Key Vault:
// defaultAction Allow; SQL: public access with a rule for every address; Cosmos DB: no filter). They are not
// in the estate — anyone can create one — so the audit adds them, one per service and region, and asks the
// engine whether each subnet reaches them [seeds: the rogue-account exfiltration path; S2 S1].
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { NetworkTypes as N, type VirtualNetworkProperties } from "../../model/resources/network.js";
import { ServiceTypes as T } from "../../model/resources/services.js";

export const ROGUE_SUBSCRIPTION = "0badc0de-0000-4000-8000-00000000e7f1";
export const ROGUE_TENANT = "0badc0de-0000-4000-8000-0000000e7a47";
const RG = `/subscriptions/${ROGUE_SUBSCRIPTION}/resourceGroups/rg-exfiltration`;

export type RogueService = "storage" | "sql" | "keyVault" | "cosmosDb";

export interface RogueResource {
  service: RogueService;
  region: string;
  resource: ArmResource;
}

/** The regions to try: every VNet's region, its pair, and one region beyond them all. */
export function rogueRegions(estate: Estate): string[] {
  const out = new Set<string>();
  for (const v of estate.ofType<VirtualNetworkProperties>(N.virtualNetwork)) {
    const region = v.location && estate.regions.normalize(v.location);
    if (!region) continue;
    out.add(region);
    const pair = estate.regions.pairOf(region);
    if (pair) out.add(pair);
  }
  const beyond = estate.regions.all().find((r) => !out.has(r.name) && estate.regions.pairOf(r.name));
  if (beyond) out.add(beyond.name);
  return [...out].sort();
}

/** Short, valid names: storage accounts take 3–24 lower-case letters and digits. */
const shortName = (prefix: string, region: string): string => `${prefix}${region}`.slice(0, 24);

export function rogueResources(estate: Estate): RogueResource[] {
  const out: RogueResource[] = [];
  for (const region of rogueRegions(estate)) {
    const storage = shortName("exfil", region);
    out.push({
      service: "storage",
      region,
      resource: {
        id: `${RG}/providers/${T.storageAccount}/${storage}`,
        name: storage,
        type: T.storageAccount,
        location: region,
        kind: "StorageV2",
        sku: { name: "Standard_LRS" },
        properties: {
          publicNetworkAccess: "Enabled",
          networkAcls: { defaultAction: "Allow", bypass: "None" },
        },
      },
    });
    const sql = `exfil-sql-${region}`;
    out.push({
      service: "sql",
      region,
      resource: {
        id: `${RG}/providers/${T.sqlServer}/${sql}`,
        name: sql,
        type: T.sqlServer,
        location: region,
        properties: {
          publicNetworkAccess: "Enabled",
          firewallRules: [
            {
              name: "everyone",
              properties: { startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" },
            },
          ],
        },
      },
    });
    const vault = shortName("exfil-kv-", region);
    out.push({
      service: "keyVault",
      region,
      resource: {
        id: `${RG}/providers/${T.keyVault}/${vault}`,
        name: vault,
        type: T.keyVault,
        location: region,
        properties: {
          tenantId: ROGUE_TENANT,
          publicNetworkAccess: "Enabled",
          networkAcls: { defaultAction: "Allow", bypass: "None" },
        },
      },
    });
    const cosmos = `exfil-cosmos-${region}`;
    out.push({
      service: "cosmosDb",
      region,
      resource: {
        id: `${RG}/providers/${T.cosmosDbAccount}/${cosmos}`,
        name: cosmos,
        type: T.cosmosDbAccount,
        location: region,
        properties: { publicNetworkAccess: "Enabled", isVirtualNetworkFilterEnabled: false, ipRules: [] },
      },
    });
  }
  return out;
}

/** The rogue subscription, in the rogue tenant. */
export function rogueSubscription(): ArmResource {
  return {
    id: `/subscriptions/${ROGUE_SUBSCRIPTION}`,
    name: ROGUE_SUBSCRIPTION,
    type: "Microsoft.Resources/subscriptions",
    tenantId: ROGUE_TENANT,
  };
}
