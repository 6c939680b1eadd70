// Service endpoints and endpoint policies: endpoints no rule uses (VNL003), policies that list only aliases
// (VNL006), and subnets with both storage endpoints (VNL007, checked on the resources as written because
// compileEstate refuses such a subnet as ARM does).
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { idKey } from "../../model/resourceId.js";
import {
  NetworkTypes as N,
  type ServiceEndpointPolicyDefinitionProperties,
  type ServiceEndpointPolicyProperties,
} from "../../model/resources/network.js";
import { resourcesListing } from "./networkRules.js";
import { liveEndpoints, subnetLabel, subnetsOf } from "./subnets.js";
import type { Draft, EstateRule, ResourceRule } from "./types.js";

export const unusedEndpointRule: EstateRule = {
  id: "VNL003",
  name: "unused-service-endpoint",
  severity: "note",
  title: "Service endpoints that no virtual network rule in the estate uses",
  help: "A service endpoint matters to a service's firewall only through virtual network rules naming the subnet. An endpoint that no rule uses still moves the subnet's traffic to that service onto private source addresses, so IP rules that admitted the subnet's public address stop matching. Rules of resources outside the estate may use it.",
  // semantics §1 and §7 [S1]: the endpoint switches the source to the private address; §4 VNet rules [S8]
  source: "semantics §1.1 [S1]; §4 (universal) [S1][S8]; §7 [S1][S16]",
  check(estate: Estate): Draft[] {
    return subnetsOf(estate).flatMap((subnet) => {
      const kinds = new Set(resourcesListing(estate, subnet.id).map((p) => p.rules.kind));
      const hasPolicy = (subnet.properties?.serviceEndpointPolicies?.length ?? 0) > 0;
      return (
        liveEndpoints(estate, subnet)
          .filter(({ info }) => !info.kinds.some((k) => kinds.has(k)))
          // [S2] S6: a service endpoint policy needs the Microsoft.Storage endpoint on the subnet
          .filter(({ info }) => !(hasPolicy && info.kinds.includes("storage")))
          .map(({ info }) => ({
            resourceId: subnet.id,
            message: `${subnetLabel(subnet.id)} has the ${info.name} service endpoint, but no resource in the estate has a virtual network rule for the subnet.`,
            explanation:
              "Only virtual network rules make use of the subnet identity an endpoint carries. Unused, the endpoint still switches the subnet's traffic to the service to private source addresses, so IP rules that admitted the subnet's public address no longer match.",
            fix: `Add a virtual network rule for the subnet on the resources it should reach, or remove the ${info.name} endpoint if nothing outside this estate relies on it.`,
          }))
      );
    });
  },
};

function definitionsOf(policy: ArmResource<ServiceEndpointPolicyProperties>) {
  return (policy.properties?.serviceEndpointPolicyDefinitions ??
    []) as ArmResource<ServiceEndpointPolicyDefinitionProperties>[];
}

export const aliasOnlyPolicyRule: EstateRule = {
  id: "VNL006",
  name: "endpoint-policy-aliases-only",
  severity: "warning",
  title: "Service endpoint policies that list only service aliases",
  help: "A service endpoint policy whose definitions list only aliases (/services/Azure/...) is not effective unless at least one specific storage account, resource group or subscription is also listed: subnets that carry it can reach every storage account over their endpoint.",
  // semantics §5 S4 [S2]
  source: "semantics §5 S4 [S2]",
  check(estate: Estate): Draft[] {
    return estate.ofType<ServiceEndpointPolicyProperties>(N.serviceEndpointPolicy).flatMap((policy) => {
      const defs = definitionsOf(policy);
      const listed = (storage: boolean) =>
        defs.filter(
          (d) =>
            ((d.properties?.service ?? "").toLowerCase() === "microsoft.storage") === storage &&
            (d.properties?.serviceResources?.length ?? 0) > 0,
        );
      if (listed(true).length > 0 || listed(false).length === 0) return [];
      const aliases = listed(false).flatMap((d) => d.properties?.serviceResources ?? []);
      const attached = subnetsOf(estate).filter((s) =>
        (s.properties?.serviceEndpointPolicies ?? []).some((p) => idKey(p.id) === idKey(policy.id)),
      );
      return [
        {
          resourceId: policy.id,
          message: `service endpoint policy ${policy.name} lists only aliases (${aliases.join(", ")}) and no storage account, so it filters nothing${attached.length > 0 ? ` on ${attached.map((s) => subnetLabel(s.id)).join(", ")}` : ""}.`,
          explanation:
            "Azure enforces an endpoint policy's aliases only together with at least one specific storage account (or its resource group or subscription) in a Microsoft.Storage definition; with aliases alone the subnets reach every storage account over their endpoint.",
          fix: "Add a Microsoft.Storage definition listing the storage accounts (or resource groups or subscriptions) the subnets may use.",
          ...(attached.length > 0 ? { related: attached.map((s) => s.id) } : {}),
        },
      ];
    });
  },
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Subnets as written: inline in a VNet (id made as compileEstate does) or as their own resources. */
function* rawSubnets(resources: readonly unknown[]): IterableIterator<{ id: string; properties: unknown }> {
  for (const r of resources) {
    if (!isRecord(r) || typeof r.id !== "string" || typeof r.type !== "string") continue;
    const type = r.type.toLowerCase();
    const props = isRecord(r.properties) ? r.properties : {};
    if (type === N.subnet.toLowerCase()) yield { id: r.id, properties: props };
    if (type !== N.virtualNetwork.toLowerCase() || !Array.isArray(props.subnets)) continue;
    for (const s of props.subnets) {
      if (!isRecord(s) || typeof s.name !== "string") continue;
      yield { id: typeof s.id === "string" ? s.id : `${r.id}/subnets/${s.name}`, properties: s.properties };
    }
  }
}

export const bothStorageEndpointsRule: ResourceRule = {
  id: "VNL007",
  name: "storage-regional-and-global-endpoints",
  severity: "error",
  title: "Subnets with both Microsoft.Storage and Microsoft.Storage.Global",
  help: "A subnet may carry Microsoft.Storage or Microsoft.Storage.Global, not both: ARM refuses the subnet (SubnetHasBothRegionalAndGlobalStorageServiceEndpointsTogether), so the template or change cannot be deployed.",
  // semantics §1.2 R1 [S11][S8]
  source: "semantics §1.2 R1 [S11][S8]",
  checkResources(resources: readonly unknown[]): Draft[] {
    const out: Draft[] = [];
    for (const s of rawSubnets(resources)) {
      const endpoints = isRecord(s.properties) ? s.properties.serviceEndpoints : undefined;
      const services = new Set(
        (Array.isArray(endpoints) ? endpoints : []).map((e) =>
          isRecord(e) && typeof e.service === "string" ? e.service.toLowerCase() : "",
        ),
      );
      if (!services.has("microsoft.storage") || !services.has("microsoft.storage.global")) continue;
      out.push({
        resourceId: s.id,
        message: `${subnetLabel(s.id)} has both Microsoft.Storage and Microsoft.Storage.Global service endpoints; ARM refuses the subnet.`,
        explanation:
          "Azure allows one storage endpoint per subnet: ARM answers SubnetHasBothRegionalAndGlobalStorageServiceEndpointsTogether and the deployment fails.",
        fix: "Keep one: Microsoft.Storage.Global if the subnet must reach storage accounts outside its region and the paired region, else Microsoft.Storage.",
      });
    }
    return out;
  },
};
