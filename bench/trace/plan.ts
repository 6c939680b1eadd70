// The generator's in-memory plan of the estate, shared by its parts (vnets.ts, nsgs.ts, routes.ts, compute.ts,
// paas.ts, privateLink.ts, flows.ts). Resources are emitted from it at the end, once every cross-reference is
// known. One Rng serves every part, so the order in which generate.ts calls them fixes the output.
import type { ArmResource } from "../../src/model/arm.js";
import { Regions } from "../../src/model/regions.js";
import { ServiceTags } from "../../src/model/serviceTags.js";
import { ip4, parse4, REGION_NAMES, SE_KV, SE_SQL, SE_STORAGE, SE_STORAGE_GLOBAL } from "./addresses.js";
import { Rng } from "./prng.js";

export interface GenerateOptions {
  seed: number;
  vnets: number;
  vms: number;
  storageAccounts: number;
  sqlServers: number;
  keyVaults: number;
  flows: number;
}

export interface FlowLine {
  from: string;
  to: string;
}

export interface GeneratedEstate {
  resources: ArmResource[];
  flows: FlowLine[];
  counts: Record<string, number>;
}

export interface SubnetPlan {
  vnet: VnetPlan;
  index: number;
  name: string;
  id: string;
  base: number;
  services: string[];
  /** Write `locations` and `provisioningState` as an ARM GET would (else only `service`, as a template would). */
  explicitLocations: boolean;
  nsgId?: string;
  routeTableId?: string;
  sepIds: string[];
  peNetworkPolicies?: "Enabled" | "Disabled";
  nextHost: number;
}

export interface VnetPlan {
  i: number;
  name: string;
  id: string;
  sub: string;
  rg: string;
  region: string;
  base: number;
  subnets: SubnetPlan[];
  nvaIp?: string;
  hub?: number;
  isHub: boolean;
  hasGateway: boolean;
  vms: VmPlan[];
  /** Storage accounts with a blob A record in this VNet's linked privatelink zone. */
  privateBlob?: Set<number>;
}

export interface VmPlan {
  name: string;
  id: string;
  nicId: string;
  ip: string;
  subnet: SubnetPlan;
  pip?: string;
}

export interface StoragePlan {
  j: number;
  name: string;
  id: string;
  region: string;
  sku: string;
  subnetRules: SubnetPlan[];
  /** Internet client IPs some ipRule admits. */
  admitted: string[];
}

export interface SqlPlan {
  name: string;
  id: string;
  region: string;
  subnetRules: SubnetPlan[];
  admitted: string[];
}

export interface KeyVaultPlan {
  name: string;
  id: string;
  region: string;
}

export class EstatePlan {
  readonly rng: Rng;
  private readonly tags = ServiceTags.default();
  private readonly regions = Regions.default();
  readonly resources: ArmResource[] = [];
  readonly vnets: VnetPlan[] = [];
  readonly vms: VmPlan[] = [];
  readonly storage: StoragePlan[] = [];
  readonly sql: SqlPlan[] = [];
  readonly vaults: KeyVaultPlan[] = [];
  readonly clients: string[] = [];
  /** Subnets by service endpoint and region ("Microsoft.Storage|eastus"). */
  readonly subnetsByService = new Map<string, SubnetPlan[]>();
  readonly storageBySubnet = new Map<string, number[]>();
  readonly sqlBySubnet = new Map<string, number[]>();
  readonly storageByRegion = new Map<string, number[]>();
  readonly sqlByRegion = new Map<string, number[]>();
  /** NIC-level NSG ids by region. */
  readonly nicNsgs = new Map<string, string[]>();
  /** Storage accounts with a blob private endpoint somewhere. */
  readonly privateAccounts: number[] = [];

  constructor(readonly opts: GenerateOptions) {
    this.rng = new Rng(opts.seed);
  }

  tagName(base: string, region: string): string {
    return this.tags.regional(base, region)?.name ?? base;
  }

  pair(region: string): string {
    return this.regions.pairOf(region) ?? region;
  }

  /** An address inside AzureCloud.<region>, as Azure allocates public IPs. */
  azurePublicIp(region: string): string {
    const tag = this.tags.regional("AzureCloud", region) ?? this.tags.global("AzureCloud");
    const v4 = (tag?.prefixes ?? []).filter((p) => p.family === 4 && p.length >= 12 && p.length <= 28);
    if (v4.length === 0) return ip4(parse4("20.0.0.0") + this.rng.int(1 << 20));
    const p = this.rng.pick(v4);
    if (p.family !== 4) throw new Error("unreachable");
    const size = 2 ** (32 - p.length);
    return ip4((p.network + 1 + this.rng.int(size - 2)) >>> 0);
  }

  /** Subnets whose traffic a firewall of `service` in `region` can be given a VNet rule for. */
  ruleCandidates(service: "storage" | "sql" | "kv", region: string): SubnetPlan[] {
    const get = (key: string): SubnetPlan[] => this.subnetsByService.get(key) ?? [];
    if (service === "storage") {
      // [S8] R5: the regional endpoint reaches accounts in the VNet region and its pair; the global one, all.
      const regions = new Set([region, this.pair(region)]);
      for (const r of REGION_NAMES) if (this.pair(r) === region) regions.add(r);
      return [...[...regions].flatMap((r) => get(`${SE_STORAGE}|${r}`)), ...get(`${SE_STORAGE_GLOBAL}|*`)];
    }
    if (service === "sql") return get(`${SE_SQL}|${region}`);
    return get(`${SE_KV}|*`);
  }
}

/** Appends `value` to the list under `key`. */
export function addToIndex(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
