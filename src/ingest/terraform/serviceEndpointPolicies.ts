// azurerm_subnet_service_endpoint_storage_policy: a service endpoint policy with its definitions.
import {
  NetworkTypes as N,
  type ServiceEndpointPolicyDefinitionProperties,
  type ServiceEndpointPolicyProperties,
} from "../../model/resources/network.js";
import { children } from "./common.js";
import type { Mappings } from "./context.js";

/** What a definition's service_resources may name: accounts, resource groups (subscriptions are known). */
const SCOPES = ["azurerm_storage_account", "azurerm_resource_group"];

export const serviceEndpointPolicyMappings: Mappings = {
  azurerm_subnet_service_endpoint_storage_policy: {
    id: (r) => r.armId(N.serviceEndpointPolicy, "name"),
    map(r) {
      const serviceEndpointPolicyDefinitions = children(
        r.blocks("definition"),
        (d): ServiceEndpointPolicyDefinitionProperties => ({
          // `service` defaults to Microsoft.Storage (registry docs: subnet_service_endpoint_storage_policy).
          service: d.str("service") ?? "Microsoft.Storage",
          description: d.str("description"),
          serviceResources: d.refs("service_resources", SCOPES),
        }),
      );
      r.ingest.emit(
        r.arm<ServiceEndpointPolicyProperties>(N.serviceEndpointPolicy, { serviceEndpointPolicyDefinitions }),
      );
    },
  },
};
