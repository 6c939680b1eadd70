// The generator's flows: VMs (by name, private IP, NIC id or VM id), internet clients and on-premises clients
// towards storage, SQL, Key Vault and VM addresses, mixed so that every stage of a trace (DNS, NSG, route,
// policy, firewall) decides some of them.
import type { EstatePlan, FlowLine, VmPlan, VnetPlan } from "./plan.js";

function storageDestination(plan: EstatePlan, j: number, vnet: VnetPlan | undefined): string {
  const r = plan.rng;
  const st = plan.storage[j]!;
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
      r.chance(0.7) || plan.privateAccounts.length === 0
        ? r.pick([...vnet.privateBlob])
        : r.pick(plan.privateAccounts);
    return `https://${plan.storage[pj]!.name}.blob.core.windows.net/data/${r.int(1000)}.parquet`;
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

function sqlDestination(plan: EstatePlan, k: number): string {
  const s = plan.sql[k]!;
  return plan.rng.chance(0.5) ? `${s.name}.database.windows.net` : `${s.name}.database.windows.net:1433`;
}

function vaultDestination(plan: EstatePlan): string {
  const kv = plan.rng.pick(plan.vaults);
  return `https://${kv.name}.vault.azure.net/secrets/app-secret-${plan.rng.int(50)}`;
}

function vmSourceText(plan: EstatePlan, vm: VmPlan): string {
  return plan.rng.weighted<string>([
    [vm.name, 60],
    [vm.ip, 25],
    [vm.nicId, 10],
    [vm.id, 5],
  ]);
}

function vmFlow(plan: EstatePlan): FlowLine {
  const r = plan.rng;
  const vm = r.pick(plan.vms);
  const from = vmSourceText(plan, vm);
  const vnet = vm.subnet.vnet;
  const target = r.weighted<string>([
    ["storage", 55],
    ["sql", 30],
    ["kv", 8],
    ["vm", 6],
    ["unknown", 1],
  ]);
  if (target === "storage") {
    const admitted = plan.storageBySubnet.get(vm.subnet.id) ?? [];
    const sameRegion = plan.storageByRegion.get(vnet.region) ?? [];
    const j =
      admitted.length && r.chance(0.4)
        ? r.pick(admitted)
        : sameRegion.length && r.chance(0.5)
          ? r.pick(sameRegion)
          : r.int(plan.storage.length);
    return { from, to: storageDestination(plan, j, vnet) };
  }
  if (target === "sql" && plan.sql.length) {
    const admitted = plan.sqlBySubnet.get(vm.subnet.id) ?? [];
    const sameRegion = plan.sqlByRegion.get(vnet.region) ?? [];
    const k =
      admitted.length && r.chance(0.45)
        ? r.pick(admitted)
        : sameRegion.length && r.chance(0.6)
          ? r.pick(sameRegion)
          : r.int(plan.sql.length);
    return { from, to: sqlDestination(plan, k) };
  }
  if (target === "kv" && plan.vaults.length) return { from, to: vaultDestination(plan) };
  if (target === "unknown") return { from, to: `nosuchaccount${r.int(1000)}.blob.core.windows.net` };
  // East-west: same VNet mostly, else the hub or another VNet (peered or not).
  const peers = vnet.hub !== undefined ? plan.vnets[vnet.hub]!.vms : [];
  const pool =
    r.chance(0.6) && vnet.vms.length > 1 ? vnet.vms : peers.length && r.chance(0.5) ? peers : plan.vms;
  const dst = r.pick(pool);
  return { from, to: `${dst.ip}:${r.pick([22, 443, 1433, 3389, 8080])}` };
}

function internetFlow(plan: EstatePlan): FlowLine {
  const r = plan.rng;
  const target = r.weighted<string>([
    ["storage", 60],
    ["sql", 30],
    ["kv", 10],
  ]);
  if (target === "sql" && plan.sql.length) {
    const k = r.int(plan.sql.length);
    const admitted = plan.sql[k]!.admitted;
    const ip = admitted.length && r.chance(0.5) ? r.pick(admitted) : r.pick(plan.clients);
    return { from: `internet:${ip}`, to: sqlDestination(plan, k) };
  }
  if (target === "kv" && plan.vaults.length)
    return { from: `internet:${r.pick(plan.clients)}`, to: vaultDestination(plan) };
  const j = r.int(plan.storage.length);
  const admitted = plan.storage[j]!.admitted;
  const ip = admitted.length && r.chance(0.6) ? r.pick(admitted) : r.pick(plan.clients);
  return { from: `internet:${ip}`, to: storageDestination(plan, j, undefined) };
}

function onPremFlow(plan: EstatePlan): FlowLine {
  const r = plan.rng;
  const ip = r.chance(0.6) ? `172.${r.range(16, 31)}.${r.int(256)}.${r.range(1, 254)}` : r.pick(plan.clients);
  const target = r.weighted<string>([
    ["paas", 70],
    ["hubVm", 20],
    ["vm", 10],
  ]);
  if (target === "paas") {
    return r.chance(0.6)
      ? { from: `onprem:${ip}`, to: storageDestination(plan, r.int(plan.storage.length), undefined) }
      : {
          from: `onprem:${ip}`,
          to: plan.sql.length ? sqlDestination(plan, r.int(plan.sql.length)) : vaultDestination(plan),
        };
  }
  const served = plan.vnets.filter((v) => v.i === 0 || v.hub === 0).flatMap((v) => v.vms);
  const vm = target === "hubVm" && served.length ? r.pick(served) : r.pick(plan.vms);
  return { from: `onprem:${ip}`, to: `${vm.ip}:${r.pick([22, 443])}` };
}

export function generateFlows(plan: EstatePlan): FlowLine[] {
  const r = plan.rng;
  const out: FlowLine[] = [];
  for (let n = 0; n < plan.opts.flows; n++) {
    const kind = r.weighted<string>([
      ["vm", 74],
      ["internet", 21],
      ["onprem", 5],
    ]);
    out.push(
      kind === "vm" && plan.vms.length
        ? vmFlow(plan)
        : kind === "onprem"
          ? onPremFlow(plan)
          : internetFlow(plan),
    );
  }
  return out;
}
