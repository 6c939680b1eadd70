import { describe, expect, it } from "vitest";
import { rid } from "../../../test/fixtures/arm.js";
import { ingest, plan, ref, state, top, type TfSpec } from "../../../test/fixtures/terraform/plan.js";
import type { NatGatewayProperties } from "../../model/resources/network.js";

const PIP = "Microsoft.Network/publicIPAddresses";
const NAT = "Microsoft.Network/natGateways";

describe("public IPs and NAT gateways", () => {
  it("map a public IP; an allocated address is reported as unknown until apply", () => {
    const planned = ingest(
      plan([
        {
          address: "azurerm_public_ip.p",
          values: top("pip-a", { allocation_method: "Static", sku: "Standard", ip_version: "IPv4" }),
          unknown: { id: true, ip_address: true, fqdn: true },
        },
      ]),
    );
    expect(planned.find(PIP)).toEqual({
      id: rid("rg-test", PIP, "pip-a"),
      name: "pip-a",
      type: PIP,
      location: "uksouth",
      sku: { name: "Standard" },
      properties: { publicIPAllocationMethod: "Static", publicIPAddressVersion: "IPv4" },
    });
    expect(planned.lines).toEqual([
      "azurerm_public_ip.p: ip_address: unknown until apply; Azure allocates it; traces use a stand-in address in AzureCloud.uksouth",
    ]);
    const applied = ingest(
      state([
        {
          address: "azurerm_public_ip.p",
          values: top("pip-a", {
            id: rid("rg-test", PIP, "pip-a"),
            allocation_method: "Static",
            sku: "Standard",
            ip_address: "51.140.1.2",
          }),
        },
      ]),
    );
    expect(applied.find(PIP)!.properties).toMatchObject({ ipAddress: "51.140.1.2" });
    expect(applied.warnings).toEqual([]);
  });

  it("associate public IPs and prefixes with a NAT gateway", () => {
    const assoc = (type: string, attr: string, target: string): TfSpec => ({
      address: `${type}.a`,
      values: {},
      unknown: { id: true, nat_gateway_id: true, [attr]: true },
      expressions: { nat_gateway_id: ref("azurerm_nat_gateway.n.id"), [attr]: ref(`${target}.id`) },
    });
    const r = ingest(
      plan([
        {
          address: "azurerm_nat_gateway.n",
          values: top("nat-a", { sku_name: "Standard" }),
          unknown: { id: true, resource_guid: true },
        },
        {
          address: "azurerm_public_ip.p",
          values: top("pip-a", { allocation_method: "Static", sku: "Standard" }),
          unknown: { id: true, ip_address: true },
        },
        {
          address: "azurerm_public_ip_prefix.x",
          values: top("ippre-a", { prefix_length: 31 }),
          unknown: { id: true, ip_prefix: true },
        },
        assoc("azurerm_nat_gateway_public_ip_association", "public_ip_address_id", "azurerm_public_ip.p"),
        assoc(
          "azurerm_nat_gateway_public_ip_prefix_association",
          "public_ip_prefix_id",
          "azurerm_public_ip_prefix.x",
        ),
      ]),
    );
    expect(r.find<NatGatewayProperties>(NAT)).toMatchObject({
      sku: { name: "Standard" },
      properties: {
        publicIpAddresses: [{ id: rid("rg-test", PIP, "pip-a") }],
        publicIpPrefixes: [{ id: rid("rg-test", "Microsoft.Network/publicIPPrefixes", "ippre-a") }],
      },
    });
  });
});
