import type { TypeRegistry } from "../../registry.js";
import { cognitiveServicesAccounts } from "./cognitiveServices.js";
import { containerRegistries } from "./containerRegistry.js";
import { cosmosDbAccounts } from "./cosmosDb.js";
import { keyVaults } from "./keyVault.js";
import { messagingTypes } from "./messaging.js";
import { sqlFamilyTypes } from "./sql.js";
import { storageAccounts } from "./storage.js";
import { webSiteConfigs, webSites } from "./web.js";

export { storageAccountKeys } from "./storageKeys.js";

/** Storage, SQL and the database single servers, Key Vault, Cosmos DB, Service Bus, Event Hubs, App Service, Cognitive Services, Container Registry. */
export function registerPaas(registry: TypeRegistry): void {
  registry.register(
    storageAccounts,
    ...sqlFamilyTypes,
    keyVaults,
    cosmosDbAccounts,
    ...messagingTypes,
    webSites,
    webSiteConfigs,
    cognitiveServicesAccounts,
    containerRegistries,
  );
}
