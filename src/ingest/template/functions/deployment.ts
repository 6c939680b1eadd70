// Deployment and scope functions (template-functions-deployment, -scope): parameters(), variables(),
// copyIndex(), deployment(), environment(), resourceGroup(), subscription(), tenant().
import { arity, type EagerFunction, FunctionError, int, str } from "./args.js";
import type { Json } from "../json.js";

/** environment() in the public cloud, as template-functions-deployment#environment documents it. */
export const AZURE_CLOUD: Json = {
  name: "AzureCloud",
  gallery: "https://gallery.azure.com/",
  graph: "https://graph.windows.net/",
  portal: "https://portal.azure.com",
  graphAudience: "https://graph.windows.net/",
  activeDirectoryDataLake: "https://datalake.azure.net/",
  batch: "https://batch.core.windows.net/",
  media: "https://rest.media.azure.net",
  sqlManagement: "https://management.core.windows.net:8443/",
  vmImageAliasDoc:
    "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json",
  resourceManager: "https://management.azure.com/",
  authentication: {
    loginEndpoint: "https://login.microsoftonline.com/",
    audiences: ["https://management.core.windows.net/", "https://management.azure.com/"],
    tenant: "common",
    identityProvider: "AAD",
  },
  suffixes: {
    acrLoginServer: ".azurecr.io",
    azureDatalakeAnalyticsCatalogAndJob: "azuredatalakeanalytics.net",
    azureDatalakeStoreFileSystem: "azuredatalakestore.net",
    azureFrontDoorEndpointSuffix: "azurefd.net",
    keyvaultDns: ".vault.azure.net",
    sqlServerHostname: ".database.windows.net",
    storage: "core.windows.net",
  },
};

/** copyIndex([loopName], [offset]): the index in the named loop, or in the innermost resource loop. */
const copyIndex: EagerFunction = (args, ctx) => {
  arity(args, 0, 2);
  const name = typeof args[0] === "string" ? args[0] : undefined;
  const offset =
    args.length === 0 ? 0 : name === undefined ? int(args, 0) : args.length > 1 ? int(args, 1) : 0;
  const frames = [...ctx.loops].reverse();
  const frame = name
    ? frames.find((f) => f.name?.toLowerCase() === name.toLowerCase())
    : (frames.find((f) => f.resource) ?? frames[0]);
  if (!frame) {
    throw new FunctionError(
      name
        ? `there is no copy loop named '${name}' around this value`
        : "copyIndex() is used outside a copy loop",
    );
  }
  return frame.index + offset;
};

export const deploymentFunctions: Record<string, EagerFunction> = {
  parameters: (args, ctx) => (arity(args, 1), ctx.scope.parameter(str(args, 0), ctx.path)),
  variables: (args, ctx) => (arity(args, 1), ctx.scope.variable(str(args, 0), ctx.path)),
  copyIndex,
  deployment: (args, ctx) => (arity(args, 0), ctx.scope.deployment()),
  environment: (args) => (arity(args, 0), AZURE_CLOUD),
  resourceGroup: (args, ctx) => {
    if (args.length > 0)
      throw new FunctionError("only the target resource group of this deployment is known");
    return ctx.scope.resourceGroup(ctx.path);
  },
  subscription: (args, ctx) => {
    if (args.length > 0) throw new FunctionError("only the target subscription of this deployment is known");
    return ctx.scope.subscription();
  },
  tenant: (args, ctx) => (arity(args, 0), { tenantId: ctx.scope.options.tenantId ?? null }),
};
