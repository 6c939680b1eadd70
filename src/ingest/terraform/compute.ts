// azurerm_network_interface and the virtual machines that carry interfaces: azurerm_linux_virtual_machine,
// azurerm_windows_virtual_machine and azurerm_virtual_machine.
import {
  type NetworkInterfaceIPConfigurationProperties,
  type NetworkInterfaceProperties,
  NetworkTypes as N,
  type VirtualMachineProperties,
} from "../../model/resources/network.js";
import type { TfResource } from "./block.js";
import { Tf } from "./common.js";
import type { Mappings, TypeMapping } from "./context.js";

/** A VM's network profile: the interfaces, the primary one first or as named. */
function virtualMachine(primaryAttr?: string): TypeMapping {
  return {
    id: (r) => r.armId(N.virtualMachine, "name"),
    map(r: TfResource) {
      const nics = r.refs("network_interface_ids", Tf.nic);
      // linux/windows_virtual_machine: "The first Network Interface ID in this list is the Primary".
      const primary = (primaryAttr && r.ref(primaryAttr, Tf.nic)) || nics[0];
      r.ingest.emit(
        r.arm<VirtualMachineProperties>(N.virtualMachine, {
          networkProfile: {
            networkInterfaces: nics.map((id) => ({ id, properties: { primary: id === primary } })),
          },
        }),
      );
    },
  };
}

export const computeMappings: Mappings = {
  azurerm_network_interface: {
    id: (r) => r.armId(N.networkInterface, "name"),
    map(r) {
      const ipConfigurations = r.blocks("ip_configuration").map((b, i) => {
        const allocation = b.str("private_ip_address_allocation") === "Static" ? "Static" : "Dynamic";
        const privateIPAddress =
          allocation === "Static"
            ? b.known("private_ip_address", "the configuration takes the subnet's next free address")
            : b.str("private_ip_address");
        if (allocation === "Dynamic" && !privateIPAddress && b.isUnknown("private_ip_address")) {
          b.warnUnknown(
            "private_ip_address",
            "Azure allocates it; traces take the subnet's next free address from .4",
          );
        }
        const properties: NetworkInterfaceIPConfigurationProperties = {
          privateIPAddress,
          privateIPAllocationMethod: allocation,
          // private_ip_address_version defaults to IPv4 (network_interface_resource.go).
          privateIPAddressVersion: b.str("private_ip_address_version") === "IPv6" ? "IPv6" : "IPv4",
          subnet: b.subResource("subnet_id", Tf.subnet),
          publicIPAddress: b.subResource("public_ip_address_id", Tf.publicIp),
          // `primary` is computed: the first configuration is the primary one.
          primary: b.optBool("primary") ?? i === 0,
        };
        return { name: b.str("name") ?? `ipconfig${i + 1}`, properties };
      });
      r.ingest.emit(
        r.arm<NetworkInterfaceProperties>(N.networkInterface, {
          ipConfigurations,
          // 4.x ip_forwarding_enabled, 3.x enable_ip_forwarding; both default to false.
          enableIPForwarding: r.optBool("ip_forwarding_enabled") ?? r.bool("enable_ip_forwarding", false),
        }),
      );
    },
  },
  azurerm_linux_virtual_machine: virtualMachine(),
  azurerm_windows_virtual_machine: virtualMachine(),
  azurerm_virtual_machine: virtualMachine("primary_network_interface_id"),
};
