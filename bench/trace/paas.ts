// The generator's PaaS: storage accounts, SQL servers and key vaults, with firewalls whose VNet rules name the
// estate's subnets and whose IP rules admit some of the internet clients the flows come from.
import type { ArmResource } from "../../src/model/arm.js";
import type {
  KeyVaultProperties,
  SqlFirewallRuleProperties,
  SqlServerProperties,
  SqlVirtualNetworkRuleProperties,
  StorageAccountProperties,
} from "../../src/model/resources/services.js";
import {
  clientIp,
  ip4,
  pad,
  parse4,
  REGIONS,
  ruleAround,
  SE_SQL,
  SUBSCRIPTIONS,
  TENANT,
} from "./addresses.js";
import { addToIndex, type EstatePlan, type SqlPlan, type StoragePlan } from "./plan.js";

/** The internet clients (ISP addresses) that firewalls admit and flows come from. */
export function planClients(plan: EstatePlan): void {
  const n = Math.max(500, Math.round(plan.opts.vnets * 3));
  for (let i = 0; i < n; i++) plan.clients.push(clientIp(plan.rng));
}

export function planStorage(plan: EstatePlan): void {
  const r = plan.rng;
  for (let j = 0; j < plan.opts.storageAccounts; j++) {
    const region = r.weighted(REGIONS);
    const sub = SUBSCRIPTIONS[(j * 3 + 1) % SUBSCRIPTIONS.length]!;
    const name = `stbench${region.slice(0, 3)}${pad(j, 5)}`;
    const planned: StoragePlan = {
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
    const candidates = plan.ruleCandidates("storage", region);
    const n = r.chance(0.08) ? 200 : r.range(0, 25);
    planned.subnetRules = r.sample(candidates, n);
    for (const s of planned.subnetRules) addToIndex(plan.storageBySubnet, s.id, j);
    addToIndex(plan.storageByRegion, region, j);
    plan.storage.push(planned);
  }
}

export function planSql(plan: EstatePlan): void {
  const r = plan.rng;
  for (let k = 0; k < plan.opts.sqlServers; k++) {
    const region = r.weighted(REGIONS);
    const sub = SUBSCRIPTIONS[(k * 5 + 2) % SUBSCRIPTIONS.length]!;
    const name = `sql-bench-${region}-${pad(k, 4)}`;
    const planned: SqlPlan = {
      name,
      id: `/subscriptions/${sub}/resourceGroups/rg-sql-${pad(k % 20, 2)}/providers/Microsoft.Sql/servers/${name}`,
      region,
      subnetRules: [],
      admitted: [],
    };
    const n = r.chance(0.05) ? 128 : r.range(0, 30);
    planned.subnetRules = r.sample(plan.ruleCandidates("sql", region), n);
    for (const s of planned.subnetRules) addToIndex(plan.sqlBySubnet, s.id, k);
    addToIndex(plan.sqlByRegion, region, k);
    plan.sql.push(planned);
  }
}

export function planKeyVaults(plan: EstatePlan): void {
  for (let k = 0; k < plan.opts.keyVaults; k++) {
    const region = plan.rng.weighted(REGIONS);
    const sub = SUBSCRIPTIONS[(k * 7 + 3) % SUBSCRIPTIONS.length]!;
    const name = `kv-bench-${pad(k, 3)}`;
    plan.vaults.push({
      name,
      id: `/subscriptions/${sub}/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/${name}`,
      region,
    });
  }
}

/** Internet clients admitted by a firewall, plus the rules (CIDR or single IP) that admit them. */
function admittedClients(plan: EstatePlan, n: number): { ips: string[]; rules: string[] } {
  const ips = plan.rng.sample(plan.clients, n);
  return { ips, rules: ips.map((ip) => ruleAround(plan.rng, ip)) };
}

export function emitStorage(plan: EstatePlan): void {
  const r = plan.rng;
  for (const st of plan.storage) {
    const deny = r.chance(0.85);
    const { ips, rules } = admittedClients(
      plan,
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
      plan.vms.length && r.chance(0.1)
        ? r
            .sample(plan.vms, 2)
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
        ...(/GRS/.test(st.sku) ? { secondaryLocation: plan.pair(st.region) } : {}),
      },
    };
    plan.resources.push(res);
  }
}

export function emitSql(plan: EstatePlan): void {
  const r = plan.rng;
  for (const sql of plan.sql) {
    const { ips, rules } = admittedClients(plan, r.range(0, 6));
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
    const sameRegion = plan.vnets.filter((v) => v.region === sql.region);
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
    plan.resources.push({
      id: sql.id,
      name: sql.name,
      type: "Microsoft.Sql/servers",
      location: sql.region,
      properties: props,
    });
    if (separate) for (const c of [...firewallRules, ...vnetRules]) plan.resources.push(c);
  }
}

export function emitKeyVaults(plan: EstatePlan): void {
  const r = plan.rng;
  const candidates = plan.ruleCandidates("kv", "*");
  for (const kv of plan.vaults) {
    const deny = r.chance(0.7);
    const { rules } = admittedClients(plan, r.range(0, 3));
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
    plan.resources.push({
      id: kv.id,
      name: kv.name,
      type: "Microsoft.KeyVault/vaults",
      location: kv.region,
      properties: props,
    });
  }
}
