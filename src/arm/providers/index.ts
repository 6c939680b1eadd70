// Every provider module registers its types here.
import { TypeRegistry } from "../registry.js";
import { registerDiagnostics } from "./diagnostics/index.js";
import { registerNetwork } from "./network/index.js";
import { registerPaas } from "./paas/index.js";
import { deployments, resourceGroups } from "./resources.js";
import { registerVerifier } from "./verifier/index.js";

export function defaultRegistry(): TypeRegistry {
  const registry = new TypeRegistry().register(resourceGroups).register(deployments);
  registerNetwork(registry);
  registerPaas(registry);
  registerDiagnostics(registry);
  registerVerifier(registry);
  return registry;
}
