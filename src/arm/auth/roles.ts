// Azure's built-in role definitions that matter for service endpoints, with their real ids, descriptions and
// Actions / NotActions, as Azure's built-in roles reference lists them (MicrosoftDocs/azure-docs
// articles/role-based-access-control/built-in-roles/{privileged,general,networking,storage,databases,security}.md).
// Data actions play no part in ARM's control-plane checks and are left out.

export interface Permission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface RoleDefinition {
  /** The role's GUID, the same in every tenant. */
  name: string;
  roleName: string;
  description: string;
  permissions: Permission[];
}

const role = (
  name: string,
  roleName: string,
  description: string,
  actions: string[],
  notActions: string[] = [],
): RoleDefinition => ({
  name,
  roleName,
  description,
  permissions: [{ actions, notActions, dataActions: [], notDataActions: [] }],
});

export const JOIN_VIA_SERVICE_ENDPOINT =
  "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action";

export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  role(
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Owner",
    "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
    ["*"],
  ),
  role(
    "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Contributor",
    "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
    ["*"],
    [
      "Microsoft.Authorization/*/Delete",
      "Microsoft.Authorization/*/Write",
      "Microsoft.Authorization/elevateAccess/Action",
      "Microsoft.Blueprint/blueprintAssignments/write",
      "Microsoft.Blueprint/blueprintAssignments/delete",
      "Microsoft.Compute/galleries/share/action",
      "Microsoft.Purview/consents/write",
      "Microsoft.Purview/consents/delete",
      "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
      "Microsoft.Subscription/cancel/action",
      "Microsoft.Subscription/enable/action",
    ],
  ),
  role(
    "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Reader",
    "View all resources, but does not allow you to make any changes.",
    ["*/read"],
  ),
  role(
    "4d97b98b-1d4f-4787-a291-c67834d212e7",
    "Network Contributor",
    "Lets you manage networks, but not access to them.",
    [
      "Microsoft.Authorization/*/read",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.Network/*",
      "Microsoft.ResourceHealth/availabilityStatuses/read",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Support/*",
    ],
  ),
  role(
    "17d1049b-9a84-46fb-8f53-869881c3d3ab",
    "Storage Account Contributor",
    "Lets you manage storage accounts, including accessing storage account keys which provide full access to storage account data.",
    [
      "Microsoft.Authorization/*/read",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.Insights/diagnosticSettings/*",
      JOIN_VIA_SERVICE_ENDPOINT,
      "Microsoft.ResourceHealth/availabilityStatuses/read",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Storage/storageAccounts/*",
      "Microsoft.Support/*",
    ],
  ),
  role(
    "6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437",
    "SQL Server Contributor",
    "Lets you manage SQL servers and databases, but not access to them, and not their security -related policies.",
    [
      "Microsoft.Authorization/*/read",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.ResourceHealth/availabilityStatuses/read",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Sql/locations/*/read",
      "Microsoft.Sql/servers/*",
      "Microsoft.Support/*",
      "Microsoft.Insights/metrics/read",
      "Microsoft.Insights/metricDefinitions/read",
    ],
    [
      "Microsoft.Sql/managedInstances/databases/currentSensitivityLabels/*",
      "Microsoft.Sql/managedInstances/databases/recommendedSensitivityLabels/*",
      "Microsoft.Sql/managedInstances/databases/schemas/tables/columns/sensitivityLabels/*",
      "Microsoft.Sql/managedInstances/databases/securityAlertPolicies/*",
      "Microsoft.Sql/managedInstances/databases/sensitivityLabels/*",
      "Microsoft.Sql/managedInstances/databases/vulnerabilityAssessments/*",
      "Microsoft.Sql/managedInstances/securityAlertPolicies/*",
      "Microsoft.Sql/managedInstances/vulnerabilityAssessments/*",
      "Microsoft.Sql/servers/auditingSettings/*",
      "Microsoft.Sql/servers/databases/auditingSettings/*",
      "Microsoft.Sql/servers/databases/auditRecords/read",
      "Microsoft.Sql/servers/databases/currentSensitivityLabels/*",
      "Microsoft.Sql/servers/databases/dataMaskingPolicies/*",
      "Microsoft.Sql/servers/databases/extendedAuditingSettings/*",
      "Microsoft.Sql/servers/databases/recommendedSensitivityLabels/*",
      "Microsoft.Sql/servers/databases/schemas/tables/columns/sensitivityLabels/*",
      "Microsoft.Sql/servers/databases/securityAlertPolicies/*",
      "Microsoft.Sql/servers/databases/securityMetrics/*",
      "Microsoft.Sql/servers/databases/sensitivityLabels/*",
      "Microsoft.Sql/servers/databases/vulnerabilityAssessments/*",
      "Microsoft.Sql/servers/databases/vulnerabilityAssessmentScans/*",
      "Microsoft.Sql/servers/databases/vulnerabilityAssessmentSettings/*",
      "Microsoft.Sql/servers/devOpsAuditingSettings/*",
      "Microsoft.Sql/servers/extendedAuditingSettings/*",
      "Microsoft.Sql/servers/securityAlertPolicies/*",
      "Microsoft.Sql/servers/vulnerabilityAssessments/*",
      "Microsoft.Sql/servers/azureADOnlyAuthentications/delete",
      "Microsoft.Sql/servers/azureADOnlyAuthentications/write",
      "Microsoft.Sql/servers/externalPolicyBasedAuthorizations/delete",
      "Microsoft.Sql/servers/externalPolicyBasedAuthorizations/write",
    ],
  ),
  role(
    "f25e0fa2-a7c8-4377-a976-54943a77a395",
    "Key Vault Contributor",
    "Lets you manage key vaults, but not access to them.",
    [
      "Microsoft.Authorization/*/read",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.KeyVault/*",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Support/*",
    ],
    [
      "Microsoft.KeyVault/locations/deletedVaults/purge/action",
      "Microsoft.KeyVault/hsmPools/*",
      "Microsoft.KeyVault/managedHsms/*",
    ],
  ),
  role(
    "5bd9cd88-fe45-4216-938b-f97437e15450",
    "DocumentDB Account Contributor",
    "Lets you manage DocumentDB accounts, but not access to them.",
    [
      "Microsoft.Authorization/*/read",
      "Microsoft.DocumentDb/databaseAccounts/*",
      "Microsoft.Insights/alertRules/*",
      "Microsoft.ResourceHealth/availabilityStatuses/read",
      "Microsoft.Resources/deployments/*",
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Support/*",
      JOIN_VIA_SERVICE_ENDPOINT,
    ],
  ),
];

/** A built-in role by its GUID or by any id ending in it (`/subscriptions/{s}/providers/…/roleDefinitions/{guid}`). */
export function builtInRole(idOrName: string): RoleDefinition | undefined {
  const guid = idOrName.split("/").pop()!.toLowerCase();
  return BUILT_IN_ROLES.find((r) => r.name === guid);
}
