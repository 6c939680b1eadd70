// Terraform ingest: `terraform show -json` output of a plan or a state → ARM resources, with warnings for
// what the plan leaves unknown. One mapping table per azurerm resource family.
import type { ArmResource } from "../../model/arm.js";
import { cosmosDbMappings } from "./cosmosDb.js";
import { computeMappings } from "./compute.js";
import { Ingest, type IngestOptions, type IngestWarning, type Mappings } from "./context.js";
import { readTerraformJson } from "./document.js";
import { gatewayMappings } from "./gateways.js";
import { keyVaultMappings } from "./keyVault.js";
import { messagingMappings } from "./messaging.js";
import { privateEndpointMappings } from "./privateEndpoints.js";
import { publicIpMappings } from "./publicIps.js";
import { routeTableMappings } from "./routeTables.js";
import { securityGroupMappings } from "./securityGroups.js";
import { serviceEndpointPolicyMappings } from "./serviceEndpointPolicies.js";
import { sqlMappings } from "./sql.js";
import { storageMappings } from "./storage.js";
import { virtualNetworkMappings } from "./virtualNetworks.js";

export { isTerraformJson } from "./document.js";
export type { IngestOptions, IngestWarning } from "./context.js";

export const terraformMappings: Mappings = {
  ...virtualNetworkMappings,
  ...securityGroupMappings,
  ...routeTableMappings,
  ...serviceEndpointPolicyMappings,
  ...computeMappings,
  ...publicIpMappings,
  ...gatewayMappings,
  ...privateEndpointMappings,
  ...storageMappings,
  ...sqlMappings,
  ...keyVaultMappings,
  ...cosmosDbMappings,
  ...messagingMappings,
};

export interface TerraformIngest {
  resources: ArmResource[];
  warnings: IngestWarning[];
}

/** ARM resources from `terraform show -json` output; throws InvalidTerraformJson on other input. */
export function ingestTerraform(
  content: unknown,
  options: IngestOptions & { file?: string } = {},
): TerraformIngest {
  const doc = readTerraformJson(content, options.file);
  return new Ingest(doc, terraformMappings, options).run();
}

/** One line per warning: `address: attribute: message`. */
export function formatWarning(w: IngestWarning): string {
  return [w.address, w.attribute, w.message].filter(Boolean).join(": ");
}
