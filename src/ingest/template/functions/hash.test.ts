// uniqueString() and guid() against values computed by Azure itself or by Microsoft's own code.
import { describe, expect, it } from "vitest";
import { evaluateTemplate } from "../index.js";
import { armGuidOf, nameBasedUuid, uniqueStringOf } from "./hash.js";

/** Outputs of a template deployed to resource group `rg` of subscription `sub`. */
function outputsOf(outputs: Record<string, string>, sub: string, rg: string): Record<string, unknown> {
  const result = evaluateTemplate(
    { outputs: Object.fromEntries(Object.entries(outputs).map(([k, value]) => [k, { value }])) },
    { subscriptionId: sub, resourceGroup: rg, location: "westus", deploymentName: "main" },
  );
  return Object.fromEntries(Object.entries(result.outputs).map(([k, o]) => [k, o.value]));
}

// Values computed by Azure's own expression engine, which Bicep runs when it evaluates a parameters file
// (`bicep build-params`) and when it predicts a deployment (`bicep snapshot`); both baselines are in Azure/bicep.
describe("values computed by Azure's template engine", () => {
  it("matches bicep build-params: guid('asdf') and a three-argument uniqueString", () => {
    // src/Bicep.Core.Samples/Files/baselines_bicepparam/Expressions/parameters.bicepparam → parameters.json
    const o = outputsOf(
      { guid: "[guid('asdf')]", uniqueString: "[uniqueString('asd', 'asdf', 'asdf')]" },
      "00000000-0000-0000-0000-000000000000",
      "rg",
    );
    expect(o.guid).toBe("228d27cc-6fdb-5934-b7ac-1efccebade04");
    expect(o.uniqueString).toBe("iizpqit7ih3cc");
  });

  it("matches bicep snapshot: the storage account name of the basic sample, from resourceGroup().id", () => {
    // src/Bicep.Cli.IntegrationTests/Files/SnapshotCommandTests/basic/main.bicep → main.snapshot.json
    const o = outputsOf(
      { name: "[format('store{0}', uniqueString(resourceGroup().id))]" },
      "00000000-0000-0000-0000-000000000000",
      "myRg",
    );
    expect(o.name).toBe("storejs26ofeqkqeve");
  });
});

describe("uniqueString", () => {
  it("matches Microsoft's terraform-provider-azapi test of its port of the ARM function", () => {
    // Azure/terraform-provider-azapi internal/services/functions/unique_string_function_test.go
    expect(uniqueStringOf(["/subscriptions/00000000-0000-0000-0000-000000000000", "resource-id"])).toBe(
      "cwvxuqg24sifi",
    );
  });

  it("matches a value taken from a real ARM template output", () => {
    // microsoft/commercial-marketplace-offer-deploy, Modm.Tests.UnitTests.ArmFunctionsTests
    // (UniqueStringShouldEqualValueCreatedFromArmTemplate: the value came from an ARM deployment's output and is
    // checked there against Microsoft's Azure.Deployments.Expression library).
    expect(
      uniqueStringOf([
        "/subscriptions/31e9f9a0-9fd2-4294-a0a3-0101246d9700/resourceGroups/rg-modm201-20230913120256/providers/Microsoft.Compute/virtualMachines/bobjacmodm201",
      ]),
    ).toBe("yvjxno3je5on2");
  });

  it.each([
    // A public bash port's self-test, "verified against Bicep uniqueString() output" (uniquestring.sh --test):
    // these cover every tail length of the hash (1 to 7 bytes after the 8-byte blocks) and several arguments.
    [["test"], "rbgf3xv4ufgzg"],
    [["hello", "world"], "a7wkljktk6wne"],
    [["abc"], "cgtzqvhu4i23s"],
    [["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg"], "bmg7c6xu4tw46"],
    [["foo", "bar", "baz"], "xzi4ioaxtmth4"],
  ])("uniqueString(%j) = %s", (args, expected) => {
    expect(uniqueStringOf(args)).toBe(expected);
  });

  it("is 13 characters of a-z and 2-7, and is case-sensitive", () => {
    expect(uniqueStringOf(["ABC"])).toMatch(/^[a-z2-7]{13}$/);
    expect(uniqueStringOf(["ABC"])).not.toBe(uniqueStringOf(["abc"]));
    // The arguments are joined with '-': uniqueString('a', 'b') is uniqueString('a-b').
    expect(uniqueStringOf(["a", "b"])).toBe(uniqueStringOf(["a-b"]));
  });
});

describe("guid", () => {
  it("is RFC 4122 §4.3 version 5: the RFC 9562 appendix A.4 example", () => {
    // RFC 9562 A.4: UUIDv5 of "www.example.com" in the DNS namespace.
    expect(nameBasedUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com")).toBe(
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });

  it("uses ARM's namespace and joins the arguments with '-'", () => {
    // Expected values from Python's uuid.uuid5(UUID('11fb06fb-712d-4ddd-98c7-e71bbd588830'), 'a-b-…'), the
    // construction public ports use to reproduce ARM's guid() (template-functions-string#guid remarks).
    expect(armGuidOf(["abc"])).toBe("a9b46cc2-65a6-5559-9f14-7091827ab32f");
    expect(armGuidOf(["/subscriptions/00000000-0000-0000-0000-000000000000", "resource-id"])).toBe(
      "addac03f-96bb-5a25-a3ea-41fa83c54842",
    );
    expect(armGuidOf(["a", "b"])).toBe(armGuidOf(["a-b"]));
  });
});
