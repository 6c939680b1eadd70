// Service endpoint policies (§5) through the real @azure/arm-network client: definitions, scopes and aliases,
// limits, the subnet rules of §5 S6 (storage endpoint present, same region), the `subnets` back-reference and
// the refused delete. Every refused request leaves the store as it was.
import type { ServiceEndpointPolicyDefinition } from "@azure/arm-network";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUBSCRIPTION } from "./harness.js";
import { netId, type NetworkTest, networkTest, rejects, RG, RG_ID, subnetId } from "./networkFixture.js";

let t: NetworkTest;
beforeAll(async () => {
  t = await networkTest();
});
afterAll(async () => t.close());

const STG = `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stgallowed`;
const definition = (
  extra: Partial<ServiceEndpointPolicyDefinition> = {},
): ServiceEndpointPolicyDefinition => ({
  name: "allow-one",
  service: "Microsoft.Storage",
  serviceResources: [STG],
  ...extra,
});
const policy =
  (name: string, definitions: ServiceEndpointPolicyDefinition[], location = "eastus") =>
  () =>
    t.net.serviceEndpointPolicies.beginCreateOrUpdateAndWait(RG, name, {
      location,
      serviceEndpointPolicyDefinitions: definitions,
    });

describe("service endpoint policies", () => {
  it("take storage scopes and Global aliases, and serve definitions on their own", async () => {
    const sep = await policy("sep1", [
      definition({ serviceResources: [`/subscriptions/${SUBSCRIPTION}`, RG_ID, STG] }),
      definition({ name: "managed", service: "Global", serviceResources: ["/services/Azure/Batch"] }),
    ])();
    expect(sep).toMatchObject({ provisioningState: "Succeeded", location: "eastus" });
    expect(sep.serviceEndpointPolicyDefinitions?.map((d) => d.id)).toEqual([
      `${sep.id}/serviceEndpointPolicyDefinitions/allow-one`,
      `${sep.id}/serviceEndpointPolicyDefinitions/managed`,
    ]);
    const d = await t.net.serviceEndpointPolicyDefinitions.beginCreateOrUpdateAndWait(
      RG,
      "sep1",
      "extra",
      definition({ name: "extra", description: "one more" }),
    );
    expect(d).toMatchObject({
      service: "Microsoft.Storage",
      serviceResources: [STG],
      provisioningState: "Succeeded",
    });
    expect((await t.net.serviceEndpointPolicyDefinitions.get(RG, "sep1", "extra")).description).toBe(
      "one more",
    );
  });

  it("refuse unknown services, bad scopes and aliases, long descriptions and more than 200 resources", async () => {
    await rejects(
      t.h,
      policy("bad", [definition({ service: "Microsoft.Sql" })]),
      "InvalidServiceNameOnServiceEndpointPolicyDefinition",
    );
    await rejects(
      t.h,
      policy("bad", [definition({ serviceResources: [`${RG_ID}/providers/Microsoft.Sql/servers/sql1`] })]),
      "InvalidServiceResourceOnServiceEndpointPolicyDefinition",
    );
    await rejects(
      t.h,
      policy("bad", [definition({ service: "Global", serviceResources: ["/services/Azure/Nope"] })]),
      "InvalidServiceResourceOnServiceEndpointPolicyDefinition",
    );
    await rejects(
      t.h,
      policy("bad", [definition({ description: "x".repeat(141) })]),
      "ServiceEndpointPolicyDefinitionDescriptionTooLong",
    );
    const many = Array.from(
      { length: 201 },
      (_, i) => `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stg${i}`,
    );
    await rejects(
      t.h,
      policy("bad", [definition({ serviceResources: many })]),
      "ServiceResourcesLimitReachedOnServiceEndpointPolicyDefinition",
    );
  });

  it("refuse attaching to a subnet without the storage endpoint; accept Storage, Storage.Global, or an empty policy", async () => {
    const sepId = netId("serviceEndpointPolicies", "sep1");
    await rejects(
      t.h,
      () =>
        t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "app", {
          addressPrefix: "10.0.1.0/24",
          serviceEndpointPolicies: [{ id: sepId }],
        }),
      "SubnetMissingStorageServiceEndpointForServiceEndpointPolicy",
    );
    await rejects(
      t.h,
      () =>
        t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "app", {
          addressPrefix: "10.0.1.0/24",
          serviceEndpoints: [{ service: "Microsoft.Sql" }],
          serviceEndpointPolicies: [{ id: sepId }],
        }),
      "SubnetMissingStorageServiceEndpointForServiceEndpointPolicy",
    );
    const data = await t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "data", {
      addressPrefix: "10.0.2.0/24",
      serviceEndpoints: [{ service: "Microsoft.Storage" }],
      serviceEndpointPolicies: [{ id: sepId }],
    });
    expect(data.serviceEndpointPolicies?.map((p) => p.id)).toEqual([sepId]);
    await t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "pe", {
      addressPrefix: "10.0.3.0/24",
      serviceEndpoints: [{ service: "Microsoft.Storage.Global" }],
      serviceEndpointPolicies: [{ id: sepId }],
    });
    const empty = await policy("sep-empty", [])();
    await t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "tiny", {
      addressPrefix: "10.0.9.0/29",
      serviceEndpointPolicies: [{ id: empty.id! }],
    });
  });

  it("refuse a policy in another region than the VNet, and one that does not exist", async () => {
    const west = await policy("sep-west", [definition()], "westus")();
    const attach = (id: string) => () =>
      t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "data", {
        addressPrefix: "10.0.2.0/24",
        serviceEndpoints: [{ service: "Microsoft.Storage" }],
        serviceEndpointPolicies: [{ id }],
      });
    await rejects(t.h, attach(west.id!), "InvalidResourceReference");
    await rejects(t.h, attach(netId("serviceEndpointPolicies", "nope")), "InvalidResourceReference");
  });

  it("report subnets, refuse gaining definitions while on a subnet without the endpoint, and refuse deleting in use", async () => {
    const sep = await t.net.serviceEndpointPolicies.get(RG, "sep1");
    expect(sep.subnets?.map((s) => s.id).sort()).toEqual([
      subnetId("vnet1", "data"),
      subnetId("vnet1", "pe"),
    ]);
    await rejects(
      t.h,
      policy("sep-empty", [definition()]),
      "SubnetMissingStorageServiceEndpointForServiceEndpointPolicy",
    );
    await rejects(
      t.h,
      () => t.net.serviceEndpointPolicies.beginDeleteAndWait(RG, "sep1"),
      "ServiceEndpointPolicyCannotBeDeletedIfReferencedBySubnet",
    );
    await t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "pe", { addressPrefix: "10.0.3.0/24" });
    await t.net.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "data", {
      addressPrefix: "10.0.2.0/24",
      serviceEndpoints: [{ service: "Microsoft.Storage" }],
    });
    await t.net.serviceEndpointPolicies.beginDeleteAndWait(RG, "sep1");
  });
});

describe("subscription limits", () => {
  it("refuse a 501st service endpoint policy in a subscription", async () => {
    const existing = (await t.h.store.list()).filter(
      (s) => s.resource.type === "Microsoft.Network/serviceEndpointPolicies",
    ).length;
    const seeds = Array.from({ length: 500 - existing }, (_, i) => ({
      kind: "put" as const,
      etag: `W/"seed-${i}"`,
      resource: {
        id: netId("serviceEndpointPolicies", `seed${i}`),
        name: `seed${i}`,
        type: "Microsoft.Network/serviceEndpointPolicies",
        location: "northeurope",
        properties: {},
      },
    }));
    await t.h.store.apply(seeds);
    await rejects(t.h, policy("one-too-many", [], "westeurope"), "ServiceEndpointPolicyCountLimitReached");
  });
});
