// One registry of error codes: every error vnetlab raises is a VnetlabError whose code is listed here, with
// its HTTP status and where the code comes from. ARM codes are Azure's own; `vnetlab` marks our own input errors.

export const errorCatalog = {
  // Input files and command lines (vnetlab's own).
  InvalidJson: { status: 400, source: "vnetlab" },
  InvalidEstate: { status: 400, source: "vnetlab" },
  // A file that is not `terraform show -json` output of a plan or a state (format 1.x).
  InvalidTerraformJson: { status: 400, source: "vnetlab" },
  InvalidServiceTags: { status: 400, source: "vnetlab" },
  UnknownSource: { status: 400, source: "vnetlab" },
  UnknownDestination: { status: 400, source: "vnetlab" },
  AmbiguousName: { status: 400, source: "vnetlab" },
  InvalidIntent: { status: 400, source: "vnetlab" },
  InvalidMatrixOption: { status: 400, source: "vnetlab" },
  InvalidDeployOption: { status: 400, source: "vnetlab" },
  // The web UI and `vnetlab diagram`: a bad view option (format, grouping), a layout elkjs gave up on, and a
  // browser bundle esbuild could not build.
  InvalidViewOption: { status: 400, source: "vnetlab" },
  DiagramLayoutFailed: { status: 500, source: "vnetlab" },
  WebAppUnavailable: { status: 500, source: "vnetlab" },
  // The data plane (`serve --dataplane`): a bad option, or Azurite / a proxy port that would not start.
  InvalidDataplaneOption: { status: 400, source: "vnetlab" },
  DataplaneStartFailed: { status: 503, source: "vnetlab" },
  // ARM (Microsoft.Network and the resource providers); see semantics.md for each code's source.
  InvalidResourceReference: { status: 400, source: "ARM Microsoft.Network" },
  InvalidAddressPrefixFormat: { status: 400, source: "ARM Microsoft.Network" },
  InvalidRequestFormat: { status: 400, source: "ARM Microsoft.Network" },
  // §1.2 R1 [S11][S8]: a subnet may carry Microsoft.Storage or Microsoft.Storage.Global, not both.
  SubnetHasBothRegionalAndGlobalStorageServiceEndpointsTogether: {
    status: 400,
    source: "ARM Microsoft.Network",
  },
  LinkedInvalidPropertyId: { status: 400, source: "ARM" },
  InvalidResourceId: { status: 400, source: "ARM" },
  ResourceNotFound: { status: 404, source: "ARM" },
  // ARM front door (Azure Resource Manager's own request checks).
  MissingApiVersionParameter: { status: 400, source: "ARM" },
  InvalidApiVersionParameter: { status: 400, source: "ARM" },
  NoRegisteredProviderFound: { status: 400, source: "ARM" },
  InvalidResourceType: { status: 404, source: "ARM" },
  InvalidRequestContent: { status: 400, source: "ARM" },
  RequestEntityTooLarge: { status: 413, source: "ARM" },
  HttpMethodNotAllowed: { status: 405, source: "ARM" },
  ResourceGroupNotFound: { status: 404, source: "ARM" },
  SubscriptionNotFound: { status: 404, source: "ARM" },
  PreconditionFailed: { status: 412, source: "ARM" },
  MissingSubscription: { status: 400, source: "ARM" },
  LocationRequired: { status: 400, source: "ARM" },
  InvalidResourceName: { status: 400, source: "ARM" },
  InvalidResourceLocation: { status: 400, source: "ARM" },
  AnotherOperationInProgress: { status: 409, source: "ARM Microsoft.Network" },
  ParentResourceNotFound: { status: 404, source: "ARM" },
  // ARM template deployments: template validation and evaluation errors, and a deployment stopped by a refusal.
  InvalidTemplate: { status: 400, source: "ARM" },
  DeploymentFailed: { status: 400, source: "ARM" },
  // Microsoft.Network validation codes.
  InvalidCIDRNotation: { status: 400, source: "ARM Microsoft.Network" },
  VnetAddressSpacesOverlap: { status: 400, source: "ARM Microsoft.Network" },
  NetcfgSubnetRangeOutsideVnet: { status: 400, source: "ARM Microsoft.Network" },
  NetcfgSubnetRangesOverlap: { status: 400, source: "ARM Microsoft.Network" },
  InUseSubnetCannotBeDeleted: { status: 400, source: "ARM Microsoft.Network" },
  InvalidServiceNameOnServiceEndpoint: { status: 400, source: "ARM Microsoft.Network [INF]" },
  // -- Microsoft.Network resources (NICs, NSGs, route tables, policies, private endpoints, DNS, gateways) --
  // Observed in real ARM error bodies quoted in public issues and code (see src/arm/providers/network/*):
  InUseNetworkSecurityGroupCannotBeDeleted: { status: 400, source: "ARM Microsoft.Network" },
  InUseRouteTableCannotBeDeleted: { status: 400, source: "ARM Microsoft.Network" },
  InUseNatGatewayCannotBeDeleted: { status: 400, source: "ARM Microsoft.Network" },
  ServiceEndpointPolicyCannotBeDeletedIfReferencedBySubnet: { status: 400, source: "ARM Microsoft.Network" },
  PublicIPAddressCannotBeDeleted: { status: 400, source: "ARM Microsoft.Network" },
  PublicIPAddressInUse: { status: 400, source: "ARM Microsoft.Network" },
  StandardSkuPublicIPAddressesCannotHaveDynamicAllocation: { status: 400, source: "ARM Microsoft.Network" },
  NicInUse: { status: 400, source: "ARM Microsoft.Network" },
  // A private endpoint's network interface is the endpoint's own [OBS azure-sdk-for-python#18911].
  CannotModifyNicAttachedToPrivateEndpoint: { status: 400, source: "ARM Microsoft.Network [OBS]" },
  PrivateIPAddressNotInSubnet: { status: 400, source: "ARM Microsoft.Network" },
  PrivateIPAddressInReservedRange: { status: 400, source: "ARM Microsoft.Network" },
  PrivateIPAddressInUse: { status: 400, source: "ARM Microsoft.Network" },
  SubnetIsFull: { status: 400, source: "ARM Microsoft.Network" },
  SecurityRuleInvalidPriority: { status: 400, source: "ARM Microsoft.Network" },
  SecurityRuleConflict: { status: 400, source: "ARM Microsoft.Network" },
  SecurityRuleInvalidPortRange: { status: 400, source: "ARM Microsoft.Network" },
  SecurityRuleInvalidAddressPrefix: { status: 400, source: "ARM Microsoft.Network" },
  SecurityRuleParameterContainsUnsupportedValue: { status: 400, source: "ARM Microsoft.Network" },
  OnlyOneGroupIdPermitted: { status: 400, source: "ARM Microsoft.Network" },
  GatewaySubnet: { status: 400, source: "ARM Microsoft.Network" },
  // Not confirmed anywhere public: named after NRP's conventions (each use carries an [INF] comment).
  NetworkSecurityGroupSecurityRuleLimitReached: { status: 400, source: "ARM Microsoft.Network [INF]" },
  SecurityRuleAddressesLimitReached: { status: 400, source: "ARM Microsoft.Network [INF]" },
  ApplicationSecurityGroupsLimitReached: { status: 400, source: "ARM Microsoft.Network [INF]" },
  InUseApplicationSecurityGroupCannotBeDeleted: { status: 400, source: "ARM Microsoft.Network [INF]" },
  RouteTableRouteLimitReached: { status: 400, source: "ARM Microsoft.Network [INF]" },
  RouteTableServiceTagRouteLimitReached: { status: 400, source: "ARM Microsoft.Network [INF]" },
  InvalidNextHopIpAddress: { status: 400, source: "ARM Microsoft.Network [INF]" },
  InvalidServiceNameOnServiceEndpointPolicyDefinition: { status: 400, source: "ARM Microsoft.Network [INF]" },
  InvalidServiceResourceOnServiceEndpointPolicyDefinition: {
    status: 400,
    source: "ARM Microsoft.Network [INF]",
  },
  ServiceEndpointPolicyDefinitionDescriptionTooLong: { status: 400, source: "ARM Microsoft.Network [INF]" },
  ServiceResourcesLimitReachedOnServiceEndpointPolicyDefinition: {
    status: 400,
    source: "ARM Microsoft.Network [INF]",
  },
  ServiceEndpointPoliciesPerSubnetLimitReached: { status: 400, source: "ARM Microsoft.Network [INF]" },
  SubnetMissingStorageServiceEndpointForServiceEndpointPolicy: {
    status: 400,
    source: "ARM Microsoft.Network [INF]",
  },
  InvalidPrivateLinkServiceConnectionGroupId: { status: 400, source: "ARM Microsoft.Network [INF]" },
  InUseVirtualNetworkCannotBeDeleted: { status: 400, source: "ARM Microsoft.Network [INF]" },
  InUseVirtualNetworkGatewayCannotBeDeleted: { status: 400, source: "ARM Microsoft.Network [INF]" },
  InUseLocalNetworkGatewayCannotBeDeleted: { status: 400, source: "ARM Microsoft.Network [INF]" },
  // <Type>CountLimitReached: the pattern of the observed VnetCountLimitReached / PublicIPCountLimitReached [INF].
  NetworkWatcherCountLimitReached: { status: 400, source: "ARM Microsoft.Network [INF]" },
  NetworkSecurityGroupCountLimitReached: { status: 400, source: "ARM Microsoft.Network [INF]" },
  RouteTableCountLimitReached: { status: 400, source: "ARM Microsoft.Network [INF]" },
  ServiceEndpointPolicyCountLimitReached: { status: 400, source: "ARM Microsoft.Network [INF]" },
  // -- PaaS providers (Storage, Sql, DBfor*, KeyVault, DocumentDB, ServiceBus, EventHub, Web, CognitiveServices, ContainerRegistry) --
  // Storage: VNet-rule validation wraps the Network RP's code in its message ("...: SubnetsHaveNoServiceEndpoints
  // Configured:Subnets ..."), §4.1 R4 [S10][OBS azure-cli #32434, azure-docs #113515 / #104109].
  NetworkAclsValidationFailure: { status: 400, source: "ARM Microsoft.Storage" },
  // Storage: bad IP rules (private, /31, /32, malformed) and too many rules [OBS azure-cli #7417 #13828, azure-docs #60412].
  InvalidValuesForRequestParameters: { status: 400, source: "ARM Microsoft.Storage [OBS]" },
  AccountNameInvalid: { status: 400, source: "ARM Microsoft.Storage [OBS]" },
  // SQL: the error lists of the REST specs (Microsoft.Sql 2021-11-01 VirtualNetworkRules.json, FirewallRules.json).
  VirtualNetworkRuleBadRequest: { status: 400, source: "ARM Microsoft.Sql (REST specs)" },
  VirtualNetworkRuleResourceNotFound: { status: 404, source: "ARM Microsoft.Sql (REST specs)" },
  NullVirtualNetworkSubnetId: { status: 400, source: "ARM Microsoft.Sql (REST specs)" },
  FirewallChangesDeniedBecausePublicEndpointDisabled: {
    status: 400,
    source: "ARM Microsoft.Sql (REST specs)",
  },
  DenyPublicEndpointEnabled: { status: 400, source: "ARM Microsoft.Sql (REST specs)" },
  FirewallRuleNotIPv4Address: { status: 400, source: "ARM Microsoft.Sql (REST specs)" },
  FirewallRuleInvalidRange: { status: 400, source: "ARM Microsoft.Sql (REST specs)" },
  TooManyFirewallRules: { status: 400, source: "ARM Microsoft.Sql (REST specs)" },
  // Single servers: VNet rules on the Basic tier [OBS 18F/piipan#11 for PostgreSQL; the status is INF].
  FeatureNotSupportedForEdition: { status: 400, source: "ARM Microsoft.DBforPostgreSQL [OBS]" },
  // Key Vault: the Network RP's refusal wrapped [OBS terraform/PowerShell logs]; private IP rules are BadRequest [OBS].
  VirtualNetworkNotValid: { status: 400, source: "ARM Microsoft.KeyVault [OBS]" },
  // Key Vault IP rules [OBS]; Service Bus / Event Hubs, Cognitive Services, ACR and App Service rule errors [INF].
  BadRequest: { status: 400, source: "ARM resource providers" },
  // Cosmos DB: the account write fails with Conflict quoting the Network RP [OBS terraform log].
  Conflict: { status: 409, source: "ARM Microsoft.DocumentDB [OBS]" },
  // Container Registry: network features need Premium [OBS] (the rule-set variant is [INF]).
  DisablingPublicNetworkAccessNotSupported: { status: 400, source: "ARM Microsoft.ContainerRegistry [OBS]" },
  NetworkRuleSetNotSupported: { status: 400, source: "ARM Microsoft.ContainerRegistry [INF]" },
  // -- Diagnostics (Network Watcher, effective routes and rules, location operations) --
  // §10 [S27]: Network Watcher is regional and runs only against resources in its own region. Azure's code
  // for the refusal could not be confirmed [INF].
  NetworkWatcherTargetInDifferentRegion: { status: 400, source: "ARM Microsoft.Network [INF]" },
  // §10: diagnostics target VMs (vnetlab also takes a NIC); any other type is refused [INF].
  UnsupportedTargetResourceType: { status: 400, source: "ARM Microsoft.Network [INF]" },
  // A VM or NIC with no IP configuration in a subnet has no routes, rules or flows to diagnose [INF].
  NetworkInterfaceNotInSubnet: { status: 400, source: "ARM Microsoft.Network [INF]" },
  OperationNotFound: { status: 404, source: "ARM" },
  InvalidAuthenticationToken: { status: 401, source: "ARM" },
  AuthenticationFailed: { status: 401, source: "ARM" },
  // -- `serve --auth` (src/arm/auth): ARM's token and RBAC checks, Microsoft.Authorization, Entra's token endpoint --
  // ARM's 401s for a token it refuses [OBS public issues quoting ARM's bodies; see src/arm/auth/tokens.ts].
  ExpiredAuthenticationToken: { status: 401, source: "ARM" },
  InvalidAuthenticationTokenAudience: { status: 401, source: "ARM" },
  InvalidAuthenticationTokenTenant: { status: 401, source: "ARM" },
  // ARM's RBAC refusals (of the request, and of a resource it links to) [OBS; src/arm/auth/rbac.ts].
  AuthorizationFailed: { status: 403, source: "ARM" },
  LinkedAuthorizationFailed: { status: 403, source: "ARM" },
  // Microsoft.Authorization role assignments and definitions [OBS public issues; statuses [INF] where noted there].
  RoleAssignmentExists: { status: 409, source: "ARM Microsoft.Authorization" },
  RoleAssignmentUpdateNotPermitted: { status: 400, source: "ARM Microsoft.Authorization" },
  RoleAssignmentNotFound: { status: 404, source: "ARM Microsoft.Authorization" },
  RoleDefinitionDoesNotExist: { status: 404, source: "ARM Microsoft.Authorization" },
  PrincipalNotFound: { status: 400, source: "ARM Microsoft.Authorization" },
  InvalidRoleAssignmentId: { status: 400, source: "ARM Microsoft.Authorization [INF]" },
  // Custom role definitions (src/arm/auth/roleDefinitions.ts). Codes, statuses and messages as ARM answered them in
  // azure-sdk-for-net's recorded sessions (Authorization.Tests RoleDefinitionCreateTests / UpdateTests):
  RoleDefinitionNameNullOrEmpty: { status: 400, source: "ARM Microsoft.Authorization [OBS]" },
  MissingAssignableScopes: { status: 400, source: "ARM Microsoft.Authorization [OBS]" },
  InvalidRoleDefinitionType: { status: 400, source: "ARM Microsoft.Authorization [OBS]" },
  RoleDefinitionExists: { status: 409, source: "ARM Microsoft.Authorization [OBS]" },
  RoleDefinitionWithSameNameExists: { status: 409, source: "ARM Microsoft.Authorization [OBS]" },
  // The docs' troubleshooting quotes the code and message; the status is not published [INF].
  RoleScopeBeingRemovedContainsAssignments: {
    status: 400,
    source: "ARM Microsoft.Authorization [OBS Azure/bicep#17145]",
  },
  RoleDefinitionHasAssignments: { status: 409, source: "ARM Microsoft.Authorization [docs; status INF]" },
  // A role definition name that is not a GUID, and the root scope `/` in a custom role's assignable scopes
  // (refused by the docs, with no published error) [INF].
  InvalidRoleDefinitionId: { status: 400, source: "ARM Microsoft.Authorization [INF]" },
  InvalidAssignableScope: { status: 400, source: "ARM Microsoft.Authorization [INF]" },
  // A `--principals` file or a principal created through the API that is not what vnetlab expects.
  InvalidPrincipals: { status: 400, source: "vnetlab" },
  // Entra ID's OAuth 2.0 errors (RFC 6749 §5.2 codes), answered in Entra's own JSON with an AADSTS number.
  invalid_request: { status: 400, source: "Entra ID" },
  invalid_client: { status: 401, source: "Entra ID" },
  unauthorized_client: { status: 400, source: "Entra ID" },
  unsupported_grant_type: { status: 400, source: "Entra ID" },
  invalid_scope: { status: 400, source: "Entra ID" },
  invalid_tenant: { status: 400, source: "Entra ID" },
} as const;

export type ErrorCode = keyof typeof errorCatalog;

export interface ErrorContext {
  /** The property path or resource the error is about (ARM's `target`). */
  target?: string;
  /** The input file the error was found in, for command-line errors. */
  file?: string;
  /** The resource the error is about. */
  resourceId?: string;
}

export class VnetlabError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}) {
    super(message);
    this.name = "VnetlabError";
    this.code = code;
    this.status = errorCatalog[code].status;
    this.context = context;
  }

  /** One line, naming the file and the resource when known: what the CLI prints before exiting 2. */
  oneLine(): string {
    const where = [this.context.file, this.context.resourceId].filter(Boolean).join(": ");
    return `${where ? `${where}: ` : ""}${this.code}: ${this.message}`;
  }

  /** ARM's error shape. */
  toArm(): { error: { code: string; message: string; target?: string } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.context.target ? { target: this.context.target } : {}),
      },
    };
  }
}
