// `GET /metadata/endpoints`: the cloud description that tools read to be pointed at another cloud (the Azure
// CLI's `az cloud register --endpoint-resource-manager`, Terraform's azurerm `metadata_host`). Shapes follow
// Azure's own answers: the legacy object without api-version, the list of clouds with api-version 2022-09-01.
// Under `serve --auth` the server is its own Entra authority, so the login endpoint points at it.
export function metadataEndpoints(
  baseUrl: string,
  query: Record<string, string>,
  selfAuthority = false,
): unknown {
  const loginEndpoint = selfAuthority ? `${baseUrl}/` : "https://login.microsoftonline.com/";
  const suffixes = {
    acrLoginServer: "azurecr.io",
    keyVaultDns: "vault.azure.net",
    sqlServerHostname: "database.windows.net",
    storage: "core.windows.net",
    storageSyncEndpointSuffix: "afs.azure.net",
    mhsmDns: "managedhsm.azure.net",
  };
  const audiences = [`${baseUrl}/`, "https://management.core.windows.net/", "https://management.azure.com/"];
  if (!query["api-version"]) {
    return {
      galleryEndpoint: `${baseUrl}/`,
      graphEndpoint: "https://graph.windows.net/",
      portalEndpoint: "https://portal.azure.com/",
      authentication: { loginEndpoint, audiences },
    };
  }
  return [
    {
      name: "vnetlab",
      portal: "https://portal.azure.com",
      resourceManager: `${baseUrl}/`,
      authentication: {
        loginEndpoint,
        audiences,
        tenant: "common",
        identityProvider: "AAD",
      },
      graph: "https://graph.windows.net/",
      graphAudience: "https://graph.windows.net/",
      microsoftGraphResourceId: "https://graph.microsoft.com/",
      activeDirectoryDataLake: "https://datalake.azure.net/",
      batch: "https://batch.core.windows.net/",
      gallery: `${baseUrl}/`,
      sqlManagement: "https://management.core.windows.net:8443/",
      vmImageAliasDoc:
        "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/arm-compute/quickstart-templates/aliases.json",
      suffixes,
    },
  ];
}
