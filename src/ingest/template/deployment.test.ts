// Template deployment semantics on small inline templates: ordering, conditions, loops, nested children,
// symbolic names, and the errors ARM gives (each with the template path).
import { describe, expect, it } from "vitest";
import { VnetlabError } from "../../model/errors.js";
import { evaluateTemplate } from "./index.js";
import type { JsonObject } from "./json.js";

const SUB = "11111111-1111-1111-1111-111111111111";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-lab/providers`;
const opts = { subscriptionId: SUB, resourceGroup: "rg-lab", location: "uksouth" };

function nsg(name: string, extra: JsonObject = {}): JsonObject {
  return {
    type: "Microsoft.Network/networkSecurityGroups",
    apiVersion: "2023-04-01",
    name,
    location: "uksouth",
    properties: {},
    ...extra,
  };
}

function names(template: JsonObject, parameters = {}): string[] {
  return evaluateTemplate(template, { ...opts, parameters }).resources.map((r) => r.name);
}

function failure(template: JsonObject, parameters = {}): VnetlabError {
  try {
    evaluateTemplate(template, { ...opts, parameters });
  } catch (e) {
    if (e instanceof VnetlabError) return e;
    throw e;
  }
  throw new Error("the template deployed");
}

describe("ordering", () => {
  it("keeps template order where no dependency says otherwise, and puts dependencies first", () => {
    const t = { resources: [nsg("a", { dependsOn: ["c"] }), nsg("b"), nsg("c")] };
    expect(names(t)).toEqual(["b", "c", "a"]);
  });

  it("deploys a resource that reference() names before the resource that reads it", () => {
    const t = {
      resources: [
        nsg("reader", { tags: { seen: "[string(reference('source').flag)]" } }),
        nsg("source", { properties: { flag: true } }),
      ],
    };
    const r = evaluateTemplate(t, opts);
    expect(r.resources.map((x) => x.name)).toEqual(["source", "reader"]);
    expect(r.resources[1]!.tags).toEqual({ seen: "True" });
  });

  it("waits for every instance of a copy loop named in dependsOn", () => {
    const t = {
      resources: [
        nsg("after", { dependsOn: ["loop"] }),
        nsg("[format('n{0}', copyIndex(1))]", {
          copy: { name: "loop", count: 2, mode: "Serial", batchSize: 1 },
        }),
      ],
    };
    expect(names(t)).toEqual(["n1", "n2", "after"]);
  });

  it("fails on a cycle, naming the resources", () => {
    const e = failure({ resources: [nsg("a", { dependsOn: ["b"] }), nsg("b", { dependsOn: ["a"] })] });
    expect(e.code).toBe("InvalidTemplate");
    expect(e.message).toMatch(/Circular dependency .*'a' \(resources\[0\]\) → 'b' \(resources\[1\]\) → 'a'/);
  });

  it("fails on a dependsOn that names nothing in the template", () => {
    expect(failure({ resources: [nsg("a", { dependsOn: ["ghost"] })] }).message).toBe(
      "resources[0].dependsOn[0]: The resource 'ghost' is not defined in the template.",
    );
  });
});

describe("conditions and loops", () => {
  it("leaves out a resource whose condition is false and drops dependencies on it", () => {
    const t = {
      parameters: { withB: { type: "bool", defaultValue: false } },
      resources: [nsg("a", { dependsOn: ["b"] }), nsg("b", { condition: "[parameters('withB')]" })],
    };
    expect(names(t)).toEqual(["a"]);
    expect(names(t, { withB: true })).toEqual(["b", "a"]);
  });

  it("accepts a loop of zero", () => {
    expect(
      names({ resources: [nsg("[format('n{0}', copyIndex())]", { copy: { name: "l", count: 0 } })] }),
    ).toEqual([]);
  });

  it("refuses a copy count that is not an integer from 0 to 800", () => {
    expect(failure({ resources: [nsg("x", { copy: { name: "l", count: 801 } })] }).message).toMatch(
      /^resources\[0\]\.copy\.count: the copy count must be an integer from 0 to 800/,
    );
  });

  it("uses copyIndex('name') in nested property loops and copyIndex() for the resource loop", () => {
    const t = {
      resources: [
        nsg("[format('nsg{0}', copyIndex())]", {
          copy: { name: "outer", count: 2 },
          properties: {
            copy: [
              {
                name: "securityRules",
                count: 2,
                input: { name: "[format('r{0}-{1}', copyIndex(), copyIndex('securityRules'))]" },
              },
            ],
          },
        }),
      ],
    };
    const r = evaluateTemplate(t, opts).resources;
    expect(
      r.map((x) => (x.properties as { securityRules: { name: string }[] }).securityRules.map((s) => s.name)),
    ).toEqual([
      ["r0-0", "r0-1"],
      ["r1-0", "r1-1"],
    ]);
  });
});

describe("nested child resources", () => {
  it("composes the child's type, name and id from its parent's, and makes it depend on the parent", () => {
    const t = {
      resources: [
        {
          ...nsg("nsg1"),
          resources: [{ type: "securityRules", apiVersion: "2023-04-01", name: "r1", properties: {} }],
        },
      ],
    };
    const [parent, child] = evaluateTemplate(t, opts).resources;
    expect(parent!.id).toBe(`${RG}/Microsoft.Network/networkSecurityGroups/nsg1`);
    expect(child).toMatchObject({
      id: `${RG}/Microsoft.Network/networkSecurityGroups/nsg1/securityRules/r1`,
      name: "r1",
      type: "Microsoft.Network/networkSecurityGroups/securityRules",
    });
  });

  it("refuses a name whose segments do not match the type's", () => {
    const t = { resources: [nsg("a/b")] };
    expect(failure(t).message).toMatch(
      /^resources\[0\]\.name: The resource name 'a\/b' for type .* incorrect segment lengths/,
    );
  });

  it("refuses a second resource with the same id", () => {
    expect(failure({ resources: [nsg("a"), nsg("A")] }).message).toMatch(
      /^resources\[1\]: .*defined multiple times/,
    );
  });
});

describe("extension resources", () => {
  it("puts an extension resource on its scope, a full id or the relative form Bicep writes", () => {
    const lock = (name: string, scope: string) => ({
      type: "Microsoft.Authorization/locks",
      apiVersion: "2020-05-01",
      name,
      scope,
      properties: { level: "CanNotDelete" },
    });
    const t = {
      resources: [
        lock("l1", "[format('Microsoft.Network/virtualNetworks/{0}', 'v')]"),
        lock("l2", "[resourceId('Microsoft.Network/virtualNetworks', 'v')]"),
      ],
    };
    expect(evaluateTemplate(t, opts).resources.map((r) => r.id)).toEqual([
      `${RG}/Microsoft.Network/virtualNetworks/v/providers/Microsoft.Authorization/locks/l1`,
      `${RG}/Microsoft.Network/virtualNetworks/v/providers/Microsoft.Authorization/locks/l2`,
    ]);
  });
});

describe("languageVersion 2.0", () => {
  it("orders symbolic resources by symbolic dependsOn and reads `existing` ones from the estate", () => {
    const vnetId = `${RG}/Microsoft.Network/virtualNetworks/hub`;
    const t = {
      languageVersion: "2.0",
      resources: {
        late: nsg("late", { dependsOn: ["early", "hub"] }),
        early: nsg("early"),
        hub: {
          existing: true,
          type: "Microsoft.Network/virtualNetworks",
          apiVersion: "2023-04-01",
          name: "hub",
        },
      },
      outputs: { prefixes: { type: "array", value: "[reference('hub').addressSpace.addressPrefixes]" } },
    };
    const lookup = (id: string) =>
      id.toLowerCase() === vnetId.toLowerCase()
        ? {
            id: vnetId,
            name: "hub",
            type: "Microsoft.Network/virtualNetworks",
            properties: { addressSpace: { addressPrefixes: ["10.9.0.0/16"] } },
          }
        : undefined;
    const r = evaluateTemplate(t, { ...opts, lookup });
    expect(r.resources.map((x) => x.name)).toEqual(["early", "late"]);
    expect(r.outputs.prefixes).toEqual({ type: "Array", value: ["10.9.0.0/16"] });
  });

  it("fails when an existing resource is not in the estate", () => {
    const t = {
      languageVersion: "2.0",
      resources: {
        hub: {
          existing: true,
          type: "Microsoft.Network/virtualNetworks",
          apiVersion: "2023-04-01",
          name: "hub",
        },
      },
      outputs: { o: { type: "object", value: "[reference('hub')]" } },
    };
    const e = failure(t);
    expect(e.code).toBe("ResourceNotFound");
    expect(e.message).toMatch(/^outputs\.o\.value: The Resource '.*virtualNetworks\/hub' was not found\./);
  });
});

describe("parameters", () => {
  const t = {
    parameters: {
      env: { type: "string", allowedValues: ["dev", "prod"] },
      n: { type: "int", defaultValue: 1, minValue: 1, maxValue: 3 },
      tags: { type: "array", defaultValue: [], allowedValues: ["a", "b"] },
      name: { type: "string", defaultValue: "[format('nsg-{0}', parameters('env'))]", maxLength: 8 },
    },
    resources: [nsg("[parameters('name')]")],
  };

  it("takes defaults that are expressions over other parameters", () => {
    expect(names(t, { env: "dev" })).toEqual(["nsg-dev"]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{}, "parameters.env: The value for the template parameter 'env' is not provided."],
    [
      { env: "test" },
      "parameters.env: The provided value 'test' for the template parameter 'env' is not valid. The parameter value is not part of the allowed value(s): 'dev,prod'.",
    ],
    [
      { env: "dev", n: "2" },
      "parameters.n: Template parameter 'n' was provided an invalid value. Expected a value of type 'Integer', but received a value of type 'String'.",
    ],
    [
      { env: "dev", n: 4 },
      "parameters.n: The provided value for the template parameter 'n' is not valid. The value should be less than or equal to '3'.",
    ],
    [
      { env: "dev", tags: ["a", "c"] },
      "parameters.tags: The provided value 'c' for the template parameter 'tags' is not valid. The parameter value is not part of the allowed value(s): 'a,b'.",
    ],
    [
      { env: "prod", name: "nsg-far-too-long" },
      "parameters.name: The provided value for the template parameter 'name' is not valid. Length of the value should be less than or equal to '8'.",
    ],
    [
      { env: "dev", extra: 1 },
      "parameters: The template parameters 'extra' are not valid; they are not present in the original template and can therefore not be provided at deployment time.",
    ],
  ])("refuses %j", (given, message) => {
    const e = failure(t, given);
    expect(e.code).toBe("InvalidTemplate");
    expect(e.message).toBe(message);
  });
});

describe("scope", () => {
  it("supports only resource group deployments", () => {
    const e = failure({
      $schema: "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
      resources: [],
    });
    expect(e.message).toMatch(/^\$schema: only resource group deployments are supported/);
  });

  it("refuses nested deployments with their path", () => {
    const e = failure({
      resources: [
        { type: "Microsoft.Resources/deployments", apiVersion: "2022-09-01", name: "inner", properties: {} },
      ],
    });
    expect(e.message).toMatch(/^resources\[0\]\.type: nested deployments/);
  });
});
