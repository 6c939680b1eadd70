// Location-scoped reads of Microsoft.Network: `/subscriptions/{s}/providers/Microsoft.Network/locations/{l}/...`
//   virtualNetworkAvailableEndpointServices  §1.3 [S25b]: the endpoint services a subnet may enable
//   availableServiceAliases                  §1.3 [S29]: the `/services/Azure/...` aliases of SEP definitions
//   serviceTags                              the service tag list in the REST shape (ServiceTagsList example)
// The first two are `{ value: [...] }` lists, which dispatch pages with nextLink; serviceTags is one object.
import { VnetlabError } from "../../../model/errors.js";
import bundledTags from "../../../model/data/serviceTags.json" with { type: "json" };
import { endpointServices, serviceEndpointPolicyAliases } from "../../../model/serviceCatalog.js";
import { formatPrefix } from "../../../net/index.js";
import type { LocationOperation, LocationRequest } from "../../registry.js";

/** The region the URL names, or ARM's refusal of an unknown one [INF: ARM's wording for location-scoped types]. */
function region(req: LocationRequest, operation: string): string {
  if (req.method !== "GET") {
    throw new VnetlabError(
      "HttpMethodNotAllowed",
      `The requested method '${req.method}' is not allowed on '${operation}'.`,
    );
  }
  if (req.rest.length > 0) {
    throw new VnetlabError(
      "InvalidResourceType",
      `The resource type 'locations/${operation}/${req.rest.join("/")}' could not be found in the namespace 'Microsoft.Network'.`,
    );
  }
  const name = req.estate.regions.normalize(req.location);
  if (!name) {
    throw new VnetlabError(
      "NoRegisteredProviderFound",
      `No registered resource provider found for location '${req.location}' and API version '${req.apiVersion}' for type 'locations/${operation}'.`,
    );
  }
  return name;
}

/**
 * Every endpoint service of the service catalog, as `az network vnet list-endpoint-services` shows them
 * [S25b]. The catalog holds no per-region availability (Microsoft.ContainerRegistry is a preview "in limited
 * regions" without a published list, §1.2), so every known region lists every service.
 */
export const availableEndpointServices: LocationOperation = (req) => {
  region(req, "virtualNetworkAvailableEndpointServices");
  const value = endpointServices().map((s) => ({
    name: s.name,
    id: `/subscriptions/${req.subscriptionId}/providers/Microsoft.Network/virtualNetworkEndpointServices/${s.name}`,
    type: "Microsoft.Network/virtualNetworkEndpointServices",
  }));
  return { status: 200, body: { value } };
};

/** `/services/Azure/Batch` → `servicesAzureBatch`, the naming of the REST example [S29]. */
function aliasName(alias: string): string {
  return alias.split("/").filter(Boolean).join("");
}

export const availableServiceAliases: LocationOperation = (req) => {
  region(req, "availableServiceAliases");
  const value = serviceEndpointPolicyAliases().map((alias) => ({
    name: aliasName(alias),
    id: `/subscriptions/${req.subscriptionId}/providers/Microsoft.Network/AvailableServiceAliases/${aliasName(alias)}`,
    type: "Microsoft.Network/AvailableServiceAliases",
    resourceName: alias,
  }));
  return { status: 200, body: { value } };
};

interface BundledTag {
  name: string;
  properties: { region?: string; systemService?: string };
}

/** What the parsed tags drop: each tag's `systemService` and its `region` text as Microsoft's file spells it. */
const bundledByName = new Map(
  (bundledTags.values as BundledTag[]).map((v) => [v.name.toLowerCase(), v.properties] as const),
);

/**
 * The service tags the server runs with (the bundled compact set, or the file it was started with), in the
 * REST list shape: `{name: "public", id, type, changeNumber, cloud, values: [{name, id, properties:
 * {changeNumber, region, systemService, addressPrefixes}}]}`. Change numbers are strings, as in the REST
 * example; the bundle has one change number, so every tag carries it. The list is cloud-wide: the location
 * only has to be a known region.
 */
export const serviceTags: LocationOperation = (req) => {
  region(req, "serviceTags");
  const changeNumber = String(bundledTags.changeNumber);
  const values = req.estate.serviceTags.all().map((t) => {
    const known = bundledByName.get(t.name.toLowerCase());
    return {
      name: t.name,
      id: t.name,
      properties: {
        changeNumber,
        region: known?.region ?? t.region ?? "",
        systemService: known?.systemService ?? "",
        addressPrefixes: t.prefixes.map(formatPrefix),
      },
    };
  });
  return {
    status: 200,
    body: {
      name: "public",
      id: `/subscriptions/${req.subscriptionId}/providers/Microsoft.Network/serviceTags/public`,
      type: "Microsoft.Network/serviceTags",
      changeNumber,
      cloud: bundledTags.cloud,
      values,
    },
  };
};
