// ARM templates modelled on Azure's quickstarts, deployed onto a small estate, then checked resource by
// resource and through the engine: the verdict a VM or NIC gets after the deployment.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { traceBetween } from "../../src/engine/index.js";
import {
  armGuidOf,
  evaluateTemplate,
  type Json,
  mergeIncremental,
  type TemplateResult,
  uniqueStringOf,
} from "../../src/ingest/template/index.js";
import type { ArmResource } from "../../src/model/arm.js";
import { compileEstate, DEFAULT_TENANT_ID, estateResourcesOf } from "../../src/model/compileEstate.js";
import { VnetlabError } from "../../src/model/errors.js";
import type { Estate } from "../../src/model/estate.js";

const DIR = join(import.meta.dirname, "..", "fixtures", "templates");
const SUB = "11111111-1111-1111-1111-111111111111";
const RG_ID = `/subscriptions/${SUB}/resourceGroups/rg-lab`;
const read = (file: string): unknown => JSON.parse(readFileSync(join(DIR, file), "utf8"));
const BASE = estateResourcesOf(read("estate.json"));

function deploy(
  file: string,
  parameters: Record<string, Json> = {},
): { result: TemplateResult; estate: Estate } {
  const base = compileEstate(BASE);
  const result = evaluateTemplate(read(file), {
    subscriptionId: SUB,
    resourceGroup: "rg-lab",
    parameters,
    deploymentName: file.replace(/\.json$/, ""),
    lookup: (id) => base.get(id),
  });
  return { result, estate: compileEstate(mergeIncremental(BASE, result.resources)) };
}

function failure(file: string, parameters: Record<string, Json> = {}): VnetlabError {
  try {
    deploy(file, parameters);
  } catch (e) {
    if (e instanceof VnetlabError) return e;
    throw e;
  }
  throw new Error(`${file} deployed`);
}

const byName = (r: TemplateResult, name: string): ArmResource => r.resources.find((x) => x.name === name)!;

describe("storage account behind a subnet with a Microsoft.Storage endpoint (quickstart shape)", () => {
  const { result, estate } = deploy("storage-service-endpoint.json");
  const storage = `stg${uniqueStringOf([RG_ID])}`;

  it("deploys the VNet first, then what depends on it, with ARM's ids", () => {
    expect(result.resources.map((r) => r.name)).toEqual(["vnet-app", storage, "nic-app", "nic-other"]);
    expect(byName(result, storage).id).toBe(
      `${RG_ID}/providers/Microsoft.Storage/storageAccounts/${storage}`,
    );
    expect(result.steps.map((s) => s.apiVersion)).toEqual([
      "2023-04-01",
      "2023-01-01",
      "2023-04-01",
      "2023-04-01",
    ]);
    expect(byName(result, storage).properties).toMatchObject({
      networkAcls: {
        defaultAction: "Deny",
        virtualNetworkRules: [
          {
            id: `${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/snet-app`,
            action: "Allow",
          },
        ],
      },
    });
    expect(result.outputs).toEqual({
      storageAccountName: { type: "String", value: storage },
      blobEndpoint: { type: "String", value: `https://${storage}.blob.core.windows.net/` },
      vnetPrefixes: { type: "Array", value: ["10.0.0.0/16"] },
    });
  });

  it("lets the subnet with the endpoint in and keeps the other out", () => {
    const url = `https://${storage}.blob.core.windows.net/data/x.txt`;
    expect(traceBetween(estate, "nic-app", url)).toMatchObject({
      verdict: "Allow",
      sourceIpSeenByService: "10.0.1.4",
    });
    expect(traceBetween(estate, "nic-other", url)).toMatchObject({
      verdict: "Deny",
      decidedBy: { stage: "firewall" },
    });
  });
});

describe("NSG with service tags and a nested child rule", () => {
  const { result, estate } = deploy("nsg-service-tags.json");

  it("gives the nested rule its composed type, name and id, after its parent", () => {
    expect(result.resources.map((r) => r.type)).toEqual([
      "Microsoft.Network/networkSecurityGroups",
      "Microsoft.Network/networkSecurityGroups/securityRules",
      "Microsoft.Network/virtualNetworks",
      "Microsoft.Network/networkInterfaces",
    ]);
    expect(result.resources[1]).toMatchObject({
      name: "Deny-Internet-Outbound",
      id: `${RG_ID}/providers/Microsoft.Network/networkSecurityGroups/nsg-web/securityRules/Deny-Internet-Outbound`,
    });
    const rules = (
      result.resources[0]!.properties as { securityRules: { name: string; properties: object }[] }
    ).securityRules;
    expect(rules.map((r) => r.name)).toEqual([
      "Allow-Storage-Outbound",
      "Allow-Sql-Outbound",
      "Allow-AzureKeyVault-Outbound",
    ]);
    expect(rules[2]!.properties).toMatchObject({ priority: 120, destinationAddressPrefix: "AzureKeyVault" });
    expect(result.outputs.ruleCount).toEqual({ type: "Int", value: 4 });
  });

  it("denies the internet by the child rule and lets storage through by its service tag", () => {
    expect(traceBetween(estate, "nic-web", "203.0.113.10:443")).toMatchObject({
      verdict: "Deny",
      decidedBy: { stage: "nsg", rule: "securityRules/Deny-Internet-Outbound" },
    });
    const nsgStage = estate.get(`${RG_ID}/providers/Microsoft.Network/networkSecurityGroups/nsg-web`);
    expect((nsgStage!.properties as { securityRules: unknown[] }).securityRules).toHaveLength(4);
  });
});

describe("SQL server with a VNet rule for a subnet of the existing estate", () => {
  const params = { administratorLogin: "sqladmin", administratorLoginPassword: "Passw0rd-1234!" };
  const { result, estate } = deploy("sql-vnet-rule.json", params);
  const server = `sql-${uniqueStringOf(["sql", RG_ID])}`;

  it("deploys the server and its nested rule, and reads the existing subnet with reference()", () => {
    expect(result.resources.map((r) => r.id)).toEqual([
      `${RG_ID}/providers/Microsoft.Sql/servers/${server}`,
      `${RG_ID}/providers/Microsoft.Sql/servers/${server}/virtualNetworkRules/allow-snet-data`,
    ]);
    expect(result.outputs.allowedPrefix!.value).toBe("10.1.1.0/24");
    expect(result.outputs.subnetEndpoints!.value).toBe(2);
  });

  it("lets the VM in the allowed subnet reach the server", () => {
    expect(traceBetween(estate, "vm-data", `${server}.database.windows.net:1433`).verdict).toBe("Allow");
  });

  it("refuses the deployment without the administrator's parameters", () => {
    const e = failure("sql-vnet-rule.json");
    expect(e.message).toBe(
      "parameters.administratorLogin: The value for the template parameter 'administratorLogin' is not provided.",
    );
  });
});

describe("Key Vault with network ACLs built by property loops", () => {
  const { result, estate } = deploy("keyvault-acls.json");
  const vault = result.resources[0]!;

  it("fills the tenant, the ACLs and a guid() tag", () => {
    expect(vault.name).toBe(`kv-${uniqueStringOf([RG_ID]).slice(0, 10)}`);
    expect(vault.tags).toEqual({ deploymentId: armGuidOf([RG_ID, "keyvault-acls"]) });
    expect(vault.properties).toMatchObject({
      tenantId: DEFAULT_TENANT_ID,
      networkAcls: {
        defaultAction: "Deny",
        virtualNetworkRules: [
          { id: `${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-data` },
        ],
        ipRules: [{ value: "203.0.113.0/24" }],
      },
    });
  });

  it("lets the VM in the allowed subnet reach the vault", () => {
    expect(traceBetween(estate, "vm-data", `https://${vault.name}.vault.azure.net/`).verdict).toBe("Allow");
  });
});

describe("a copy loop of subnets", () => {
  it("makes one subnet, NIC and storage VNet rule per index", () => {
    const { result, estate } = deploy("subnet-copy.json", { subnetCount: 4 });
    const vnet = result.resources[0]!;
    expect((vnet.properties as { subnets: { name: string }[] }).subnets.map((s) => s.name)).toEqual([
      "snet-0",
      "snet-1",
      "snet-2",
      "snet-3",
    ]);
    const storage = result.resources[result.resources.length - 1]!;
    expect(result.resources.map((r) => r.name).slice(1, -1)).toEqual(["nic-0", "nic-1", "nic-2", "nic-3"]);
    expect(
      (storage.properties as { networkAcls: { virtualNetworkRules: unknown[] } }).networkAcls
        .virtualNetworkRules,
    ).toHaveLength(4);
    expect(result.outputs.nicIds!.value).toHaveLength(4);
    expect(traceBetween(estate, "nic-3", `https://${storage.name}.blob.core.windows.net/`).verdict).toBe(
      "Allow",
    );
  });

  it("refuses a count above the parameter's maxValue", () => {
    expect(failure("subnet-copy.json", { subnetCount: 9 }).message).toMatch(
      /^parameters\.subnetCount: .*less than or equal to '8'/,
    );
  });
});

describe("Bicep's compiled output (languageVersion 2.0, symbolic names)", () => {
  const { result, estate } = deploy("bicep-symbolic.json");
  const storage = `stb${uniqueStringOf([RG_ID, "bicep-symbolic"])}`;

  it("adds a subnet to the existing VNet without deploying the VNet, in symbolic dependency order", () => {
    expect(result.resources.map((r) => r.name)).toEqual(["snet-storage", "nic-storage", storage]);
    expect(result.resources[0]!.id).toBe(
      `${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-storage`,
    );
    expect(result.outputs).toMatchObject({
      vnetAddressSpace: { value: ["10.1.0.0/16"] },
      vnetLocation: { value: "uksouth" },
      subnetPrefix: { value: "10.1.3.0/24" },
    });
    const hub = estate.get(`${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet-hub`);
    expect((hub!.properties as { subnets: { name: string }[] }).subnets.map((s) => s.name)).toEqual([
      "snet-data",
      "snet-plain",
      "snet-storage",
    ]);
  });

  it("lets the new subnet reach the account and keeps the old one out", () => {
    const url = `https://${storage}.blob.core.windows.net/`;
    expect(traceBetween(estate, "nic-storage", url).verdict).toBe("Allow");
    expect(traceBetween(estate, "vm-data", url).verdict).toBe("Deny");
  });
});

describe("bad templates fail with the template path, and nothing is deployed", () => {
  it("a dependsOn cycle names the resources", () => {
    const e = failure("bad-cycle.json");
    expect(e.code).toBe("InvalidTemplate");
    expect(e.message).toMatch(
      /^resources\[1\]: Circular dependency detected on resources: 'rt-a' \(resources\[1\]\) → 'rt-b' \(resources\[2\]\) → 'rt-a'/,
    );
  });

  it("an unknown function names the path and the function", () => {
    const e = failure("bad-unknown-function.json");
    expect(e.message).toMatch(
      /^resources\[2\]\.properties\.subnets\[0\]\.name: The template function 'fancySubnetName' is not valid/,
    );
    expect(e.context.target).toBe("resources[2].properties.subnets[0].name");
  });

  it.each<[Record<string, Json>, RegExp]>([
    [{}, /^parameters\.ownerAlias: The value for the template parameter 'ownerAlias' is not provided\.$/],
    [
      { ownerAlias: "netops", ruleCount: "three" },
      /^parameters\.ruleCount: .*Expected a value of type 'Integer', but received a value of type 'String'/,
    ],
    [
      { ownerAlias: "netops", environment: "test" },
      /^parameters\.environment: .*not part of the allowed value\(s\): 'dev,prod'/,
    ],
  ])("parameters %j", (parameters, message) => {
    expect(failure("params-strict.json", parameters).message).toMatch(message);
  });
});
