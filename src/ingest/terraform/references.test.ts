// Following configuration references to the instances whose ids an unknown value will take.
import { describe, expect, it } from "vitest";
import { plan, ref, top } from "../../../test/fixtures/terraform/plan.js";
import { readTerraformJson, type TfDocument } from "./document.js";
import { References } from "./references.js";

function targetsOf(doc: TfDocument, from: string, path: (string | number)[], types?: string[]) {
  const refs = new References(doc);
  const inst = doc.instances.find((i) => i.address === from)!;
  const t = refs.targets(inst, refs.referencesAt(inst, path), types);
  return { addresses: t.instances.map((i) => i.address), others: t.others };
}

const subnet = (address: string, name: string, module?: string) => ({
  address,
  ...(module ? { module } : {}),
  values: top(name, { virtual_network_name: "vnet" }),
  unknown: { id: true },
});

describe("configuration references", () => {
  it("follows a resource's id, in the referencing resource's module", () => {
    const doc = readTerraformJson(
      plan([
        subnet("azurerm_subnet.app", "snet-app"),
        subnet("azurerm_subnet.app", "snet-app", "module.other"),
        {
          address: "azurerm_network_interface.nic",
          values: top("nic", { ip_configuration: [{ name: "c" }] }),
          unknown: { id: true, ip_configuration: [{ subnet_id: true }] },
          expressions: { ip_configuration: [{ subnet_id: ref("azurerm_subnet.app.id") }] },
        },
      ]),
    );
    expect(targetsOf(doc, "azurerm_network_interface.nic", ["ip_configuration", 0, "subnet_id"])).toEqual({
      addresses: ["azurerm_subnet.app"],
      others: [],
    });
  });

  it("picks the instance a count index or for_each key names, or the same key under each.key", () => {
    const doc = readTerraformJson(
      plan([
        subnet("azurerm_subnet.s[0]", "a"),
        subnet("azurerm_subnet.s[1]", "b"),
        subnet('azurerm_subnet.k["x"]', "x"),
        subnet('azurerm_subnet.k["y"]', "y"),
        { address: "azurerm_x.one", values: {}, expressions: { subnet_id: ref("azurerm_subnet.s[1].id") } },
        {
          address: 'azurerm_x.each["y"]',
          values: {},
          expressions: { subnet_id: ref("azurerm_subnet.k", "each.key") },
        },
      ]),
    );
    expect(targetsOf(doc, "azurerm_x.one", ["subnet_id"]).addresses).toEqual(["azurerm_subnet.s[1]"]);
    expect(targetsOf(doc, 'azurerm_x.each["y"]', ["subnet_id"]).addresses).toEqual(['azurerm_subnet.k["y"]']);
  });

  it("follows module outputs and module variables across module boundaries", () => {
    const doc = readTerraformJson(
      plan(
        [
          subnet("azurerm_subnet.this", "snet", "module.net"),
          { address: "azurerm_x.root", values: {}, expressions: { subnet_id: ref("module.net.subnet_id") } },
          subnet("azurerm_subnet.root", "snet-root"),
          {
            address: "azurerm_x.inner",
            module: "module.app",
            values: {},
            expressions: { subnet_id: ref("var.subnet_id") },
          },
        ],
        {
          modules: {
            net: { outputs: { subnet_id: { expression: ref("azurerm_subnet.this.id") } } },
            app: { expressions: { subnet_id: ref("azurerm_subnet.root.id") } },
          },
        },
      ),
    );
    expect(targetsOf(doc, "azurerm_x.root", ["subnet_id"]).addresses).toEqual([
      "module.net.azurerm_subnet.this",
    ]);
    expect(targetsOf(doc, "module.app.azurerm_x.inner", ["subnet_id"]).addresses).toEqual([
      "azurerm_subnet.root",
    ]);
  });

  it("keeps references to values that are not ids apart, and filters by type", () => {
    const doc = readTerraformJson(
      plan([
        subnet("azurerm_subnet.app", "snet-app"),
        { address: "azurerm_public_ip.pip", values: top("pip"), unknown: { id: true, ip_address: true } },
        {
          address: "azurerm_x.rules",
          values: {},
          expressions: {
            ip_rules: ref("azurerm_public_ip.pip.ip_address"),
            ids: ref("azurerm_subnet.app.id", "azurerm_public_ip.pip.id"),
          },
        },
      ]),
    );
    expect(targetsOf(doc, "azurerm_x.rules", ["ip_rules"])).toEqual({
      addresses: [],
      others: ["azurerm_public_ip.pip.ip_address"],
    });
    expect(targetsOf(doc, "azurerm_x.rules", ["ids"], ["azurerm_subnet"]).addresses).toEqual([
      "azurerm_subnet.app",
    ]);
  });

  it("matches a set's planned block to its configured block by the block's constants", () => {
    const doc = readTerraformJson(
      plan([
        subnet("azurerm_subnet.a", "a"),
        subnet("azurerm_subnet.b", "b"),
        {
          address: "azurerm_x.sets",
          // Terraform prints set elements in its own order, not the configuration's.
          values: { rule: [{ name: "second" }, { name: "first" }] },
          expressions: {
            rule: [
              { name: { constant_value: "first" }, subnet_id: ref("azurerm_subnet.a.id") },
              { name: { constant_value: "second" }, subnet_id: ref("azurerm_subnet.b.id") },
            ],
          },
        },
      ]),
    );
    expect(targetsOf(doc, "azurerm_x.sets", ["rule", 0, "subnet_id"]).addresses).toEqual([
      "azurerm_subnet.b",
    ]);
    expect(targetsOf(doc, "azurerm_x.sets", ["rule", 1, "subnet_id"]).addresses).toEqual([
      "azurerm_subnet.a",
    ]);
  });
});
