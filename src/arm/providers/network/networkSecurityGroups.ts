// Microsoft.Network/networkSecurityGroups: inline securityRules, the six default rules filled exactly as ARM
// returns them (§3.2, src/engine/nsg/defaultRules.ts), `subnets`/`networkInterfaces` back-references.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import { NetworkTypes as N, type SecurityRuleProperties } from "../../../model/resources/network.js";
import { DEFAULT_RULES } from "../../../engine/nsg/defaultRules.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { checkName, keepGuid, normaliseLocation, propsOf, succeeded } from "../common.js";
import { nicsWithNsg, subnetsReferencing } from "./backReferences.js";
import { checkCount, listOf, refuseInUse } from "./references.js";

/** §3.5 [S24]: rules per NSG; ASGs across all rules of one NSG. */
export const MAX_RULES_PER_NSG = 1000;
export const MAX_ASGS_PER_NSG = 100;
/** §3.5 [S24]: NSGs per region per subscription. */
export const MAX_NSGS_PER_REGION = 5000;

function defaultRulesOf(
  nsgId: string,
  etag: string,
): ArmResource<SecurityRuleProperties & { provisioningState: string }>[] {
  return DEFAULT_RULES.map((d) => ({
    name: d.name,
    id: `${nsgId}/defaultSecurityRules/${d.name}`,
    etag,
    type: "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
    properties: {
      ...d.properties,
      sourceAddressPrefixes: [],
      destinationAddressPrefixes: [],
      sourcePortRanges: [],
      destinationPortRanges: [],
      provisioningState: "Succeeded",
    },
  }));
}

export const networkSecurityGroups: ResourceTypeDef = {
  type: N.networkSecurityGroup,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    normaliseLocation(r, ctx);
    const p = propsOf(r);
    const given = listOf<ArmResource>(p.defaultSecurityRules);
    const unknown = given.find(
      (g) => !DEFAULT_RULES.some((d) => d.name.toLowerCase() === String(g?.name).toLowerCase()),
    );
    if (unknown) {
      // [INF] default rules are read-only: ARM offers no PUT for them.
      throw new VnetlabError(
        "HttpMethodNotAllowed",
        `Default security rules are read-only; '${String(unknown.name)}' is not one of them.`,
        {
          target: `${r.id}/defaultSecurityRules/${String(unknown.name)}`,
        },
      );
    }
    p.securityRules = listOf(p.securityRules);
    p.defaultSecurityRules = defaultRulesOf(r.id, ctx.etag);
    for (const key of ["subnets", "networkInterfaces"]) delete p[key]; // read-only, computed on read
    keepGuid(r, ctx);
    return succeeded(r);
  },
  validate(r, ctx) {
    // [INF] code (see checkCount); limit §3.5 [S24].
    checkCount(r, ctx, {
      code: "NetworkSecurityGroupCountLimitReached",
      max: MAX_NSGS_PER_REGION,
      noun: "network security groups",
      perRegion: true,
    });
    const rules = listOf<ArmResource<SecurityRuleProperties>>(propsOf(r).securityRules);
    if (rules.length > MAX_RULES_PER_NSG) {
      // [INF] code; limit §3.5 [S24].
      throw new VnetlabError(
        "NetworkSecurityGroupSecurityRuleLimitReached",
        `Network security group ${r.id} has ${rules.length} security rules. A network security group can have at most ${MAX_RULES_PER_NSG} rules.`,
        { target: r.id },
      );
    }
    for (let i = 0; i < rules.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = rules[j]!.properties!;
        const b = rules[i]!.properties!;
        if (a.priority === b.priority && a.direction === b.direction) {
          // [OBS] "Security rule open-port-443 conflicts with rule open-port-80. Rules cannot have the same
          // Priority and Direction."
          throw new VnetlabError(
            "SecurityRuleConflict",
            `Security rule ${rules[i]!.name} conflicts with rule ${rules[j]!.name}. Rules cannot have the same Priority and Direction.`,
            { target: rules[i]!.id },
          );
        }
      }
    }
    const asgs = new Set<string>();
    for (const rule of rules) {
      const p = rule.properties!;
      for (const a of [
        ...(p.sourceApplicationSecurityGroups ?? []),
        ...(p.destinationApplicationSecurityGroups ?? []),
      ]) {
        asgs.add(String(a.id).toLowerCase());
      }
    }
    if (asgs.size > MAX_ASGS_PER_NSG) {
      // [INF] code; limit §3.5 [S24].
      throw new VnetlabError(
        "ApplicationSecurityGroupsLimitReached",
        `Network security group ${r.id} names ${asgs.size} application security groups across its rules. At most ${MAX_ASGS_PER_NSG} are allowed.`,
        { target: r.id },
      );
    }
  },
  checkDelete(r, estate) {
    const users = [...subnetsReferencing(estate, "networkSecurityGroup", r.id), ...nicsWithNsg(estate, r.id)];
    // [OBS] Azure/RDS-Templates#695, pulumi-azure-native#3051, DataBiosphere/terra-workspace-manager#502.
    refuseInUse(
      "InUseNetworkSecurityGroupCannotBeDeleted",
      users,
      (ids) =>
        `Network security group ${r.id} cannot be deleted because it is in use by the following resources: ${ids}. In order to delete the Network security group, remove the association with the resource(s). To learn how to do this, see aka.ms/deletensg.`,
      r.id,
    );
  },
  present(r, estate) {
    const p = propsOf(r);
    const subnets = subnetsReferencing(estate, "networkSecurityGroup", r.id);
    const nics = nicsWithNsg(estate, r.id);
    if (subnets.length) p.subnets = subnets;
    if (nics.length) p.networkInterfaces = nics;
    return r;
  },
};
