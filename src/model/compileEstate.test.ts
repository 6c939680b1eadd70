import { describe, expect, it } from "vitest";
import type { ArmResource } from "./arm.js";
import { compileEstate, estateResourcesOf } from "./compileEstate.js";
import { VnetlabError } from "./errors.js";
import type { SubnetProperties, VirtualNetworkProperties } from "./resources/network.js";

const SUB = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg/providers";
const vnetId = `${SUB}/Microsoft.Network/virtualNetworks/vnet1`;

function vnet(subnets: object[] = [{ name: "a", properties: { addressPrefix: "10.0.1.0/24" } }]) {
  return {
    id: vnetId,
    name: "vnet1",
    type: "Microsoft.Network/virtualNetworks",
    location: "East US",
    properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets },
  };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof VnetlabError) return `${e.code}|${e.context.resourceId ?? ""}|${e.context.file ?? ""}`;
    throw e;
  }
  return undefined;
}

describe("child resources come inline or separately, as in ARM", () => {
  it("indexes inline subnets under their own ids, case-insensitively", () => {
    const e = compileEstate([vnet()]);
    const s = e.get<SubnetProperties>(`${vnetId.toUpperCase()}/SUBNETS/A`);
    expect(s?.type).toBe("Microsoft.Network/virtualNetworks/subnets");
    expect(s?.properties?.addressPrefix).toBe("10.0.1.0/24");
    expect(e.ofType("microsoft.network/virtualnetworks/subnets")).toHaveLength(1);
  });

  it("folds a separately declared subnet into its VNet, replacing an inline one of the same name", () => {
    const e = compileEstate([
      vnet(),
      {
        id: `${vnetId}/subnets/a`,
        name: "a",
        type: "Microsoft.Network/virtualNetworks/subnets",
        properties: { addressPrefix: "10.0.9.0/24" },
      },
      {
        id: `${vnetId}/subnets/b`,
        name: "b",
        type: "Microsoft.Network/virtualNetworks/subnets",
        properties: { addressPrefix: "10.0.2.0/24" },
      },
    ]);
    const v = e.get<VirtualNetworkProperties>(vnetId)!;
    const subnets = v.properties!.subnets as ArmResource<SubnetProperties>[];
    expect(subnets.map((s) => [s.name, s.properties?.addressPrefix])).toEqual([
      ["a", "10.0.9.0/24"],
      ["b", "10.0.2.0/24"],
    ]);
    expect(e.get(`${vnetId}/subnets/a`)).toBe(subnets[0]);
  });

  it("merges sites/config/web into the site's siteConfig", () => {
    const site = `${SUB}/Microsoft.Web/sites/app1`;
    const e = compileEstate([
      { id: site, name: "app1", type: "Microsoft.Web/sites", location: "westeurope", properties: {} },
      {
        id: `${site}/config/web`,
        name: "web",
        type: "Microsoft.Web/sites/config",
        properties: { ipSecurityRestrictionsDefaultAction: "Deny" },
      },
    ]);
    expect(
      e.get<{ siteConfig?: { ipSecurityRestrictionsDefaultAction?: string } }>(site)?.properties?.siteConfig,
    ).toEqual({
      ipSecurityRestrictionsDefaultAction: "Deny",
    });
  });

  it("normalises locations to ARM names and leaves the input untouched", () => {
    const input = vnet();
    const e = compileEstate([input]);
    expect(e.get(vnetId)?.location).toBe("eastus");
    expect(input.location).toBe("East US");
  });

  it("accepts an array, { resources } and a REST list's { value }", () => {
    expect(estateResourcesOf([1])).toEqual([1]);
    expect(estateResourcesOf({ resources: [2] })).toEqual([2]);
    expect(estateResourcesOf({ value: [3] })).toEqual([3]);
    expect(() => estateResourcesOf({ foo: 1 }, "x.json")).toThrow(VnetlabError);
  });
});

describe("bad input names the file and the resource", () => {
  it("rejects an invalid CIDR", () => {
    const bad = vnet([{ name: "a", properties: { addressPrefix: "10.0.1.0/33" } }]);
    expect(codeOf(() => compileEstate([bad], { origins: ["lab.json"] }))).toBe(
      `InvalidAddressPrefixFormat|${vnetId}/subnets/a|lab.json`,
    );
  });

  it("rejects a prefix with host bits in an address space", () => {
    const bad = { ...vnet(), properties: { addressSpace: { addressPrefixes: ["10.0.0.1/16"] } } };
    expect(codeOf(() => compileEstate([bad]))).toMatch(/^InvalidAddressPrefixFormat\|/);
  });

  it("rejects a dangling reference", () => {
    const bad = vnet([
      {
        name: "a",
        properties: {
          addressPrefix: "10.0.1.0/24",
          networkSecurityGroup: { id: `${SUB}/Microsoft.Network/networkSecurityGroups/missing` },
        },
      },
    ]);
    expect(codeOf(() => compileEstate([bad], { origins: ["f.json"] }))).toBe(
      `InvalidResourceReference|${vnetId}/subnets/a|f.json`,
    );
  });

  it("rejects a separate child whose parent is missing", () => {
    const orphan = {
      id: `${vnetId}/subnets/a`,
      name: "a",
      type: "Microsoft.Network/virtualNetworks/subnets",
      properties: { addressPrefix: "10.0.1.0/24" },
    };
    expect(codeOf(() => compileEstate([orphan]))).toMatch(/^InvalidResourceReference\|/);
  });

  it("rejects resources without an id, unknown locations and non-ARM ids", () => {
    expect(codeOf(() => compileEstate([{ name: "x", type: "t" }]))).toMatch(/^InvalidEstate\|resource #1/);
    expect(codeOf(() => compileEstate([{ ...vnet(), location: "atlantis" }]))).toMatch(/^InvalidEstate\|/);
    expect(codeOf(() => compileEstate([{ ...vnet(), id: "vnet1" }]))).toMatch(/^InvalidResourceId\|/);
  });

  it("rejects an NSG rule whose prefix is neither an address nor a known service tag", () => {
    const nsg = {
      id: `${SUB}/Microsoft.Network/networkSecurityGroups/nsg`,
      name: "nsg",
      type: "Microsoft.Network/networkSecurityGroups",
      location: "eastus",
      properties: {
        securityRules: [
          {
            name: "r",
            properties: {
              priority: 100,
              direction: "Outbound",
              access: "Allow",
              protocol: "*",
              destinationAddressPrefix: "Storage.Atlantis",
            },
          },
        ],
      },
    };
    expect(codeOf(() => compileEstate([nsg]))).toMatch(/^InvalidAddressPrefixFormat\|.*securityRules\/r/);
  });
});

describe("tenants", () => {
  it("come from the resource, else its subscription, else the default tenant", () => {
    const e = compileEstate([
      vnet(),
      {
        id: "/subscriptions/00000000-0000-0000-0000-0000000000aa",
        name: "00000000-0000-0000-0000-0000000000aa",
        type: "Microsoft.Resources/subscriptions",
        tenantId: "t-1",
      },
    ]);
    expect(e.tenantOf(vnetId)).toBe("t-1");
    expect(
      e.tenantOf("/subscriptions/other/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x"),
    ).toBe("00000000-0000-0000-0000-000000000000");
  });
});
