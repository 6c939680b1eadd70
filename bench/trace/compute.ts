// The generator's compute: VMs with one NIC each (some with a public IP or a NIC-level NSG), and the
// public IP / NIC / VM builders that the NVAs (routes.ts) and the VPN gateway use too.
import type { ArmResource } from "../../src/model/arm.js";
import type {
  NetworkInterfaceProperties,
  PublicIPAddressProperties,
  VirtualMachineProperties,
} from "../../src/model/resources/network.js";
import { ip4, pad, ridNetwork, ridVm, VM_SUBNETS } from "./addresses.js";
import type { EstatePlan, SubnetPlan, VmPlan, VnetPlan } from "./plan.js";

export function publicIp(
  plan: EstatePlan,
  sub: string,
  rg: string,
  name: string,
  region: string,
): { id: string; ip: string } {
  const ip = plan.azurePublicIp(region);
  const id = ridNetwork(sub, rg, "publicIPAddresses", name);
  const pip: ArmResource<PublicIPAddressProperties> = {
    id,
    name,
    type: "Microsoft.Network/publicIPAddresses",
    location: region,
    sku: { name: "Standard" },
    properties: { ipAddress: ip, publicIPAllocationMethod: "Static", publicIPAddressVersion: "IPv4" },
  };
  plan.resources.push(pip);
  return { id, ip };
}

export function nic(
  plan: EstatePlan,
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
            privateIPAllocationMethod: plan.rng.chance(0.7) ? "Dynamic" : "Static",
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
  plan.resources.push(res);
  return id;
}

export function vm(plan: EstatePlan, v: VnetPlan, name: string, nicId: string): string {
  const id = ridVm(v.sub, v.rg, name);
  const res: ArmResource<VirtualMachineProperties> = {
    id,
    name,
    type: "Microsoft.Compute/virtualMachines",
    location: v.region,
    properties: { networkProfile: { networkInterfaces: [{ id: nicId, properties: { primary: true } }] } },
  };
  plan.resources.push(res);
  return id;
}

export function emitVms(plan: EstatePlan): void {
  const r = plan.rng;
  for (let n = 0; n < plan.opts.vms; n++) {
    const v = plan.vnets[r.int(plan.vnets.length)]!;
    const s = v.subnets[r.weighted(VM_SUBNETS)]!;
    if (s.nextHost >= 200) continue; // keep clear of the private endpoint range
    const ip = ip4(s.base + s.nextHost++);
    const name = `vm-${pad(n, 5)}`;
    const vmId = ridVm(v.sub, v.rg, name);
    const pip = r.chance(0.2) ? publicIp(plan, v.sub, v.rg, `pip-${name}`, v.region) : undefined;
    const nsgId = r.chance(0.1) ? r.pick(plan.nicNsgs.get(v.region)!) : undefined;
    const nicId = nic(plan, v, s, `nic-${name}`, ip, {
      ...(pip ? { pipId: pip.id } : {}),
      ...(nsgId ? { nsgId } : {}),
      vmId,
    });
    vm(plan, v, name, nicId);
    const planned: VmPlan = { name, id: vmId, nicId, ip, subnet: s, ...(pip ? { pip: pip.ip } : {}) };
    v.vms.push(planned);
    plan.vms.push(planned);
  }
}
