// azurerm_network_security_group / _rule (service tags, ASGs), application security groups, NIC associations.
import { describe, expect, it } from "vitest";
import { rid } from "../../../test/fixtures/arm.js";
import { ingest, plan, ref, top, type TfSpec } from "../../../test/fixtures/terraform/plan.js";
import { compileEstate } from "../../model/compileEstate.js";
import type {
  NetworkInterfaceProperties,
  NetworkSecurityGroupProperties,
} from "../../model/resources/network.js";

const NSG = "Microsoft.Network/networkSecurityGroups";
const ASG = "Microsoft.Network/applicationSecurityGroups";
const asgId = (name: string) => rid("rg-test", ASG, name);

/** A rule as the provider prints it: every attribute present, unset ones empty. */
const rule = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  description: "",
  priority: 100,
  direction: "Outbound",
  access: "Allow",
  protocol: "tcp",
  source_port_range: "*",
  source_port_ranges: [],
  destination_port_range: "",
  destination_port_ranges: ["443", "1433"],
  source_address_prefix: "VirtualNetwork",
  source_address_prefixes: [],
  destination_address_prefix: "Storage.UKSouth",
  destination_address_prefixes: [],
  source_application_security_group_ids: [],
  destination_application_security_group_ids: [],
  ...extra,
});

describe("network security groups", () => {
  it("map inline rules with service tags, port lists and the canonical protocol", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_network_security_group.a",
          values: top("nsg-a", { security_rule: [rule("out")] }),
          unknown: { id: true },
        },
      ]),
    );
    expect(r.find<NetworkSecurityGroupProperties>(NSG)!.properties!.securityRules).toEqual([
      {
        name: "out",
        properties: {
          protocol: "Tcp",
          sourcePortRange: "*",
          destinationPortRanges: ["443", "1433"],
          sourceAddressPrefix: "VirtualNetwork",
          destinationAddressPrefix: "Storage.UKSouth",
          access: "Allow",
          priority: 100,
          direction: "Outbound",
        },
      },
    ]);
  });

  it("map a separate rule with application security groups resolved by reference", () => {
    const r = ingest(
      plan([
        {
          address: "azurerm_network_security_group.a",
          values: top("nsg-a"),
          unknown: { id: true, security_rule: true },
        },
        { address: "azurerm_application_security_group.web", values: top("asg-web"), unknown: { id: true } },
        {
          address: "azurerm_network_security_rule.in",
          values: {
            ...rule("in", {
              direction: "Inbound",
              source_address_prefix: "Internet",
              destination_address_prefix: null,
            }),
            resource_group_name: "rg-test",
            network_security_group_name: "nsg-a",
            destination_application_security_group_ids: [null],
          },
          unknown: { id: true, destination_application_security_group_ids: [true] },
          expressions: {
            destination_application_security_group_ids: ref("azurerm_application_security_group.web.id"),
          },
        },
      ]),
    );
    expect(r.find(`${NSG}/securityRules`)).toMatchObject({
      id: `${rid("rg-test", NSG, "nsg-a")}/securityRules/in`,
      properties: {
        direction: "Inbound",
        sourceAddressPrefix: "Internet",
        destinationApplicationSecurityGroups: [{ id: asgId("asg-web") }],
      },
    });
    expect(r.find(ASG, "asg-web")).toMatchObject({ id: asgId("asg-web"), location: "uksouth" });
    expect(() => compileEstate(r.resources)).not.toThrow();
  });

  it("leave out a rule whose address is unknown until apply, with a warning naming it", () => {
    const r = ingest(
      plan([
        { address: "azurerm_public_ip.p", values: top("pip"), unknown: { id: true, ip_address: true } },
        {
          address: "azurerm_network_security_group.a",
          values: top("nsg-a", {
            security_rule: [rule("from-pip", { source_address_prefix: undefined }), rule("other")],
          }),
          unknown: { id: true, security_rule: [{ source_address_prefix: true }, {}] },
          expressions: {
            security_rule: [
              {
                name: { constant_value: "from-pip" },
                source_address_prefix: ref("azurerm_public_ip.p.ip_address"),
              },
              { name: { constant_value: "other" } },
            ],
          },
        },
      ]),
    );
    expect(
      r.find<NetworkSecurityGroupProperties>(NSG)!.properties!.securityRules!.map((x) => x.name),
    ).toEqual(["other"]);
    expect(r.lines).toContain(
      "azurerm_network_security_group.a: security_rule[0].source_address_prefix: unknown until apply (azurerm_public_ip.p.ip_address); the rule's effect cannot be known, so the rule is left out",
    );
  });
});

describe("network interface associations", () => {
  it("put an NSG on the interface and an ASG on each of its IP configurations", () => {
    const nic: TfSpec = {
      address: "azurerm_network_interface.n",
      values: top("nic-a", {
        ip_configuration: [{ name: "c1", private_ip_address_allocation: "Dynamic" }, { name: "c2" }],
      }),
      unknown: { id: true },
    };
    const assoc = (type: string, attr: string, target: string): TfSpec => ({
      address: `${type}.a`,
      values: {},
      unknown: { id: true, network_interface_id: true, [attr]: true },
      expressions: {
        network_interface_id: ref("azurerm_network_interface.n.id"),
        [attr]: ref(`${target}.id`),
      },
    });
    const r = ingest(
      plan([
        nic,
        { address: "azurerm_network_security_group.a", values: top("nsg-a"), unknown: { id: true } },
        { address: "azurerm_application_security_group.a", values: top("asg-a"), unknown: { id: true } },
        assoc(
          "azurerm_network_interface_security_group_association",
          "network_security_group_id",
          "azurerm_network_security_group.a",
        ),
        assoc(
          "azurerm_network_interface_application_security_group_association",
          "application_security_group_id",
          "azurerm_application_security_group.a",
        ),
      ]),
    );
    const p = r.find<NetworkInterfaceProperties>("Microsoft.Network/networkInterfaces")!.properties!;
    expect(p.networkSecurityGroup).toEqual({ id: rid("rg-test", NSG, "nsg-a") });
    expect(p.ipConfigurations!.map((c) => c.properties!.applicationSecurityGroups)).toEqual([
      [{ id: asgId("asg-a") }],
      [{ id: asgId("asg-a") }],
    ]);
  });
});
