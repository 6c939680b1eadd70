// Checks of other tools that flag the same exposure as VNL001/VNL012, per PaaS kind. Only ids confirmed in
// the tools' own sources are listed:
// - Azure Policy: Azure/azure-policy built-in-policies/policyDefinitions (Storage_NetworkAcls_Audit.json,
//   Cosmos_NetworkRulesExist_Audit.json, ACR_NetworkRulesExist_AuditDeny.json,
//   CognitiveServices_NetworkAcls_Audit.json, AzureKeyVaultFirewallEnabled_Audit.json).
// - PSRule for Azure: Azure/PSRule.Rules.Azure docs/en/rules/<name>.md.
// - Checkov: bridgecrewio/checkov checks (arm, bicep and terraform) by id.
import type { PaasKind } from "../../model/serviceCatalog.js";
import type { Equivalent } from "./types.js";

const policy = (id: string, name: string): Equivalent => ({ tool: "Azure Policy", id, name });
const psrule = (id: string): Equivalent => ({ tool: "PSRule for Azure", id });
const checkov = (id: string, name: string): Equivalent => ({ tool: "Checkov", id, name });

const EXPOSURE: Partial<Record<PaasKind, Equivalent[]>> = {
  storage: [
    policy("34c877ad-507e-4c82-993e-3452a6e0ad3c", "Storage accounts should restrict network access"),
    psrule("Azure.Storage.Firewall"),
    checkov("CKV_AZURE_35", "Ensure default network access rule for Storage Accounts is set to deny"),
  ],
  keyVault: [
    policy("55615ac9-af46-4a59-874e-391cc3dfb490", "Azure Key Vault should have firewall enabled"),
    psrule("Azure.KeyVault.Firewall"),
    checkov("CKV_AZURE_109", "Ensure that key vault allows firewall rules settings"),
  ],
  cosmosDb: [
    policy("862e97cf-49fc-4a5c-9de4-40d4e2e7c8eb", "Azure Cosmos DB accounts should have firewall rules"),
    checkov("CKV_AZURE_99", "Ensure Cosmos DB accounts have restricted access"),
  ],
  containerRegistry: [
    policy(
      "d0793b48-0edc-4296-a390-4c75d1bdfd71",
      "Container registries should not allow unrestricted network access",
    ),
    psrule("Azure.ACR.Firewall"),
  ],
  cognitiveServices: [
    policy(
      "037eea7a-bd0a-46c5-9a66-03aea78705d3",
      "Cognitive Services accounts should restrict network access",
    ),
  ],
  eventHub: [psrule("Azure.EventHub.Firewall")],
  sql: [checkov("CKV_AZURE_11", "Ensure no SQL Databases allow ingress from 0.0.0.0/0 (ANY IP)")],
};

/** The other tools' checks for a resource that accepts every network, when any is known. */
export function exposureEquivalents(kind: PaasKind): Equivalent[] | undefined {
  return EXPOSURE[kind];
}
