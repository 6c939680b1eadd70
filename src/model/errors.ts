// One registry of error codes: every error vnetlab raises is a VnetlabError whose code is listed here, with
// its HTTP status and where the code comes from. ARM codes are Azure's own; `vnetlab` marks our own input errors.

export const errorCatalog = {
  // Input files and command lines (vnetlab's own).
  InvalidJson: { status: 400, source: "vnetlab" },
  InvalidEstate: { status: 400, source: "vnetlab" },
  InvalidServiceTags: { status: 400, source: "vnetlab" },
  UnknownSource: { status: 400, source: "vnetlab" },
  UnknownDestination: { status: 400, source: "vnetlab" },
  AmbiguousName: { status: 400, source: "vnetlab" },
  InvalidIntent: { status: 400, source: "vnetlab" },
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
  // Microsoft.Network validation codes.
  InvalidCIDRNotation: { status: 400, source: "ARM Microsoft.Network" },
  VnetAddressSpacesOverlap: { status: 400, source: "ARM Microsoft.Network" },
  NetcfgSubnetRangeOutsideVnet: { status: 400, source: "ARM Microsoft.Network" },
  NetcfgSubnetRangesOverlap: { status: 400, source: "ARM Microsoft.Network" },
  InUseSubnetCannotBeDeleted: { status: 400, source: "ARM Microsoft.Network" },
  InvalidServiceNameOnServiceEndpoint: { status: 400, source: "ARM Microsoft.Network [INF]" },
  // -- Microsoft.Network resources (NICs, NSGs, route tables, policies, private endpoints, DNS, gateways) --
  // -- PaaS providers (Storage, Sql, DBfor*, KeyVault, DocumentDB, ServiceBus, EventHub, Web, CognitiveServices, ContainerRegistry) --
  // -- Diagnostics (Network Watcher, effective routes and rules, location operations) --
  OperationNotFound: { status: 404, source: "ARM" },
  InvalidAuthenticationToken: { status: 401, source: "ARM" },
  AuthenticationFailed: { status: 401, source: "ARM" },
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
