// Where the trace benchmark's generated estate lives: subscriptions, regions, the subnet layout of a VNet,
// the public "ISP" space clients come from, ARM ids and IPv4 arithmetic. Pure helpers: any randomness comes
// from the caller's Rng, so that the draw order stays the generator's.
import type { Rng } from "./prng.js";

export const SUBSCRIPTIONS = Array.from(
  { length: 8 },
  (_, i) =>
    `${(0x3a1f0000 + i * 0x1111).toString(16).padStart(8, "0")}-5b2c-4d7e-8f90-${(0xa1b2c3d40000 + i).toString(16).padStart(12, "0")}`,
);
export const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

/** Regions with their pairs in the list too, weighted roughly like a real EU/US-centred tenant. */
export const REGIONS: readonly (readonly [string, number])[] = [
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
export const REGION_NAMES = REGIONS.map(([r]) => r);

export const SUBNET_NAMES = [
  "snet-app",
  "snet-web",
  "snet-data",
  "snet-batch",
  "snet-aks",
  "snet-pe",
  "snet-nva",
  "snet-mgmt",
];
export const NVA_SUBNET = 6;
export const PE_SUBNET = 5;
export const LAST_SUBNET = 7;
/** Subnets VMs go into, with weights (never the NVA subnet). */
export const VM_SUBNETS: readonly (readonly [number, number])[] = [
  [0, 3],
  [1, 3],
  [2, 2],
  [3, 2],
  [4, 2],
  [5, 1],
  [7, 1],
];

/** First octets of public "ISP" space that the bundled Azure service tags do not use much. */
export const CLIENT_OCTETS = [
  62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 176, 178, 185, 188, 195,
  212, 213, 217,
];

export const SE_STORAGE = "Microsoft.Storage";
export const SE_STORAGE_GLOBAL = "Microsoft.Storage.Global";
export const SE_SQL = "Microsoft.Sql";
export const SE_KV = "Microsoft.KeyVault";

export function ip4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function parse4(text: string): number {
  const [a, b, c, d] = text.split(".").map(Number);
  return (((a! << 24) >>> 0) + (b! << 16) + (c! << 8) + d!) >>> 0;
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

export function ridNetwork(sub: string, rg: string, type: string, name: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/${type}/${name}`;
}

export function ridVm(sub: string, rg: string, name: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
}

/** An internet client address in the ISP space of CLIENT_OCTETS. */
export function clientIp(rng: Rng): string {
  return `${rng.pick(CLIENT_OCTETS)}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`;
}

/** A public CIDR for a firewall rule (never /31 or /32) that admits `ip`, or `ip` itself. */
export function ruleAround(rng: Rng, ip: string): string {
  const len = rng.weighted<number>([
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
