import { describe, expect, it } from "vitest";
import { constant, plan, ref, state, top } from "../../../test/fixtures/terraform/plan.js";
import { VnetlabError } from "../../model/errors.js";
import { isTerraformJson, readTerraformJson } from "./document.js";

describe("terraform show -json documents", () => {
  it("recognises plans and states by format_version with planned_values or values", () => {
    expect(isTerraformJson(plan([]))).toBe(true);
    expect(isTerraformJson(state([]))).toBe(true);
    expect(isTerraformJson({ resources: [] })).toBe(false);
    expect(isTerraformJson({ format_version: "1.0" })).toBe(false);
    expect(isTerraformJson([])).toBe(false);
  });

  it("reads a plan's instances with module addresses, indexes and after_unknown", () => {
    const doc = readTerraformJson(
      plan([
        {
          address: "azurerm_resource_group.rg",
          values: { name: "rg-a", location: "uksouth" },
          unknown: { id: true },
        },
        {
          address: 'azurerm_subnet.s["web"]',
          module: "module.net",
          values: top("snet-web", { virtual_network_name: "vnet-a" }),
          unknown: { id: true },
        },
      ]),
    );
    expect(doc.kind).toBe("plan");
    expect(doc.instances.map((i) => [i.address, i.module, i.index])).toEqual([
      ["azurerm_resource_group.rg", "", undefined],
      ['module.net.azurerm_subnet.s["web"]', "module.net", "web"],
    ]);
    expect(doc.instances[1]!.unknown).toEqual({ id: true });
  });

  it("takes the data sources a plan read from its prior state", () => {
    const doc = readTerraformJson(
      plan([], {
        prior: [
          {
            address: "azurerm_client_config.current",
            mode: "data",
            values: { subscription_id: "33333333-3333-3333-3333-333333333333", tenant_id: "t" },
          },
        ],
      }),
    );
    expect(doc.instances).toMatchObject([{ address: "data.azurerm_client_config.current", mode: "data" }]);
  });

  it("reads a state: every value known, nothing unknown", () => {
    const doc = readTerraformJson(
      state([{ address: "azurerm_resource_group.rg", values: { id: "/x", name: "rg" } }]),
    );
    expect(doc.kind).toBe("state");
    expect(doc.instances[0]).toMatchObject({ address: "azurerm_resource_group.rg", unknown: {} });
  });

  it("refuses other input and other major format versions with InvalidTerraformJson", () => {
    expect(() => readTerraformJson({ resources: [] }, "x.json")).toThrow(VnetlabError);
    try {
      readTerraformJson({ ...plan([]), format_version: "2.0" }, "x.json");
      expect.unreachable();
    } catch (e) {
      expect((e as VnetlabError).code).toBe("InvalidTerraformJson");
      expect((e as VnetlabError).oneLine()).toContain("x.json");
    }
    expect(constant(1)).toEqual({ constant_value: 1 });
    expect(ref("azurerm_subnet.a[0].id").references).toEqual([
      "azurerm_subnet.a[0].id",
      "azurerm_subnet.a[0]",
      "azurerm_subnet.a",
    ]);
  });
});
