// Microsoft.Compute/virtualMachines, network profile only: the NICs must exist in the VM's region and belong to
// no other VM; one of several NICs is primary. Everything else a VM body carries is kept as given.
import type { SubResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import { NetworkTypes as N, type VirtualMachineProperties } from "../../../model/resources/network.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { checkName, keepGuid, normaliseLocation, propsOf, succeeded } from "../common.js";
import { vmsWithNic } from "./backReferences.js";
import { listOf, resolve } from "./references.js";

type NicRef = SubResource & { properties?: { primary?: boolean } };

export const virtualMachines: ResourceTypeDef = {
  type: N.virtualMachine,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    // [INF] Compute allows 1-64 characters for Windows/Linux VM resource names; the network naming rule is close.
    checkName(r, 64);
    normaliseLocation(r, ctx);
    const p = propsOf(r) as VirtualMachineProperties & Record<string, unknown>;
    const profile = (p.networkProfile ??= {});
    const nics = listOf<NicRef>(profile.networkInterfaces);
    const hasPrimary = nics.some((n) => n.properties?.primary === true);
    profile.networkInterfaces = nics.map((n, i) => ({
      id: n.id,
      properties: { ...n.properties, primary: hasPrimary ? n.properties?.primary === true : i === 0 },
    }));
    keepGuid(r, ctx, "vmId");
    return succeeded(r);
  },
  validate(r, ctx) {
    const estate = ctx.before();
    const nics = listOf<NicRef>((propsOf(r) as VirtualMachineProperties).networkProfile?.networkInterfaces);
    if (nics.length === 0) {
      // [INF] Compute's code for a missing required parameter (networkProfile needs at least one NIC).
      throw new VnetlabError(
        "InvalidRequestFormat",
        `Virtual machine ${r.id} must have at least one network interface in its network profile.`,
        { target: r.id },
      );
    }
    for (const ref of nics) {
      // [INF] Compute reports a missing or out-of-region NIC with NRP's reference error.
      const nic = resolve(estate, ref, N.networkInterface, r.id, r.location);
      const owner = nic ? vmsWithNic(estate, nic.id, r.id)[0] : undefined;
      if (owner) {
        // [OBS] NicInUse with "Network Interface X is used by existing VM Y." (the delete-time message; vnetlab
        // answers the same for attaching a NIC that another VM holds) [INF].
        throw new VnetlabError(
          "NicInUse",
          `Network Interface ${nic!.id} is used by existing VM ${owner.id}.`,
          { target: r.id },
        );
      }
    }
  },
};
