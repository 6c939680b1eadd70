// .../verifierWorkspaces/{ws}/reachabilityAnalysisRuns: a PUT with an intentId starts a run, which vnetlab
// finishes before it answers. Shape: stable/2024-07-01 networkVerifier.json ReachabilityAnalysisRunProperties —
// description and intentId from the request; intentContent (the intent as it was), analysisResult (a JSON
// string), errorMessage and provisioningState read-only. DELETE is long-running (202 + Location, or 204).
import { VnetlabError } from "../../../model/errors.js";
import { parentId, sameId } from "../../../model/resourceId.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { optionalString, requiredString } from "../diagnostics/requests.js";
import { runAnalysis } from "./analysis.js";
import { checkVerifierName, requestProperties, VerifierTypes as V } from "./common.js";
import type { IntentContent } from "./intents.js";

export const reachabilityAnalysisRuns: ResourceTypeDef = {
  type: V.run,
  location: "none",
  asyncWrites: true,
  // The analysis is a read-only property of the run, so it is computed here, against the current estate; a
  // PUT of an existing run runs it again. An intent that no longer resolves gives a Failed run (analysis.ts).
  prepare(r, ctx) {
    checkVerifierName(r);
    const p = requestProperties(r);
    const description = optionalString(p, "description", "properties.description");
    const intentId = requiredString(p, "intentId", "properties.intentId");
    const intent = ctx.before().get<IntentContent>(intentId);
    // [INF] a run analyses an intent of its own workspace: "any reachability analysis intent within that
    // verifier workspace" (how-to-verify-reachability-with-virtual-network-verifier).
    if (!intent || !sameId(intent.type, V.intent) || !sameId(parentId(intent.id), parentId(r.id))) {
      throw new VnetlabError(
        "InvalidResourceReference",
        `Reachability analysis intent ${intentId} referenced by resource ${r.id} was not found in verifier workspace ${parentId(r.id)?.split("/").pop()}. Please make sure that the referenced resource exists.`,
        { target: "properties.intentId" },
      );
    }
    const i = intent.properties!;
    const intentContent: IntentContent = {
      ...(i.description !== undefined ? { description: i.description } : {}),
      sourceResourceId: i.sourceResourceId,
      destinationResourceId: i.destinationResourceId,
      ipTraffic: i.ipTraffic,
    };
    r.properties = {
      ...(description !== undefined ? { description } : {}),
      intentId,
      intentContent,
      ...runAnalysis(ctx.before(), intentContent),
    };
    return r;
  },
};
