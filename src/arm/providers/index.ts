// Every provider module registers its types here.
import { TypeRegistry } from "../registry.js";
import { registerDiagnostics } from "./diagnostics/index.js";
import { registerNetwork } from "./network/index.js";
import { registerPaas } from "./paas/index.js";
import { resourceGroups } from "./resources.js";

export function defaultRegistry(): TypeRegistry {
  const registry = new TypeRegistry().register(resourceGroups);
  registerNetwork(registry);
  registerPaas(registry);
  registerDiagnostics(registry);
  return registry;
}
