// Cognitive Services / Azure AI account firewall (Microsoft.CognitiveServices/accounts networkAcls), §4.7.
import { type CognitiveServicesAccountProperties, ServiceTypes } from "../../model/resources/services.js";
import { aclFirewall } from "./aclChain.js";
import { compileIpRules, parseBypass, propsOf, SubnetRules } from "./common.js";

// Virtual network rule states that grant nothing (the subnet is gone or the rule failed) [INF from S25d].
const DEAD_STATES = new Set(["networksourcedeleted", "failed"]);

export const cognitiveServicesFirewall = aclFirewall({
  resourceTypes: [ServiceTypes.cognitiveServicesAccount],
  noun: "account",
  prefix: "networkAcls",
  bypassProperty: "networkAcls.bypass",
  firewallDenial: "cognitiveServicesFirewall",
  // [INF] the PNA-disabled text was not found; the firewall refusal is used
  pnaDenial: "cognitiveServicesFirewall",
  read: (resource, estate) => {
    const p = propsOf<CognitiveServicesAccountProperties>(resource);
    const acls = p.networkAcls ?? {};
    return {
      publicNetworkAccess: p.publicNetworkAccess,
      // [S20] rules are ineffective unless defaultAction=Deny
      defaultAction: acls.defaultAction?.toLowerCase() === "deny" ? "Deny" : "Allow",
      // [S20] subnets of other tenants are accepted (not via the portal)
      vnet: new SubnetRules(
        (acls.virtualNetworkRules ?? []).map((r) => ({
          id: r.id,
          ...(r.state && DEAD_STATES.has(r.state.toLowerCase())
            ? { ineffective: `its state is ${r.state}` }
            : {}),
        })),
        (r) => `networkAcls.virtualNetworkRules[${r.id}]`,
        estate,
      ),
      // [S20] public IPv4 only; /31 and /32 ranges unsupported
      ip: compileIpRules(
        (acls.ipRules ?? []).map((r) => r.value),
        (v) => `networkAcls.ipRules[${v}]`,
        { ignorePrivate: true, ignoreSlash31And32: true },
      ),
      bypass: parseBypass(acls.bypass),
    };
  },
});
