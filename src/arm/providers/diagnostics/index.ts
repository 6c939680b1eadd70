// Diagnostics: Microsoft.Network's location-scoped reads (available endpoint services, service aliases, service
// tags), the NIC's effective routes and security groups, and Network Watcher's ipFlowVerify, nextHop,
// securityGroupView and connectivityCheck, all computed by the engine from the current estate (§10).
import { NetworkTypes as N } from "../../../model/resources/network.js";
import type { TypeRegistry } from "../../registry.js";
import type { ActionHandler } from "../../resourceType.js";
import { connectivityCheckAction } from "./connectivityCheck.js";
import { availableEndpointServices, availableServiceAliases, serviceTags } from "./locations.js";
import { networkInterfaceActions } from "./nicActions.js";
import { ipFlowVerifyAction, nextHopAction, securityGroupViewAction } from "./watcherActions.js";

/** The actions this module adds to types that the network provider defines, keyed by lower-cased name. */
export const diagnosticsActions = {
  networkInterface: networkInterfaceActions,
  networkWatcher: {
    ipflowverify: ipFlowVerifyAction,
    nexthop: nextHopAction,
    securitygroupview: securityGroupViewAction,
    connectivitycheck: connectivityCheckAction,
  } satisfies Record<string, ActionHandler>,
};

/**
 * Adds the diagnostics actions to the NIC and Network Watcher definitions already registered (registerNetwork
 * runs first). Idempotent; a type not registered yet is left alone, so call it again after registering one.
 */
export function attachDiagnosticsActions(registry: TypeRegistry): void {
  const attach = (type: string, actions: Record<string, ActionHandler>): void => {
    const def = registry.get(type);
    if (def) def.actions = { ...def.actions, ...actions };
  };
  attach(N.networkInterface, diagnosticsActions.networkInterface);
  attach(N.networkWatcher, diagnosticsActions.networkWatcher);
}

/** Location operations (available endpoint services, aliases, service tags) and Network Watcher / NIC diagnostics. */
export function registerDiagnostics(registry: TypeRegistry): void {
  registry
    .location("Microsoft.Network", "virtualNetworkAvailableEndpointServices", availableEndpointServices)
    .location("Microsoft.Network", "availableServiceAliases", availableServiceAliases)
    .location("Microsoft.Network", "serviceTags", serviceTags);
  attachDiagnosticsActions(registry);
}
