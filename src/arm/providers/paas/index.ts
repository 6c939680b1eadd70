import type { TypeRegistry } from "../../registry.js";

/** Storage, SQL and the database single servers, Key Vault, Cosmos DB, Service Bus, Event Hubs, App Service, Cognitive Services, Container Registry. */
export function registerPaas(registry: TypeRegistry): void {
  void registry;
}
