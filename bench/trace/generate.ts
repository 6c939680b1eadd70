// Deterministic generator of a large ARM estate and a flow list for the trace benchmark.
//
//   node --import tsx bench/trace/generate.ts [--vnets 1000] [--seed 1] [--flows 250000] [--out bench/trace/out]
//
// Everything is drawn from a seeded PRNG (prng.ts), so one set of options always gives byte-identical files.
// The estate imitates a real enterprise tenant: hub-and-spoke VNets over several paired regions, subnets with a
// mix of service endpoints and policies, forced tunnelling to NVAs, NSGs of 50 rules with service tags, VMs,
// storage accounts / SQL servers / key vaults with network rules naming the estate's subnets, a few private
// endpoints with private DNS zones, and one VPN gateway to on-premises. The flows mix VMs (by name, private IP
// and ARM id), internet clients and on-premises clients towards storage, SQL, Key Vault and VM addresses, so
// that every stage of a trace (DNS, NSG, route, policy, firewall) decides some of them.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ArmResource } from "../../src/model/arm.js";
import { Regions } from "../../src/model/regions.js";
import type {
  ConnectionProperties,
  LocalNetworkGatewayProperties,
  NetworkInterfaceProperties,
  NetworkSecurityGroupProperties,
  PrivateDnsZoneProperties,
  PrivateEndpointProperties,
  PublicIPAddressProperties,
  RouteProperties,
  RouteTableProperties,
  SecurityRuleProperties,
  ServiceEndpointFormat,
  ServiceEndpointPolicyProperties,
  SubnetProperties,
  VirtualMachineProperties,
  VirtualNetworkGatewayProperties,
  VirtualNetworkPeeringProperties,
  VirtualNetworkProperties,
} from "../../src/model/resources/network.js";
import type {
  KeyVaultProperties,
  SqlFirewallRuleProperties,
  SqlServerProperties,
  SqlVirtualNetworkRuleProperties,
  StorageAccountProperties,
} from "../../src/model/resources/services.js";
import { ServiceTags } from "../../src/model/serviceTags.js";
import { Rng } from "./prng.js";

/** Bump when the generator's output changes, so that run.ts does not reuse stale files. */
export const GENERATOR_VERSION = 2;

export interface GenerateOptions {
  seed: number;
  vnets: number;
  vms: number;
  storageAccounts: number;
  sqlServers: number;
  keyVaults: number;
  flows: number;
}

/** The full benchmark size, or one scaled to `vnets` (4 VMs, 5 storage accounts, 0.5 SQL servers per VNet). */
export function defaultOptions(vnets = 1000): GenerateOptions {
  return {
    seed: 1,
    vnets,
    vms: 4 * vnets,
    storageAccounts: 5 * vnets,
    sqlServers: Math.max(1, Math.round(vnets / 2)),
    keyVaults: Math.max(2, Math.round(vnets / 50)),
    flows: 250_000,
  };
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

// ---------------------------------------------------------------------------------------------------------
// Constants and small helpers

const SUBSCRIPTIONS = Array.from(
  { length: 8 },
  (_, i) =>
    `${(0x3a1f0000 + i * 0x1111).toString(16).padStart(8, "0")}-5b2c-4d7e-8f90-${(0xa1b2c3d40000 + i).toString(16).padStart(12, "0")}`,
);
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

/** Regions with their pairs in the list too, weighted roughly like a real EU/US-centred tenant. */
const REGIONS: readonly (readonly [string, number])[] = [
  ["eastus", 18],
  ["westus", 6],
  ["eastus2", 10],
  ["centralus", 6],
  ["westeurope", 16],
  ["northeurope", 8],
  ["uksouth", 12],
  ["ukwest", 4],
  ["southeastasia", 6],
  ["eastasia", 4],
];
const REGION_NAMES = REGIONS.map(([r]) => r);

const SUBNET_NAMES = [
  "snet-app",
  "snet-web",
  "snet-data",
  "snet-batch",
  "snet-aks",
  "snet-pe",
  "snet-nva",
  "snet-mgmt",
];
const NVA_SUBNET = 6;
const PE_SUBNET = 5;
const LAST_SUBNET = 7;
/** Subnets VMs go into, with weights (never the NVA subnet). */
const VM_SUBNETS: readonly (readonly [number, number])[] = [
  [0, 3],
  [1, 3],
  [2, 2],
  [3, 2],
  [4, 2],
  [5, 1],
  [7, 1],
];

/** First octets of public "ISP" space that the bundled Azure service tags do not use much. */
const CLIENT_OCTETS = [
  62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 176, 178, 185, 188, 195,
  212, 213, 217,
];

const SE_STORAGE = "Microsoft.Storage";
const SE_STORAGE_GLOBAL = "Microsoft.Storage.Global";
const SE_SQL = "Microsoft.Sql";
const SE_KV = "Microsoft.KeyVault";

function ip4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function parse4(text: string): number {
  const [a, b, c, d] = text.split(".").map(Number);
  return (((a! << 24) >>> 0) + (b! << 16) + (c! << 8) + d!) >>> 0;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function ridNetwork(sub: string, rg: string, type: string, name: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/${type}/${name}`;
}

// ---------------------------------------------------------------------------------------------------------
// The in-memory plan; resources are emitted from it at the end, once every cross-reference is known.

interface SubnetPlan {
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

interface VnetPlan {
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

interface VmPlan {
  name: string;
  id: string;
  nicId: string;
  ip: string;
  subnet: SubnetPlan;
  pip?: string;
}

interface StoragePlan {
  j: number;
  name: string;
  id: string;
  region: string;
  sku: string;
  subnetRules: SubnetPlan[];
  /** Internet client IPs some ipRule admits. */
  admitted: string[];
}

interface SqlPlan {
  name: string;
  id: string;
  region: string;
  subnetRules: SubnetPlan[];
  admitted: string[];
}

interface KeyVaultPlan {
  name: string;
  id: string;
  region: string;
}

class Generator {
  private readonly rng: Rng;
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
  private readonly subnetsByService = new Map<string, SubnetPlan[]>();
  private readonly storageBySubnet = new Map<string, number[]>();
  private readonly sqlBySubnet = new Map<string, number[]>();
  private readonly storageByRegion = new Map<string, number[]>();
  private readonly sqlByRegion = new Map<string, number[]>();
  private readonly nicNsgs = new Map<string, string[]>();
  private readonly pipCount = { n: 0 };
  /** Storage accounts with a blob private endpoint somewhere. */
  private readonly privateAccounts: number[] = [];

  constructor(readonly opts: GenerateOptions) {
    this.rng = new Rng(opts.seed);
  }

  private tagName(base: string, region: string): string {
    return this.tags.regional(base, region)?.name ?? base;
  }

  private pair(region: string): string {
    return this.regions.pairOf(region) ?? region;
  }

  /** An address inside AzureCloud.<region>, as Azure allocates public IPs. */
  private azurePublicIp(region: string): string {
    const tag = this.tags.regional("AzureCloud", region) ?? this.tags.global("AzureCloud");
    const v4 = (tag?.prefixes ?? []).filter((p) => p.family === 4 && p.length >= 12 && p.length <= 28);
    if (v4.length === 0) return ip4(parse4("20.0.0.0") + this.rng.int(1 << 20));
    const p = this.rng.pick(v4);
    if (p.family !== 4) throw new Error("unreachable");
    const size = 2 ** (32 - p.length);
    return ip4((p.network + 1 + this.rng.int(size - 2)) >>> 0);
  }

  private clientIp(): string {
    return `${this.rng.pick(CLIENT_OCTETS)}.${this.rng.int(256)}.${this.rng.int(256)}.${this.rng.range(1, 254)}`;
  }

  /** A public CIDR for a firewall rule (never /31 or /32) that admits `ip`, or `ip` itself. */
  private ruleAround(ip: string): string {
    const len = this.rng.weighted<number>([
      [32, 5],
      [24, 3],
      [20, 1],
      [16, 1],
      [28, 1],
    ]);
    if (len === 32) return ip;
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    return `${ip4((parse4(ip) & mask) >>> 0)}/${len}`;
  }

  run(): GeneratedEstate {
    this.planClients();
    this.planVnets();
    this.planStorage();
    this.planSql();
    this.planKeyVaults();
    this.planPeerings();
    this.planPolicies();
    this.planPrivateEndpoints();
    this.emitNsgs();
    this.emitRouteTablesAndNvas();
    this.emitVms();
    this.emitGateway();
    this.emitVnets();
    this.emitStorage();
    this.emitSql();
    this.emitKeyVaults();
    const flows = this.flows();
    const counts: Record<string, number> = {};
    for (const r of this.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return { resources: this.resources, flows, counts };
  }

  // ---- plan -------------------------------------------------------------------------------------------

  private planClients(): void {
    const n = Math.max(500, Math.round(this.opts.vnets * 3));
    for (let i = 0; i < n; i++) this.clients.push(this.clientIp());
  }

  private planVnets(): void {
    const { vnets } = this.opts;
    if (vnets > 8192) throw new Error("at most 8,192 VNets fit the 10.0.0.0/8 scheme (a /21 per VNet)");
    for (let i = 0; i < vnets; i++) {
      const region = i === 0 ? "eastus" : this.rng.weighted(REGIONS);
      const sub = SUBSCRIPTIONS[i % SUBSCRIPTIONS.length]!;
      const rg = `rg-net-${region}-${pad(i % 25, 2)}`;
      const name = `vnet-${region}-${pad(i, 4)}`;
      const isHub = i % 50 === 0;
      const v: VnetPlan = {
        i,
        name,
        id: ridNetwork(sub, rg, "virtualNetworks", name),
        sub,
        rg,
        region,
        // 10.0.0.0/8 split into /21s: VNet i owns 10.0.0.0 + i * 2048, eight /24 subnets.
        base: (parse4("10.0.0.0") + i * 2048) >>> 0,
        subnets: [],
        isHub,
        hasGateway: i === 0,
        vms: [],
      };
      // Spokes peer with the hub of their block of 50 (the first nine after it).
      if (!isHub && i % 50 <= 9) v.hub = i - (i % 50);
      for (let j = 0; j < 8; j++) {
        const sname = v.hasGateway && j === LAST_SUBNET ? "GatewaySubnet" : SUBNET_NAMES[j]!;
        const s: SubnetPlan = {
          vnet: v,
          index: j,
          name: sname,
          id: `${v.id}/subnets/${sname}`,
          base: (v.base + j * 256) >>> 0,
          services: sname === "GatewaySubnet" ? [] : this.serviceEndpointsFor(j),
          explicitLocations: this.rng.chance(0.5),
          sepIds: [],
          nextHost: 4,
        };
        if (j === PE_SUBNET) s.peNetworkPolicies = this.rng.chance(0.5) ? "Enabled" : "Disabled";
        v.subnets.push(s);
        for (const svc of s.services) {
          const key = `${svc}|${svc === SE_STORAGE_GLOBAL || svc === SE_KV ? "*" : region}`;
          const list = this.subnetsByService.get(key) ?? [];
          list.push(s);
          this.subnetsByService.set(key, list);
        }
      }
      this.vnets.push(v);
    }
  }

  private serviceEndpointsFor(j: number): string[] {
    const r = this.rng;
    const out: string[] = [];
    switch (j) {
      case 0:
        if (r.chance(0.8)) out.push(SE_STORAGE);
        if (r.chance(0.6)) out.push(SE_SQL);
        if (r.chance(0.5)) out.push(SE_KV);
        break;
      case 1:
        if (r.chance(0.7)) out.push(SE_STORAGE);
        break;
      case 2:
        if (r.chance(0.85)) out.push(SE_SQL);
        if (r.chance(0.4)) out.push(SE_STORAGE);
        break;
      case 3:
        if (r.chance(0.6)) out.push(SE_STORAGE_GLOBAL);
        else if (r.chance(0.3)) out.push(SE_STORAGE);
        if (r.chance(0.4)) out.push(SE_KV);
        break;
      case 4:
        if (r.chance(0.5)) out.push(r.pick([SE_STORAGE, SE_SQL, SE_KV]));
        break;
      case 5:
        if (r.chance(0.3)) out.push(SE_STORAGE);
        break;
      case NVA_SUBNET:
        // The NVA pattern [S1]: endpoints on the appliance subnet, forced-tunnelled spokes behind it.
        if (r.chance(0.7)) out.push(SE_STORAGE, SE_SQL);
        break;
      default:
        if (r.chance(0.3)) out.push(SE_KV);
    }
    return out;
  }

  /** Subnets whose traffic a firewall of `service` in `region` can be given a VNet rule for. */
  private ruleCandidates(service: "storage" | "sql" | "kv", region: string): SubnetPlan[] {
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

  private index(map: Map<string, number[]>, key: string, value: number): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  }

  private planStorage(): void {
    const r = this.rng;
    for (let j = 0; j < this.opts.storageAccounts; j++) {
      const region = r.weighted(REGIONS);
      const sub = SUBSCRIPTIONS[(j * 3 + 1) % SUBSCRIPTIONS.length]!;
      const name = `stbench${region.slice(0, 3)}${pad(j, 5)}`;
      const plan: StoragePlan = {
        j,
        name,
        id: `/subscriptions/${sub}/resourceGroups/rg-data-${pad(j % 40, 2)}/providers/Microsoft.Storage/storageAccounts/${name}`,
        region,
        sku: r.weighted([
          ["Standard_LRS", 60],
          ["Standard_GRS", 15],
          ["Standard_RAGRS", 15],
          ["Standard_ZRS", 10],
        ]),
        subnetRules: [],
        admitted: [],
      };
      const candidates = this.ruleCandidates("storage", region);
      const n = r.chance(0.08) ? 200 : r.range(0, 25);
      plan.subnetRules = r.sample(candidates, n);
      for (const s of plan.subnetRules) this.index(this.storageBySubnet, s.id, j);
      this.index(this.storageByRegion, region, j);
      this.storage.push(plan);
    }
  }

  private planSql(): void {
    const r = this.rng;
    for (let k = 0; k < this.opts.sqlServers; k++) {
      const region = r.weighted(REGIONS);
      const sub = SUBSCRIPTIONS[(k * 5 + 2) % SUBSCRIPTIONS.length]!;
      const name = `sql-bench-${region}-${pad(k, 4)}`;
      const plan: SqlPlan = {
        name,
        id: `/subscriptions/${sub}/resourceGroups/rg-sql-${pad(k % 20, 2)}/providers/Microsoft.Sql/servers/${name}`,
        region,
        subnetRules: [],
        admitted: [],
      };
      const n = r.chance(0.05) ? 128 : r.range(0, 30);
      plan.subnetRules = r.sample(this.ruleCandidates("sql", region), n);
      for (const s of plan.subnetRules) this.index(this.sqlBySubnet, s.id, k);
      this.index(this.sqlByRegion, region, k);
      this.sql.push(plan);
    }
  }

  private planKeyVaults(): void {
    for (let k = 0; k < this.opts.keyVaults; k++) {
      const region = this.rng.weighted(REGIONS);
      const sub = SUBSCRIPTIONS[(k * 7 + 3) % SUBSCRIPTIONS.length]!;
      const name = `kv-bench-${pad(k, 3)}`;
      this.vaults.push({
        name,
        id: `/subscriptions/${sub}/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/${name}`,
        region,
      });
    }
  }

  private planPeerings(): void {
    // Nothing to plan beyond `hub`; peerings are emitted inline with the VNets.
  }

  private planPolicies(): void {
    const r = this.rng;
    for (const v of this.vnets) {
      if (v.i % 10 !== 3) continue;
      const subnets = v.subnets.filter((s) => s.services.includes(SE_STORAGE));
      if (subnets.length === 0) continue;
      const name = `sep-${v.name}`;
      const id = ridNetwork(v.sub, v.rg, "serviceEndpointPolicies", name);
      const listed = new Set<string>();
      // Mostly accounts that already admit the VNet's subnets, a few others from the region.
      for (const s of subnets)
        for (const j of (this.storageBySubnet.get(s.id) ?? []).slice(0, 6)) listed.add(this.storage[j]!.id);
      for (const j of r.sample(this.storageByRegion.get(v.region) ?? [], r.range(2, 8)))
        listed.add(this.storage[j]!.id);
      const serviceResources = [...listed].slice(0, 200);
      if (r.chance(0.3))
        serviceResources.push(
          `/subscriptions/${SUBSCRIPTIONS[1]}/resourceGroups/rg-data-${pad(r.int(40), 2)}`,
        );
      const definitions: ArmResource<{
        description?: string;
        service?: string;
        serviceResources?: string[];
      }>[] = [
        {
          id: `${id}/serviceEndpointPolicyDefinitions/allow-approved`,
          name: "allow-approved",
          type: "Microsoft.Network/serviceEndpointPolicies/serviceEndpointPolicyDefinitions",
          properties: {
            description: "Approved storage accounts",
            service: "Microsoft.Storage",
            serviceResources,
          },
        },
      ];
      if (r.chance(0.2)) {
        definitions.push({
          id: `${id}/serviceEndpointPolicyDefinitions/allow-batch`,
          name: "allow-batch",
          type: "Microsoft.Network/serviceEndpointPolicies/serviceEndpointPolicyDefinitions",
          properties: {
            description: "Batch service accounts",
            service: "Global",
            serviceResources: ["/services/Azure/Batch"],
          },
        });
      }
      const sep: ArmResource<ServiceEndpointPolicyProperties> = {
        id,
        name,
        type: "Microsoft.Network/serviceEndpointPolicies",
        location: v.region,
        properties: { serviceEndpointPolicyDefinitions: definitions },
      };
      this.resources.push(sep);
      for (const s of subnets) if (r.chance(0.8)) s.sepIds.push(id);
    }
  }

  private planPrivateEndpoints(): void {
    const r = this.rng;
    for (const v of this.vnets) {
      if (v.i % 40 !== 5) continue;
      const sub = v.sub;
      const rg = `rg-dns-${v.name}`;
      const zoneId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;
      const peSubnet = v.subnets[PE_SUBNET]!;
      const chosen = r.sample(this.storageByRegion.get(v.region) ?? [], r.range(4, 8));
      v.privateBlob = new Set(chosen);
      this.privateAccounts.push(...chosen);
      const records: NonNullable<PrivateDnsZoneProperties["A"]> = [];
      chosen.forEach((j, k) => {
        const st = this.storage[j]!;
        const ip = ip4(peSubnet.base + 200 + k);
        const peName = `pe-${st.name}-blob-${pad(v.i, 4)}`;
        const pe: ArmResource<PrivateEndpointProperties> = {
          id: ridNetwork(sub, v.rg, "privateEndpoints", peName),
          name: peName,
          type: "Microsoft.Network/privateEndpoints",
          location: v.region,
          properties: {
            subnet: { id: peSubnet.id },
            privateLinkServiceConnections: [
              {
                name: peName,
                properties: {
                  privateLinkServiceId: st.id,
                  groupIds: ["blob"],
                  privateLinkServiceConnectionState: { status: r.chance(0.9) ? "Approved" : "Pending" },
                },
              },
            ],
            ipConfigurations: [
              {
                name: "ipconfig-blob",
                properties: { groupId: "blob", memberName: "blob", privateIPAddress: ip },
              },
            ],
            customDnsConfigs: [{ fqdn: `${st.name}.blob.core.windows.net`, ipAddresses: [ip] }],
          },
        };
        this.resources.push(pe);
        records.push({
          id: `${zoneId}/A/${st.name}`,
          name: st.name,
          type: "Microsoft.Network/privateDnsZones/A",
          properties: { ttl: 10, aRecords: [{ ipv4Address: ip }] },
        });
      });
      const zone: ArmResource<PrivateDnsZoneProperties> = {
        id: zoneId,
        name: "privatelink.blob.core.windows.net",
        type: "Microsoft.Network/privateDnsZones",
        location: "global",
        properties: {
          A: records,
          virtualNetworkLinks: [
            {
              id: `${zoneId}/virtualNetworkLinks/link-${v.name}`,
              name: `link-${v.name}`,
              type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
              location: "global",
              properties: { virtualNetwork: { id: v.id }, registrationEnabled: false },
            },
          ],
        },
      };
      this.resources.push(zone);
    }
  }

  // ---- network resources --------------------------------------------------------------------------------

  /** 50 rules: ~34 outbound, ~16 inbound, the kinds real NSGs carry. */
  private nsgRules(
    nsgId: string,
    region: string,
    vnetCidr: string,
    lockdown: boolean,
  ): ArmResource<SecurityRuleProperties>[] {
    const r = this.rng;
    const other = r.pick(REGION_NAMES.filter((x) => x !== region));
    const publicCidrs = (n: number): string[] =>
      Array.from(
        { length: n },
        () => `${r.pick(CLIENT_OCTETS)}.${r.int(256)}.${r.int(256) & 0xf0}.0/${r.pick([20, 24, 28])}`,
      ).map((c) => {
        const [addr, len] = c.split("/");
        const l = Number(len);
        return `${ip4((parse4(addr!) & ((0xffffffff << (32 - l)) >>> 0)) >>> 0)}/${l}`;
      });
    const src = (): Partial<SecurityRuleProperties> =>
      r.weighted<Partial<SecurityRuleProperties>>([
        [{ sourceAddressPrefix: "VirtualNetwork" }, 5],
        [{ sourceAddressPrefix: "*" }, 3],
        [{ sourceAddressPrefix: vnetCidr }, 2],
        [{ sourceAddressPrefixes: [vnetCidr, "192.168.100.0/24"] }, 1],
      ]);
    const key: Partial<SecurityRuleProperties>[] = [
      {
        access: "Allow",
        protocol: "Tcp",
        destinationAddressPrefix: r.chance(0.7) ? this.tagName("Storage", region) : "Storage",
        destinationPortRange: "443",
      },
      {
        access: "Allow",
        protocol: "Tcp",
        destinationAddressPrefix: this.tagName("Sql", region),
        destinationPortRanges: ["1433", "11000-11999"],
      },
      {
        access: "Allow",
        protocol: "Tcp",
        destinationAddressPrefix: r.chance(0.5) ? "AzureKeyVault" : this.tagName("AzureKeyVault", region),
        destinationPortRange: "443",
      },
      {
        access: "Allow",
        protocol: "*",
        destinationAddressPrefix: "VirtualNetwork",
        destinationPortRange: "*",
      },
    ];
    if (r.chance(0.1))
      key.unshift({
        access: "Deny",
        protocol: "Tcp",
        destinationAddressPrefix: "Sql",
        destinationPortRange: "1433",
      });
    if (r.chance(0.08))
      key.unshift({
        access: "Deny",
        protocol: "Tcp",
        destinationAddressPrefix: this.tagName("Storage", other),
        destinationPortRange: "443",
      });
    const fillerOut = (): Partial<SecurityRuleProperties> =>
      r.weighted<Partial<SecurityRuleProperties>>([
        [
          {
            access: "Deny",
            protocol: "Tcp",
            destinationAddressPrefixes: publicCidrs(r.range(1, 6)),
            destinationPortRanges: ["22", "3389"],
          },
          4,
        ],
        [
          {
            access: "Allow",
            protocol: "Udp",
            destinationAddressPrefixes: publicCidrs(2),
            destinationPortRanges: ["53", "123"],
          },
          2,
        ],
        [
          {
            access: "Allow",
            protocol: "Tcp",
            destinationAddressPrefix: "VirtualNetwork",
            destinationPortRange: `${8000 + r.int(900)}-${9000 + r.int(900)}`,
          },
          3,
        ],
        [
          {
            access: "Deny",
            protocol: "Tcp",
            destinationAddressPrefix: "Internet",
            destinationPortRanges: ["25", "445", "137-139"],
          },
          2,
        ],
        [
          {
            access: "Allow",
            protocol: "Tcp",
            destinationAddressPrefix: this.tagName("EventHub", region),
            destinationPortRange: "443",
          },
          1,
        ],
        [{ access: "Deny", protocol: "Icmp", destinationAddressPrefix: "*", destinationPortRange: "*" }, 1],
        [
          {
            access: "Allow",
            protocol: "Tcp",
            destinationAddressPrefix: `${r.pick(CLIENT_OCTETS)}.${r.int(256)}.0.0/16`,
            destinationPortRange: String(r.range(1024, 65000)),
          },
          2,
        ],
      ]);
    const fillerIn = (): Partial<SecurityRuleProperties> =>
      r.weighted<Partial<SecurityRuleProperties>>([
        [
          {
            access: "Allow",
            protocol: "Tcp",
            sourceAddressPrefix: "Internet",
            destinationAddressPrefix: "VirtualNetwork",
            destinationPortRanges: ["80", "443"],
          },
          2,
        ],
        [
          {
            access: "Deny",
            protocol: "Tcp",
            sourceAddressPrefix: "Internet",
            destinationAddressPrefix: "*",
            destinationPortRanges: ["22", "3389"],
          },
          2,
        ],
        [
          {
            access: "Allow",
            protocol: "Tcp",
            sourceAddressPrefix: "172.16.0.0/12",
            destinationAddressPrefix: "*",
            destinationPortRanges: ["22", "443", "5985-5986"],
          },
          2,
        ],
        [
          {
            access: "Allow",
            protocol: "*",
            sourceAddressPrefix: "AzureLoadBalancer",
            destinationAddressPrefix: "*",
            destinationPortRange: "*",
          },
          1,
        ],
        [
          {
            access: "Allow",
            protocol: "*",
            sourceAddressPrefix: "VirtualNetwork",
            destinationAddressPrefix: "*",
            destinationPortRange: "*",
          },
          2,
        ],
        [
          {
            access: "Deny",
            protocol: "Udp",
            sourceAddressPrefixes: publicCidrs(3),
            destinationAddressPrefix: "*",
            destinationPortRange: "*",
          },
          2,
        ],
        [
          {
            access: "Allow",
            protocol: "Tcp",
            sourceAddressPrefixes: publicCidrs(r.range(1, 4)),
            destinationAddressPrefix: vnetCidr,
            destinationPortRange: `${r.range(1000, 3000)}-${r.range(3001, 9000)}`,
          },
          3,
        ],
      ]);

    const out: Partial<SecurityRuleProperties>[] = [];
    const outCount = lockdown ? 33 : 34;
    // Key rules sit at random places among the fillers, as they do in long-lived NSGs.
    const keyAt = new Set(
      r.sample(
        Array.from({ length: outCount }, (_, i) => i),
        key.length,
      ),
    );
    const keyOrder = [...keyAt].sort((a, b) => a - b);
    for (let i = 0; i < outCount; i++) {
      const k = keyOrder.indexOf(i);
      out.push({ ...src(), ...(k >= 0 ? key[k]! : fillerOut()) });
    }
    if (lockdown)
      out.push({
        access: "Deny",
        protocol: "*",
        sourceAddressPrefix: "*",
        destinationAddressPrefix: "Internet",
        destinationPortRange: "*",
      });
    const inbound = Array.from({ length: 50 - out.length }, fillerIn);

    const rules: ArmResource<SecurityRuleProperties>[] = [];
    const add = (list: Partial<SecurityRuleProperties>[], direction: "Inbound" | "Outbound"): void => {
      list.forEach((p, i) => {
        const last = lockdown && direction === "Outbound" && i === list.length - 1;
        const priority = last ? 4000 : 100 + i * 10;
        const name = `${direction === "Outbound" ? "out" : "in"}-${pad(priority, 4)}-${(p.access ?? "Allow").toLowerCase()}`;
        const props: SecurityRuleProperties = {
          protocol: p.protocol ?? "Tcp",
          access: p.access ?? "Allow",
          priority,
          direction,
          sourcePortRange: "*",
          ...(p.sourceAddressPrefix === undefined && p.sourceAddressPrefixes === undefined
            ? { sourceAddressPrefix: "*" }
            : {}),
          ...p,
        } as SecurityRuleProperties;
        props.priority = priority;
        props.direction = direction;
        rules.push({
          id: `${nsgId}/securityRules/${name}`,
          name,
          type: "Microsoft.Network/networkSecurityGroups/securityRules",
          properties: props,
        });
      });
    };
    add(out, "Outbound");
    add(inbound, "Inbound");
    return rules;
  }

  private nsg(sub: string, rg: string, name: string, region: string, vnetCidr: string): string {
    const id = ridNetwork(sub, rg, "networkSecurityGroups", name);
    const res: ArmResource<NetworkSecurityGroupProperties> = {
      id,
      name,
      type: "Microsoft.Network/networkSecurityGroups",
      location: region,
      properties: { securityRules: this.nsgRules(id, region, vnetCidr, this.rng.chance(0.4)) },
    };
    this.resources.push(res);
    return id;
  }

  private emitNsgs(): void {
    for (const v of this.vnets) {
      const nsgId = this.nsg(v.sub, v.rg, `nsg-${v.name}`, v.region, `${ip4(v.base)}/21`);
      for (const s of v.subnets) {
        if (s.name === "GatewaySubnet") continue;
        if (this.rng.chance(s.index === NVA_SUBNET ? 0.3 : 0.85)) s.nsgId = nsgId;
      }
    }
    // NIC-level NSGs: ten per region, shared by the NICs that carry one.
    for (const region of REGION_NAMES) {
      const ids: string[] = [];
      for (let k = 0; k < 10; k++) {
        ids.push(
          this.nsg(
            SUBSCRIPTIONS[0]!,
            `rg-nsg-${region}`,
            `nsg-nic-${region}-${pad(k, 2)}`,
            region,
            "10.0.0.0/8",
          ),
        );
      }
      this.nicNsgs.set(region, ids);
    }
  }

  private publicIp(sub: string, rg: string, name: string, region: string): { id: string; ip: string } {
    const ip = this.azurePublicIp(region);
    const id = ridNetwork(sub, rg, "publicIPAddresses", name);
    const pip: ArmResource<PublicIPAddressProperties> = {
      id,
      name,
      type: "Microsoft.Network/publicIPAddresses",
      location: region,
      sku: { name: "Standard" },
      properties: { ipAddress: ip, publicIPAllocationMethod: "Static", publicIPAddressVersion: "IPv4" },
    };
    this.resources.push(pip);
    this.pipCount.n++;
    return { id, ip };
  }

  private nic(
    v: VnetPlan,
    s: SubnetPlan,
    name: string,
    ip: string,
    opts: { pipId?: string; nsgId?: string; forwarding?: boolean; vmId: string },
  ): string {
    const id = ridNetwork(v.sub, v.rg, "networkInterfaces", name);
    const res: ArmResource<NetworkInterfaceProperties> = {
      id,
      name,
      type: "Microsoft.Network/networkInterfaces",
      location: v.region,
      properties: {
        ipConfigurations: [
          {
            id: `${id}/ipConfigurations/ipconfig1`,
            name: "ipconfig1",
            properties: {
              privateIPAddress: ip,
              privateIPAllocationMethod: this.rng.chance(0.7) ? "Dynamic" : "Static",
              privateIPAddressVersion: "IPv4",
              subnet: { id: s.id },
              primary: true,
              ...(opts.pipId ? { publicIPAddress: { id: opts.pipId } } : {}),
            },
          },
        ],
        ...(opts.nsgId ? { networkSecurityGroup: { id: opts.nsgId } } : {}),
        ...(opts.forwarding !== undefined ? { enableIPForwarding: opts.forwarding } : {}),
        virtualMachine: { id: opts.vmId },
      },
    };
    this.resources.push(res);
    return id;
  }

  private vm(v: VnetPlan, name: string, nicId: string): string {
    const id = `/subscriptions/${v.sub}/resourceGroups/${v.rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
    const res: ArmResource<VirtualMachineProperties> = {
      id,
      name,
      type: "Microsoft.Compute/virtualMachines",
      location: v.region,
      properties: { networkProfile: { networkInterfaces: [{ id: nicId, properties: { primary: true } }] } },
    };
    this.resources.push(res);
    return id;
  }

  private emitRouteTablesAndNvas(): void {
    const r = this.rng;
    for (const v of this.vnets) {
      const forced = !v.hasGateway && r.chance(0.3);
      const routes: { name: string; p: RouteProperties }[] = [];
      if (forced) {
        const nvaSubnet = v.subnets[NVA_SUBNET]!;
        const ip = ip4(nvaSubnet.base + 4);
        v.nvaIp = ip;
        const vmName = `nva-${pad(v.i, 4)}`;
        const vmId = `/subscriptions/${v.sub}/resourceGroups/${v.rg}/providers/Microsoft.Compute/virtualMachines/${vmName}`;
        const pip = this.publicIp(v.sub, v.rg, `pip-${vmName}`, v.region);
        // [S3] an appliance must have IP forwarding on; a few forget it.
        const nicId = this.nic(v, nvaSubnet, `nic-${vmName}`, ip, {
          pipId: pip.id,
          forwarding: r.chance(0.95),
          vmId,
        });
        this.vm(v, vmName, nicId);
        nvaSubnet.nextHost = 5;
        routes.push({
          name: "default-to-nva",
          p: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: ip },
        });
        if (r.chance(0.2))
          routes.push({
            name: "private-to-nva",
            p: { addressPrefix: "10.0.0.0/8", nextHopType: "VirtualAppliance", nextHopIpAddress: ip },
          });
        if (r.chance(0.1))
          routes.push({
            name: "azure-direct",
            p: { addressPrefix: this.tagName("AzureCloud", v.region), nextHopType: "Internet" },
          });
      }
      const blackholes = r.range(1, 3);
      for (let k = 0; k < blackholes; k++) {
        routes.push({
          name: `blackhole-${k}`,
          p: { addressPrefix: `${r.pick(CLIENT_OCTETS)}.${r.int(256)}.0.0/16`, nextHopType: "None" },
        });
      }
      // Exfiltration guard: storage in the paired region is dropped (a service-tag UDR outranks the SE route).
      if (r.chance(0.12))
        routes.push({
          name: "no-storage-pair",
          p: { addressPrefix: this.tagName("Storage", this.pair(v.region)), nextHopType: "None" },
        });
      if (r.chance(0.04))
        routes.push({
          name: "no-sql",
          p: { addressPrefix: this.tagName("Sql", v.region), nextHopType: "None" },
        });
      const labRoutes = r.range(2, 6);
      for (let k = 0; k < labRoutes; k++) {
        const prefix = `192.168.${r.int(256)}.0/24`;
        routes.push(
          v.nvaIp && r.chance(0.5)
            ? {
                name: `onprem-${k}`,
                p: { addressPrefix: prefix, nextHopType: "VirtualAppliance", nextHopIpAddress: v.nvaIp },
              }
            : {
                name: `lab-${k}`,
                p: { addressPrefix: prefix, nextHopType: r.pick(["VnetLocal", "None"] as const) },
              },
        );
      }
      const name = `rt-${v.name}`;
      const id = ridNetwork(v.sub, v.rg, "routeTables", name);
      const table: ArmResource<RouteTableProperties> = {
        id,
        name,
        type: "Microsoft.Network/routeTables",
        location: v.region,
        properties: {
          disableBgpRoutePropagation: r.chance(0.3),
          routes: routes.map(({ name: rn, p }) => ({
            id: `${id}/routes/${rn}`,
            name: rn,
            type: "Microsoft.Network/routeTables/routes",
            properties: p,
          })),
        },
      };
      this.resources.push(table);
      for (const s of v.subnets) {
        if (s.name === "GatewaySubnet") continue;
        // The appliance subnet keeps system routes, except in a few loops someone built by mistake.
        if (s.index === NVA_SUBNET ? r.chance(0.01) : r.chance(0.8)) s.routeTableId = id;
      }
    }
  }

  private emitVms(): void {
    const r = this.rng;
    for (let n = 0; n < this.opts.vms; n++) {
      const v = this.vnets[r.int(this.vnets.length)]!;
      const s = v.subnets[r.weighted(VM_SUBNETS)]!;
      if (s.nextHost >= 200) continue; // keep clear of the private endpoint range
      const ip = ip4(s.base + s.nextHost++);
      const name = `vm-${pad(n, 5)}`;
      const vmId = `/subscriptions/${v.sub}/resourceGroups/${v.rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
      const pip = r.chance(0.2) ? this.publicIp(v.sub, v.rg, `pip-${name}`, v.region) : undefined;
      const nsgId = r.chance(0.1) ? r.pick(this.nicNsgs.get(v.region)!) : undefined;
      const nicId = this.nic(v, s, `nic-${name}`, ip, {
        ...(pip ? { pipId: pip.id } : {}),
        ...(nsgId ? { nsgId } : {}),
        vmId,
      });
      this.vm(v, name, nicId);
      const plan: VmPlan = { name, id: vmId, nicId, ip, subnet: s, ...(pip ? { pip: pip.ip } : {}) };
      v.vms.push(plan);
      this.vms.push(plan);
    }
  }

  private emitGateway(): void {
    const hub = this.vnets[0];
    if (!hub?.hasGateway) return;
    const gwSubnet = hub.subnets[LAST_SUBNET]!;
    const pip = this.publicIp(hub.sub, hub.rg, "pip-vgw-hub", hub.region);
    const gwId = ridNetwork(hub.sub, hub.rg, "virtualNetworkGateways", "vgw-hub");
    const gw: ArmResource<VirtualNetworkGatewayProperties> = {
      id: gwId,
      name: "vgw-hub",
      type: "Microsoft.Network/virtualNetworkGateways",
      location: hub.region,
      properties: {
        gatewayType: "Vpn",
        vpnType: "RouteBased",
        enableBgp: false,
        ipConfigurations: [
          { name: "default", properties: { subnet: { id: gwSubnet.id }, publicIPAddress: { id: pip.id } } },
        ],
      },
    };
    const lngId = ridNetwork(hub.sub, hub.rg, "localNetworkGateways", "lng-datacenter");
    const lng: ArmResource<LocalNetworkGatewayProperties> = {
      id: lngId,
      name: "lng-datacenter",
      type: "Microsoft.Network/localNetworkGateways",
      location: hub.region,
      properties: {
        gatewayIpAddress: "198.51.100.10",
        localNetworkAddressSpace: { addressPrefixes: ["172.16.0.0/12", "192.168.0.0/16"] },
      },
    };
    const conn: ArmResource<ConnectionProperties> = {
      id: ridNetwork(hub.sub, hub.rg, "connections", "cn-datacenter"),
      name: "cn-datacenter",
      type: "Microsoft.Network/connections",
      location: hub.region,
      properties: {
        connectionType: "IPsec",
        virtualNetworkGateway1: { id: gwId },
        localNetworkGateway2: { id: lngId },
        enableBgp: false,
      },
    };
    this.resources.push(gw, lng, conn);
  }

  private emitVnets(): void {
    const r = this.rng;
    const peeringsOf = new Map<number, ArmResource<VirtualNetworkPeeringProperties>[]>();
    const addPeering = (from: VnetPlan, to: VnetPlan, p: VirtualNetworkPeeringProperties): void => {
      const name = `peer-${to.name}`;
      const list = peeringsOf.get(from.i) ?? [];
      list.push({
        id: `${from.id}/virtualNetworkPeerings/${name}`,
        name,
        type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
        properties: {
          remoteVirtualNetwork: { id: to.id },
          remoteAddressSpace: { addressPrefixes: [`${ip4(to.base)}/21`] },
          ...p,
        },
      });
      peeringsOf.set(from.i, list);
    };
    for (const v of this.vnets) {
      if (v.hub === undefined) continue;
      const hub = this.vnets[v.hub]!;
      const state = r.weighted<"Connected" | "Disconnected" | "Initiated">([
        ["Connected", 95],
        ["Disconnected", 3],
        ["Initiated", 2],
      ]);
      addPeering(hub, v, {
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
        allowGatewayTransit: hub.hasGateway,
        peeringState: state,
      });
      addPeering(v, hub, {
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
        useRemoteGateways: hub.hasGateway,
        peeringState: state,
      });
    }
    for (const v of this.vnets) {
      const subnets: ArmResource<SubnetProperties>[] = v.subnets.map((s) => {
        const serviceEndpoints: ServiceEndpointFormat[] = s.services.map((service) => {
          if (!s.explicitLocations) return { service };
          const locations =
            service === SE_STORAGE
              ? [v.region, this.pair(v.region)]
              : service === SE_SQL
                ? [v.region]
                : ["*"];
          return { service, locations, provisioningState: "Succeeded" };
        });
        const props: SubnetProperties = {
          addressPrefix: `${ip4(s.base)}/24`,
          ...(serviceEndpoints.length ? { serviceEndpoints } : {}),
          ...(s.sepIds.length ? { serviceEndpointPolicies: s.sepIds.map((id) => ({ id })) } : {}),
          ...(s.nsgId ? { networkSecurityGroup: { id: s.nsgId } } : {}),
          ...(s.routeTableId ? { routeTable: { id: s.routeTableId } } : {}),
          ...(s.peNetworkPolicies ? { privateEndpointNetworkPolicies: s.peNetworkPolicies } : {}),
        };
        return {
          id: s.id,
          name: s.name,
          type: "Microsoft.Network/virtualNetworks/subnets",
          properties: props,
        };
      });
      const res: ArmResource<VirtualNetworkProperties> = {
        id: v.id,
        name: v.name,
        type: "Microsoft.Network/virtualNetworks",
        location: v.region,
        properties: {
          addressSpace: { addressPrefixes: [`${ip4(v.base)}/21`] },
          subnets,
          ...(peeringsOf.has(v.i) ? { virtualNetworkPeerings: peeringsOf.get(v.i)! } : {}),
        },
      };
      this.resources.push(res);
    }
  }

  // ---- PaaS -----------------------------------------------------------------------------------------

  /** Internet clients admitted by a firewall, plus the rules (CIDR or single IP) that admit them. */
  private admittedClients(n: number): { ips: string[]; rules: string[] } {
    const ips = this.rng.sample(this.clients, n);
    return { ips, rules: ips.map((ip) => this.ruleAround(ip)) };
  }

  private emitStorage(): void {
    const r = this.rng;
    for (const st of this.storage) {
      const deny = r.chance(0.85);
      const { ips, rules } = this.admittedClients(
        r.weighted<number>([
          [0, 3],
          [1, 2],
          [3, 2],
          [6, 1],
        ]),
      );
      st.admitted = ips;
      // Public IPs of VMs elsewhere (R9: same-region clients are never matched by IP rules).
      const vmIps =
        this.vms.length && r.chance(0.1)
          ? r
              .sample(this.vms, 2)
              .filter((vm) => vm.pip)
              .map((vm) => vm.pip!)
          : [];
      const acls: NonNullable<StorageAccountProperties["networkAcls"]> = {
        defaultAction: deny ? "Deny" : "Allow",
        bypass: r.weighted([
          ["AzureServices", 70],
          ["None", 15],
          ["Logging, Metrics, AzureServices", 15],
        ]),
        ipRules: [...rules, ...vmIps].map((value) => ({ value, action: "Allow" as const })),
        virtualNetworkRules: st.subnetRules.map((s) => ({
          id: s.id,
          action: "Allow" as const,
          state: r.chance(0.01) ? ("NetworkSourceDeleted" as const) : ("Succeeded" as const),
        })),
      };
      const res: ArmResource<StorageAccountProperties> = {
        id: st.id,
        name: st.name,
        type: "Microsoft.Storage/storageAccounts",
        location: st.region,
        kind: "StorageV2",
        sku: { name: st.sku },
        properties: {
          ...(r.chance(0.94) ? { publicNetworkAccess: r.chance(0.96) ? "Enabled" : "Disabled" } : {}),
          networkAcls: acls,
          primaryLocation: st.region,
          ...(/GRS/.test(st.sku) ? { secondaryLocation: this.pair(st.region) } : {}),
        },
      };
      this.resources.push(res);
    }
  }

  private emitSql(): void {
    const r = this.rng;
    for (const sql of this.sql) {
      const { ips, rules } = this.admittedClients(r.range(0, 6));
      sql.admitted = ips;
      const firewallRules: ArmResource<SqlFirewallRuleProperties>[] = rules.map((cidr, k) => {
        const [addr, len] = cidr.split("/");
        const start = parse4(addr!);
        const size = len === undefined ? 1 : 2 ** (32 - Number(len));
        return {
          id: `${sql.id}/firewallRules/client-${k}`,
          name: `client-${k}`,
          type: "Microsoft.Sql/servers/firewallRules",
          properties: { startIpAddress: ip4(start), endIpAddress: ip4((start + size - 1) >>> 0) },
        };
      });
      if (r.chance(0.2)) {
        firewallRules.push({
          id: `${sql.id}/firewallRules/AllowAllWindowsAzureIps`,
          name: "AllowAllWindowsAzureIps",
          type: "Microsoft.Sql/servers/firewallRules",
          properties: { startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" },
        });
      }
      const vnetRules: ArmResource<SqlVirtualNetworkRuleProperties>[] = sql.subnetRules.map((s, k) => ({
        id: `${sql.id}/virtualNetworkRules/vnet-rule-${k}`,
        name: `vnet-rule-${k}`,
        type: "Microsoft.Sql/servers/virtualNetworkRules",
        properties: { virtualNetworkSubnetId: s.id, ignoreMissingVnetServiceEndpoint: false, state: "Ready" },
      }));
      // A few rules for same-region subnets without the endpoint yet (created with ignoreMissing).
      const sameRegion = this.vnets.filter((v) => v.region === sql.region);
      for (const v of r.chance(0.3) ? r.sample(sameRegion, r.range(1, 2)) : []) {
        const s = v.subnets[4]!;
        if (s.services.includes(SE_SQL)) continue;
        vnetRules.push({
          id: `${sql.id}/virtualNetworkRules/pending-${v.i}`,
          name: `pending-${v.i}`,
          type: "Microsoft.Sql/servers/virtualNetworkRules",
          properties: {
            virtualNetworkSubnetId: s.id,
            ignoreMissingVnetServiceEndpoint: true,
            state: "Ready",
          },
        });
      }
      // ARM templates declare children separately; exports inline them. Both forms appear.
      const separate = r.chance(0.1);
      const props: SqlServerProperties = {
        publicNetworkAccess: r.chance(0.95) ? "Enabled" : "Disabled",
        fullyQualifiedDomainName: `${sql.name}.database.windows.net`,
        ...(separate ? {} : { firewallRules, virtualNetworkRules: vnetRules }),
      };
      this.resources.push({
        id: sql.id,
        name: sql.name,
        type: "Microsoft.Sql/servers",
        location: sql.region,
        properties: props,
      });
      if (separate) for (const c of [...firewallRules, ...vnetRules]) this.resources.push(c);
    }
  }

  private emitKeyVaults(): void {
    const r = this.rng;
    const candidates = this.ruleCandidates("kv", "*");
    for (const kv of this.vaults) {
      const deny = r.chance(0.7);
      const { rules } = this.admittedClients(r.range(0, 3));
      const props: KeyVaultProperties = {
        tenantId: TENANT,
        publicNetworkAccess: r.chance(0.9) ? "Enabled" : "Disabled",
        vaultUri: `https://${kv.name}.vault.azure.net/`,
        networkAcls: {
          bypass: "AzureServices",
          defaultAction: deny ? "Deny" : "Allow",
          ipRules: rules.map((value) => ({ value })),
          virtualNetworkRules: r.sample(candidates, r.range(5, 120)).map((s) => ({ id: s.id })),
        },
      };
      this.resources.push({
        id: kv.id,
        name: kv.name,
        type: "Microsoft.KeyVault/vaults",
        location: kv.region,
        properties: props,
      });
    }
  }

  // ---- flows --------------------------------------------------------------------------------------------

  private storageDestination(j: number, vnet: VnetPlan | undefined): string {
    const r = this.rng;
    const st = this.storage[j]!;
    const secondary = st.sku.startsWith("Standard_RAG") && r.chance(0.1) ? "-secondary" : "";
    const kind = r.weighted<string>([
      ["blobUrl", 55],
      ["queue", 12],
      ["table", 10],
      ["dfs", 10],
      ["file", 8],
      ["blobFqdn", 5],
    ]);
    // VNets with a privatelink blob zone mostly read through their private endpoints; some reach for an
    // account whose endpoint (and A record) lives in another VNet's zone: NXDOMAIN, the classic split zone.
    if (vnet?.privateBlob && kind.startsWith("blob") && r.chance(0.75)) {
      const pj =
        r.chance(0.7) || this.privateAccounts.length === 0
          ? r.pick([...vnet.privateBlob])
          : r.pick(this.privateAccounts);
      return `https://${this.storage[pj]!.name}.blob.core.windows.net/data/${r.int(1000)}.parquet`;
    }
    switch (kind) {
      case "blobUrl":
        return `https://${st.name}${secondary}.blob.core.windows.net/container${r.int(20)}/path/file-${r.int(100000)}.json`;
      case "queue":
        return `${st.name}${secondary}.queue.core.windows.net`;
      case "table":
        return `${st.name}.table.core.windows.net:443`;
      case "dfs":
        return `https://${st.name}.dfs.core.windows.net/fs/dir/x.csv`;
      case "file":
        return `${st.name}.file.core.windows.net:445`;
      default:
        return `${st.name}.blob.core.windows.net`;
    }
  }

  private sqlDestination(k: number): string {
    const s = this.sql[k]!;
    return this.rng.chance(0.5) ? `${s.name}.database.windows.net` : `${s.name}.database.windows.net:1433`;
  }

  private vaultDestination(): string {
    const kv = this.rng.pick(this.vaults);
    return `https://${kv.name}.vault.azure.net/secrets/app-secret-${this.rng.int(50)}`;
  }

  private vmSourceText(vm: VmPlan): string {
    return this.rng.weighted<string>([
      [vm.name, 60],
      [vm.ip, 25],
      [vm.nicId, 10],
      [vm.id, 5],
    ]);
  }

  private vmFlow(): FlowLine {
    const r = this.rng;
    const vm = r.pick(this.vms);
    const from = this.vmSourceText(vm);
    const vnet = vm.subnet.vnet;
    const target = r.weighted<string>([
      ["storage", 55],
      ["sql", 30],
      ["kv", 8],
      ["vm", 6],
      ["unknown", 1],
    ]);
    if (target === "storage") {
      const admitted = this.storageBySubnet.get(vm.subnet.id) ?? [];
      const sameRegion = this.storageByRegion.get(vnet.region) ?? [];
      const j =
        admitted.length && r.chance(0.4)
          ? r.pick(admitted)
          : sameRegion.length && r.chance(0.5)
            ? r.pick(sameRegion)
            : r.int(this.storage.length);
      return { from, to: this.storageDestination(j, vnet) };
    }
    if (target === "sql" && this.sql.length) {
      const admitted = this.sqlBySubnet.get(vm.subnet.id) ?? [];
      const sameRegion = this.sqlByRegion.get(vnet.region) ?? [];
      const k =
        admitted.length && r.chance(0.45)
          ? r.pick(admitted)
          : sameRegion.length && r.chance(0.6)
            ? r.pick(sameRegion)
            : r.int(this.sql.length);
      return { from, to: this.sqlDestination(k) };
    }
    if (target === "kv" && this.vaults.length) return { from, to: this.vaultDestination() };
    if (target === "unknown") return { from, to: `nosuchaccount${r.int(1000)}.blob.core.windows.net` };
    // East-west: same VNet mostly, else the hub or another VNet (peered or not).
    const peers = vnet.hub !== undefined ? this.vnets[vnet.hub]!.vms : [];
    const pool =
      r.chance(0.6) && vnet.vms.length > 1 ? vnet.vms : peers.length && r.chance(0.5) ? peers : this.vms;
    const dst = r.pick(pool);
    return { from, to: `${dst.ip}:${r.pick([22, 443, 1433, 3389, 8080])}` };
  }

  private internetFlow(): FlowLine {
    const r = this.rng;
    const target = r.weighted<string>([
      ["storage", 60],
      ["sql", 30],
      ["kv", 10],
    ]);
    if (target === "sql" && this.sql.length) {
      const k = r.int(this.sql.length);
      const admitted = this.sql[k]!.admitted;
      const ip = admitted.length && r.chance(0.5) ? r.pick(admitted) : r.pick(this.clients);
      return { from: `internet:${ip}`, to: this.sqlDestination(k) };
    }
    if (target === "kv" && this.vaults.length)
      return { from: `internet:${r.pick(this.clients)}`, to: this.vaultDestination() };
    const j = r.int(this.storage.length);
    const admitted = this.storage[j]!.admitted;
    const ip = admitted.length && r.chance(0.6) ? r.pick(admitted) : r.pick(this.clients);
    return { from: `internet:${ip}`, to: this.storageDestination(j, undefined) };
  }

  private onPremFlow(): FlowLine {
    const r = this.rng;
    const ip = r.chance(0.6)
      ? `172.${r.range(16, 31)}.${r.int(256)}.${r.range(1, 254)}`
      : r.pick(this.clients);
    const target = r.weighted<string>([
      ["paas", 70],
      ["hubVm", 20],
      ["vm", 10],
    ]);
    if (target === "paas") {
      return r.chance(0.6)
        ? { from: `onprem:${ip}`, to: this.storageDestination(r.int(this.storage.length), undefined) }
        : {
            from: `onprem:${ip}`,
            to: this.sql.length ? this.sqlDestination(r.int(this.sql.length)) : this.vaultDestination(),
          };
    }
    const served = this.vnets.filter((v) => v.i === 0 || v.hub === 0).flatMap((v) => v.vms);
    const vm = target === "hubVm" && served.length ? r.pick(served) : r.pick(this.vms);
    return { from: `onprem:${ip}`, to: `${vm.ip}:${r.pick([22, 443])}` };
  }

  private flows(): FlowLine[] {
    const r = this.rng;
    const out: FlowLine[] = [];
    for (let n = 0; n < this.opts.flows; n++) {
      const kind = r.weighted<string>([
        ["vm", 74],
        ["internet", 21],
        ["onprem", 5],
      ]);
      out.push(
        kind === "vm" && this.vms.length
          ? this.vmFlow()
          : kind === "onprem"
            ? this.onPremFlow()
            : this.internetFlow(),
      );
    }
    return out;
  }
}

export function generateEstate(opts: GenerateOptions): GeneratedEstate {
  return new Generator(opts).run();
}

/** Writes text in chunks, so that a 100 MB estate never becomes one string. */
class ChunkWriter {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;

  constructor(file: string) {
    this.fd = openSync(file, "w");
  }

  write(text: string): void {
    this.buf.push(text);
    this.size += text.length;
    if (this.size > 1 << 22) this.flush();
  }

  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(""));
    this.buf = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export interface WrittenFiles {
  estateFile: string;
  flowsFile: string;
  resources: number;
  flows: number;
  counts: Record<string, number>;
}

export function writeEstate(generated: GeneratedEstate, estateFile: string, flowsFile: string): WrittenFiles {
  const e = new ChunkWriter(estateFile);
  e.write('{ "resources": [\n');
  generated.resources.forEach((r, i) => {
    e.write(`${i ? ",\n" : ""}${JSON.stringify(r)}`);
  });
  e.write("\n] }\n");
  e.close();
  const f = new ChunkWriter(flowsFile);
  for (const flow of generated.flows) f.write(`${JSON.stringify(flow)}\n`);
  f.close();
  return {
    estateFile,
    flowsFile,
    resources: generated.resources.length,
    flows: generated.flows.length,
    counts: generated.counts,
  };
}

/** `--name value` pairs from argv; numbers only. */
export function numericArgs(argv: readonly string[], names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) continue;
    const name = a.slice(2);
    if (!names.includes(name)) continue;
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a non-negative number`);
    out[name] = v;
    i++;
  }
  return out;
}

/** Options from `--vnets --seed --vms --storage --sql --kv --flows`, scaled from --vnets when not given. */
export function optionsFromArgs(argv: readonly string[]): GenerateOptions {
  const a = numericArgs(argv, ["vnets", "seed", "vms", "storage", "sql", "kv", "flows"]);
  const base = defaultOptions(a.vnets ?? 1000);
  return {
    seed: a.seed ?? base.seed,
    vnets: base.vnets,
    vms: a.vms ?? base.vms,
    storageAccounts: a.storage ?? base.storageAccounts,
    sqlServers: a.sql ?? base.sqlServers,
    keyVaults: a.kv ?? base.keyVaults,
    flows: a.flows ?? base.flows,
  };
}

/** File names that encode the options, so that different sizes live side by side. */
export function fileNamesFor(
  dir: string,
  opts: GenerateOptions,
): { estateFile: string; flowsFile: string; metaFile: string } {
  const tag = `v${opts.vnets}-vm${opts.vms}-st${opts.storageAccounts}-sql${opts.sqlServers}-kv${opts.keyVaults}-s${opts.seed}`;
  return {
    estateFile: join(dir, `estate-${tag}.json`),
    flowsFile: join(dir, `flows-${tag}-${opts.flows}.jsonl`),
    metaFile: join(dir, `meta-${tag}-${opts.flows}.json`),
  };
}

/** What run.ts compares to decide whether files on disk were generated with these options. */
export function metaFor(opts: GenerateOptions): string {
  return JSON.stringify({ generator: GENERATOR_VERSION, opts });
}

export const DEFAULT_OUT_DIR = resolve(import.meta.dirname ?? ".", "out");

function stringArg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const opts = optionsFromArgs(argv);
  const dir = resolve(stringArg(argv, "out") ?? DEFAULT_OUT_DIR);
  mkdirSync(dir, { recursive: true });
  const names = fileNamesFor(dir, opts);
  const t0 = performance.now();
  const written = writeEstate(generateEstate(opts), names.estateFile, names.flowsFile);
  writeFileSync(names.metaFile, metaFor(opts));
  console.log(
    `generated ${written.resources} resources and ${written.flows} flows in ${((performance.now() - t0) / 1000).toFixed(1)} s\n  ${written.estateFile}\n  ${written.flowsFile}`,
  );
  for (const [type, n] of Object.entries(written.counts).sort((x, y) => y[1] - x[1]))
    console.log(`  ${String(n).padStart(7)}  ${type}`);
}
