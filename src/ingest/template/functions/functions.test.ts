// Template functions as templates use them, each checked against the example results of ARM's function
// reference pages (template-functions-string, -array, -object, -logical, -comparison, -resource, -deployment).
import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../../model/arm.js";
import { evaluateTemplate } from "../index.js";
import type { Json, JsonObject } from "../json.js";

const SUB = "11111111-1111-1111-1111-111111111111";
const RG_ID = `/subscriptions/${SUB}/resourceGroups/rg-lab`;

/** The value of one expression, evaluated as a template output. */
function ev(
  expression: string,
  template: JsonObject = {},
  lookup?: (id: string) => ArmResource | undefined,
): Json {
  const result = evaluateTemplate(
    { ...template, outputs: { o: { value: expression } } },
    { subscriptionId: SUB, resourceGroup: "rg-lab", location: "uksouth", deploymentName: "main", lookup },
  );
  return result.outputs.o!.value;
}

describe("string functions", () => {
  it.each<[string, Json]>([
    ["[concat('a', 'b', 1)]", "ab1"],
    ["[concat(createArray(1, 2), createArray(3))]", [1, 2, 3]],
    ["[format('{0}-{1:D3}-{{x}}', 'vnet', 7)]", "vnet-007-{x}"],
    ["[format('{0:N0}', 8175133)]", "8,175,133"],
    ["[toLower('One Two')]", "one two"],
    ["[toUpper('One Two')]", "ONE TWO"],
    ["[replace('123-123-1234', '-', '')]", "1231231234"],
    ["[split('one,two;three', createArray(',', ';'))]", ["one", "two", "three"]],
    [
      "[string(createObject('valueA', 10, 'valueB', 'Example Text'))]",
      '{"valueA":10,"valueB":"Example Text"}',
    ],
    ["[string(true())]", "True"],
    ["[substring('one two three', 4, 3)]", "two"],
    ["[indexOf('abcdef', 'CD')]", 2],
    ["[lastIndexOf('abcdef', 'AB')]", 0],
    ["[startsWith('abcdef', 'AB')]", true],
    ["[endsWith('abcdef', 'f')]", true],
    ["[trim('    one two three   ')]", "one two three"],
    ["[padLeft('123', 10, '0')]", "0000000123"],
    ["[base64('one, two, three')]", "b25lLCB0d28sIHRocmVl"],
    ["[base64ToString('b25lLCB0d28sIHRocmVl')]", "one, two, three"],
    ["[uniqueString(resourceGroup().id)]", "[see hash.test.ts]"],
  ])("%s", (expr, expected) => {
    if (expected === "[see hash.test.ts]") expect(ev(expr)).toMatch(/^[a-z2-7]{13}$/);
    else expect(ev(expr)).toEqual(expected);
  });

  it("keeps a leading [[ as a literal [", () => {
    expect(ev("[[concat('a')]")).toBe("[concat('a')]");
  });

  it("reads '' inside a string literal as one quote", () => {
    expect(ev("[concat('it''s', ' ok')]")).toBe("it's ok");
  });
});

describe("array and object functions", () => {
  it.each<[string, Json]>([
    ["[createArray('a', 'b')]", ["a", "b"]],
    ["[createObject('intProp', 1, 'arrayProp', createArray('a'))]", { intProp: 1, arrayProp: ["a"] }],
    ["[first(createArray('one', 'two'))]", "one"],
    ["[last('One Two Three')]", "e"],
    ["[skip(createArray('one', 'two', 'three'), 2)]", ["three"]],
    ["[take('one two three', 2)]", "on"],
    ["[range(5, 3)]", [5, 6, 7]],
    ["[union(createArray('one', 'two'), createArray('two', 'three'))]", ["one", "two", "three"]],
    [
      '[union(json(\'{"a":1,"n":{"x":1}}\'), json(\'{"b":2,"n":{"y":2}}\'))]',
      { a: 1, n: { x: 1, y: 2 }, b: 2 },
    ],
    ["[intersection(createArray('one', 'two', 'three'), createArray('two', 'three'))]", ["two", "three"]],
    ["[contains(createObject('one', 'a'), 'ONE')]", true],
    ["[contains(createArray('one', 'two'), 'three')]", false],
    ["[contains('OneTwoThree', 'e2')]", false],
    ["[length(createObject('a', 1, 'b', 2))]", 2],
    ["[empty(createArray())]", true],
    ["[empty('')]", true],
    ["[json('{\"a\": [1, 2]}').a[1]]", 2],
    [
      "[items(createObject('b', 2, 'a', 1))]",
      [
        { key: "a", value: 1 },
        { key: "b", value: 2 },
      ],
    ],
    ["[coalesce(null(), null(), 'third')]", "third"],
    ["[indexOf(createArray('a', 'b'), 'b')]", 1],
  ])("%s", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("reads properties with .name, ['name'] and [index], ignoring the case of names", () => {
    const t = { variables: { o: { Outer: { list: [{ Name: "x" }] } } } };
    expect(ev("[variables('o').outer['LIST'][0].name]", t)).toBe("x");
  });

  it("names the missing property and the ones there are", () => {
    expect(() => ev("[createObject('a', 1).b]")).toThrow(
      /outputs\.o\.value: .*property 'b' doesn't exist, available properties are 'a'/,
    );
  });
});

describe("logical and comparison functions", () => {
  it.each<[string, Json]>([
    ["[if(equals(1, 1), 'yes', 'no')]", "yes"],
    ["[and(true(), not(false()))]", true],
    ["[or(false(), bool('true'))]", true],
    ["[equals(createArray(1, 'a'), createArray(1, 'a'))]", true],
    ["[equals('a', 'A')]", false],
    ["[greater('A', 'a')]", false],
    ["[greaterOrEquals(10, 10)]", true],
    ["[less(1, 2)]", true],
    ["[lessOrEquals('b', 'a')]", false],
    ["[int('4')]", 4],
    ["[add(div(7, 2), mod(7, 2))]", 4],
  ])("%s", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("evaluates only the branch if() picks", () => {
    expect(ev("[if(true(), 'safe', createObject('a', 1).missing)]")).toBe("safe");
  });
});

describe("resource and deployment functions", () => {
  it("builds resource ids as ARM does", () => {
    expect(ev("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 's')]")).toBe(
      `${RG_ID}/providers/Microsoft.Network/virtualNetworks/v/subnets/s`,
    );
    expect(ev("[resourceId('rg-other', 'Microsoft.Network/virtualNetworks', 'v')]")).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg-other/providers/Microsoft.Network/virtualNetworks/v`,
    );
    expect(
      ev("[resourceId('22222222-2222-2222-2222-222222222222', 'rg2', 'Microsoft.Sql/servers', 's')]"),
    ).toBe(
      "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg2/providers/Microsoft.Sql/servers/s",
    );
    expect(ev("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r')]")).toBe(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/r`,
    );
    expect(ev("[tenantResourceId('Microsoft.Management/managementGroups', 'mg')]")).toBe(
      "/providers/Microsoft.Management/managementGroups/mg",
    );
    expect(ev("[extensionResourceId(resourceGroup().id, 'Microsoft.Authorization/locks', 'l')]")).toBe(
      `${RG_ID}/providers/Microsoft.Authorization/locks/l`,
    );
  });

  it("refuses a resource id whose names do not fill the type", () => {
    expect(() => ev("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v')]")).toThrow(
      /Unable to evaluate the template language function 'resourceId'.*name segment/,
    );
  });

  it("knows the target scope and the cloud", () => {
    expect(ev("[resourceGroup().location]")).toBe("uksouth");
    expect(ev("[subscription().subscriptionId]")).toBe(SUB);
    expect(ev("[deployment().name]")).toBe("main");
    expect(ev("[environment().suffixes.storage]")).toBe("core.windows.net");
  });

  it("reads an existing resource of the estate with reference(), properties or 'Full'", () => {
    const vnet = {
      id: `${RG_ID}/providers/Microsoft.Network/virtualNetworks/v`,
      name: "v",
      type: "Microsoft.Network/virtualNetworks",
      location: "uksouth",
      properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } },
    };
    const lookup = (id: string) => (id.toLowerCase() === vnet.id.toLowerCase() ? vnet : undefined);
    expect(
      ev("[reference(resourceId('Microsoft.Network/virtualNetworks', 'v')).addressSpace]", {}, lookup),
    ).toEqual({
      addressPrefixes: ["10.0.0.0/16"],
    });
    expect(
      ev(
        "[reference(resourceId('Microsoft.Network/virtualNetworks', 'V'), '2023-04-01', 'Full').location]",
        {},
        lookup,
      ),
    ).toBe("uksouth");
    expect(() =>
      ev("[reference(resourceId('Microsoft.Network/virtualNetworks', 'nope'))]", {}, lookup),
    ).toThrow(/ResourceNotFound|was not found/);
  });

  it("fails on an unknown function with the path and the function's name", () => {
    expect(() => ev("[concat(fancyName('x'), 'y')]")).toThrow(
      "outputs.o.value: The template function 'fancyName' is not valid",
    );
  });

  it("fails on a malformed expression with the path", () => {
    expect(() => ev("[concat('a', ]")).toThrow(/outputs\.o\.value: The language expression .* is not valid/);
  });
});

describe("errors inside functions", () => {
  it("reports any failure inside a function with the path, e.g. a malformed URI", () => {
    expect(() => ev("[uri('not a uri', 'x')]")).toThrow(
      /^outputs\.o\.value: Unable to evaluate the template language function 'uri'/,
    );
  });
});
