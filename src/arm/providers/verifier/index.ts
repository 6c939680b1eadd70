// Azure Virtual Network Manager's verifier: network managers, verifier workspaces, reachability analysis
// intents and runs, the runs computed by the engine (networkManager.json, networkVerifier.json).
import type { TypeRegistry } from "../../registry.js";
import { reachabilityAnalysisIntents } from "./intents.js";
import { networkManagers, verifierWorkspaces } from "./networkManagers.js";
import { reachabilityAnalysisRuns } from "./runs.js";

export function registerVerifier(registry: TypeRegistry): void {
  registry.register(
    networkManagers,
    verifierWorkspaces,
    reachabilityAnalysisIntents,
    reachabilityAnalysisRuns,
  );
}
