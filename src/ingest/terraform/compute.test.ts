import { describe, expect, it } from "vitest";
import { rid } from "../../../test/fixtures/arm.js";
import {
  ingest,
  plan,
  ref,
  top,
  type TfSpec,
  plannedSubnet,
  subnetIdOf,
} from "../../../test/fixtures/terraform/plan.js";
import type { NetworkInterfaceProperties, VirtualMachineProperties } from "../../model/resources/network.js";

const NIC = "Microsoft.Network/networkInterfaces";
const nicId = (n: string) => rid("rg-test", NIC, n);
const subnet: TfSpec = plannedSubnet("a", "snet-a");
const nic = (key: string, name: string, config: Record<string, unknown>): TfSpec => ({
  address: `azurerm_network_interface.${key}`,
  values: top(name, {
    ip_forwarding_enabled: true,
    ip_configuration: [{ name: "ipconfig1", private_ip_address_version: "IPv4", ...config }],
  }),
  unknown: {
    id: true,
    ip_configuration: [
      { subnet_id: true, primary: true, ...(config.private_ip_address ? {} : { private_ip_address: true }) },
    ],
  },
  expressions: { ip_configuration: [{ subnet_id: ref("azurerm_subnet.a.id") }] },
});

describe("network interfaces", () => {
  it("map IP configurations, resolving the subnet; the first is primary", () => {
    const r = ingest(
      plan([
        subnet,
        nic("a", "nic-a", { private_ip_address_allocation: "Static", private_ip_address: "10.1.1.10" }),
      ]),
    );
    expect(r.find<NetworkInterfaceProperties>(NIC)!.properties).toEqual({
      ipConfigurations: [
        {
          name: "ipconfig1",
          properties: {
            privateIPAddress: "10.1.1.10",
            privateIPAllocationMethod: "Static",
            privateIPAddressVersion: "IPv4",
            subnet: { id: subnetIdOf("snet-a") },
            primary: true,
          },
        },
      ],
      enableIPForwarding: true,
    });
  });

  it("warn that a dynamic address is allocated on apply", () => {
    const r = ingest(plan([subnet, nic("a", "nic-a", { private_ip_address_allocation: "Dynamic" })]));
    expect(
      r.find<NetworkInterfaceProperties>(NIC)!.properties!.ipConfigurations![0]!.properties!.privateIPAddress,
    ).toBeUndefined();
    expect(r.lines).toEqual([
      "azurerm_network_interface.a: ip_configuration[0].private_ip_address: unknown until apply; Azure allocates it; traces take the subnet's next free address from .4",
    ]);
  });
});

describe("virtual machines", () => {
  const vm = (
    type: string,
    extra: Record<string, unknown>,
    expressions: Record<string, unknown>,
  ): TfSpec => ({
    address: `${type}.vm`,
    values: top("vm-a", { network_interface_ids: [null, null], ...extra }),
    unknown: {
      id: true,
      network_interface_ids: [true, true],
      ...(extra.primary_network_interface_id === null ? { primary_network_interface_id: true } : {}),
    },
    expressions,
  });
  const nics = [
    nic("a", "nic-a", { private_ip_address: "10.1.1.4" }),
    nic("b", "nic-b", { private_ip_address: "10.1.1.5" }),
  ];

  it("take the first interface of linux/windows machines as the primary one", () => {
    for (const type of ["azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine"]) {
      const r = ingest(
        plan([
          subnet,
          ...nics,
          vm(
            type,
            {},
            {
              network_interface_ids: ref("azurerm_network_interface.a.id", "azurerm_network_interface.b.id"),
            },
          ),
        ]),
      );
      expect(r.find<VirtualMachineProperties>("Microsoft.Compute/virtualMachines")).toMatchObject({
        id: rid("rg-test", "Microsoft.Compute/virtualMachines", "vm-a"),
        properties: {
          networkProfile: {
            networkInterfaces: [
              { id: nicId("nic-a"), properties: { primary: true } },
              { id: nicId("nic-b"), properties: { primary: false } },
            ],
          },
        },
      });
    }
  });

  it("take azurerm_virtual_machine's primary_network_interface_id", () => {
    const r = ingest(
      plan([
        subnet,
        ...nics,
        vm(
          "azurerm_virtual_machine",
          { primary_network_interface_id: null },
          {
            network_interface_ids: ref("azurerm_network_interface.a.id", "azurerm_network_interface.b.id"),
            primary_network_interface_id: ref("azurerm_network_interface.b.id"),
          },
        ),
      ]),
    );
    expect(
      r.find<VirtualMachineProperties>("Microsoft.Compute/virtualMachines")!.properties!.networkProfile!
        .networkInterfaces,
    ).toEqual([
      { id: nicId("nic-a"), properties: { primary: false } },
      { id: nicId("nic-b"), properties: { primary: true } },
    ]);
  });
});
