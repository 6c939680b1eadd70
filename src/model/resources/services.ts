// PaaS resource shapes (properties) whose network rules decide reachability.
import type { ArmResource, SubResource } from "../arm.js";

export const ServiceTypes = {
  storageAccount: "Microsoft.Storage/storageAccounts",
  sqlServer: "Microsoft.Sql/servers",
  sqlFirewallRule: "Microsoft.Sql/servers/firewallRules",
  sqlVirtualNetworkRule: "Microsoft.Sql/servers/virtualNetworkRules",
  postgreSqlServer: "Microsoft.DBforPostgreSQL/servers",
  mySqlServer: "Microsoft.DBforMySQL/servers",
  mariaDbServer: "Microsoft.DBforMariaDB/servers",
  keyVault: "Microsoft.KeyVault/vaults",
  cosmosDbAccount: "Microsoft.DocumentDB/databaseAccounts",
  serviceBusNamespace: "Microsoft.ServiceBus/namespaces",
  eventHubNamespace: "Microsoft.EventHub/namespaces",
  webSite: "Microsoft.Web/sites",
  webSiteConfig: "Microsoft.Web/sites/config",
  cognitiveServicesAccount: "Microsoft.CognitiveServices/accounts",
  containerRegistry: "Microsoft.ContainerRegistry/registries",
  dataLakeStoreAccount: "Microsoft.DataLakeStore/accounts",
} as const;

export type PublicNetworkAccess = "Enabled" | "Disabled" | "SecuredByPerimeter";

// ---- Storage ----
export interface StorageNetworkAcls {
  defaultAction?: "Allow" | "Deny";
  /** "None" or a comma-separated list of AzureServices, Logging, Metrics. */
  bypass?: string;
  ipRules?: { value: string; action?: "Allow" }[];
  virtualNetworkRules?: {
    id: string;
    action?: "Allow";
    state?: "Provisioning" | "Deprovisioning" | "Succeeded" | "Failed" | "NetworkSourceDeleted";
  }[];
  resourceAccessRules?: { tenantId: string; resourceId: string }[];
}

export interface StorageAccountProperties {
  publicNetworkAccess?: PublicNetworkAccess;
  networkAcls?: StorageNetworkAcls;
  primaryLocation?: string;
  secondaryLocation?: string;
  isHnsEnabled?: boolean;
  primaryEndpoints?: Record<string, string>;
  supportsHttpsTrafficOnly?: boolean;
}

// ---- SQL and the single servers that ride on the Microsoft.Sql endpoint ----
export interface SqlFirewallRuleProperties {
  startIpAddress: string;
  endIpAddress: string;
}

export interface SqlVirtualNetworkRuleProperties {
  virtualNetworkSubnetId: string;
  ignoreMissingVnetServiceEndpoint?: boolean;
  state?: "Initializing" | "InProgress" | "Ready" | "Failed" | "Deleting" | "Unknown";
}

export interface SqlServerProperties {
  publicNetworkAccess?: "Enabled" | "Disabled";
  fullyQualifiedDomainName?: string;
  /** Child rules may come inline (vnetlab accepts both forms, as ARM templates do). */
  firewallRules?: ArmResource<SqlFirewallRuleProperties>[];
  virtualNetworkRules?: ArmResource<SqlVirtualNetworkRuleProperties>[];
}

// ---- Key Vault ----
export interface KeyVaultProperties {
  tenantId?: string;
  publicNetworkAccess?: "Enabled" | "Disabled";
  networkAcls?: {
    bypass?: "AzureServices" | "None";
    defaultAction?: "Allow" | "Deny";
    ipRules?: { value: string }[];
    virtualNetworkRules?: { id: string; ignoreMissingVnetServiceEndpoint?: boolean }[];
  };
  vaultUri?: string;
}

// ---- Cosmos DB ----
export interface CosmosDbAccountProperties {
  publicNetworkAccess?: PublicNetworkAccess;
  isVirtualNetworkFilterEnabled?: boolean;
  virtualNetworkRules?: { id: string; ignoreMissingVNetServiceEndpoint?: boolean }[];
  ipRules?: { ipAddressOrRange: string }[];
  documentEndpoint?: string;
}

// ---- Service Bus / Event Hubs: namespaces/networkRuleSets/default ----
export interface NetworkRuleSetProperties {
  publicNetworkAccess?: PublicNetworkAccess;
  defaultAction?: "Allow" | "Deny";
  virtualNetworkRules?: { subnet: SubResource; ignoreMissingVnetServiceEndpoint?: boolean }[];
  ipRules?: { ipMask: string; action?: "Allow" }[];
  trustedServiceAccessEnabled?: boolean;
}

export interface MessagingNamespaceProperties {
  publicNetworkAccess?: PublicNetworkAccess;
  serviceBusEndpoint?: string;
  /** The `default` networkRuleSets child, inline (vnetlab accepts both forms). */
  networkRuleSets?: ArmResource<NetworkRuleSetProperties>[];
}

// ---- App Service ----
export interface IpSecurityRestriction {
  name?: string;
  priority?: number;
  action?: "Allow" | "Deny";
  ipAddress?: string;
  tag?: "Default" | "XffProxy" | "ServiceTag";
  vnetSubnetResourceId?: string;
  headers?: Record<string, string[]>;
  description?: string;
}

export interface SiteConfig {
  ipSecurityRestrictions?: IpSecurityRestriction[];
  scmIpSecurityRestrictions?: IpSecurityRestriction[];
  ipSecurityRestrictionsDefaultAction?: "Allow" | "Deny";
  scmIpSecurityRestrictionsDefaultAction?: "Allow" | "Deny";
  scmIpSecurityRestrictionsUseMain?: boolean;
  publicNetworkAccess?: string;
}

export interface WebSiteProperties {
  publicNetworkAccess?: string | null;
  siteConfig?: SiteConfig;
  defaultHostName?: string;
  hostNames?: string[];
}

// ---- Cognitive Services ----
export interface CognitiveServicesAccountProperties {
  publicNetworkAccess?: "Enabled" | "Disabled";
  customSubDomainName?: string;
  endpoint?: string;
  networkAcls?: {
    defaultAction?: "Allow" | "Deny";
    ipRules?: { value: string }[];
    virtualNetworkRules?: { id: string; state?: string; ignoreMissingVnetServiceEndpoint?: boolean }[];
    bypass?: "AzureServices" | "None";
  };
}

// ---- Container Registry ----
export interface ContainerRegistryProperties {
  publicNetworkAccess?: "Enabled" | "Disabled";
  loginServer?: string;
  networkRuleBypassOptions?: "AzureServices" | "None";
  networkRuleSet?: {
    defaultAction?: "Allow" | "Deny";
    ipRules?: { value: string; action?: "Allow" }[];
    virtualNetworkRules?: { id: string; action?: "Allow" }[];
  };
}

// ---- Data Lake Store Gen1 ----
export interface DataLakeStoreAccountProperties {
  firewallState?: "Enabled" | "Disabled";
  firewallAllowAzureIps?: "Enabled" | "Disabled";
  firewallRules?: ArmResource<{ startIpAddress: string; endIpAddress: string }>[];
  virtualNetworkRules?: ArmResource<{ subnetId: string }>[];
  endpoint?: string;
}
