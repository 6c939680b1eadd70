import type { TypeRegistry } from "../../registry.js";

/** Location operations (available endpoint services, aliases, service tags) and Network Watcher / NIC diagnostics. */
export function registerDiagnostics(registry: TypeRegistry): void {
  void registry;
}
