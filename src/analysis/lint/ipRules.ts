// IP rules that can never match (VNL004): values the service ignores (private ranges, /31 and /32, garbage),
// and storage rules for clients in the account's own region, which reach it from Azure-internal addresses.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { NetworkTypes as N, type PublicIPAddressProperties } from "../../model/resources/network.js";
import {
  containsIp,
  formatIp,
  type IpAddress,
  isRfc1918,
  parseIp,
  parsePrefixDetailed,
} from "../../net/index.js";
import { compileIpRules, type IpRuleOptions, regionKey } from "../../engine/firewalls/common.js";
import type { PaasKind } from "../../model/serviceCatalog.js";
import { type NetworkRules, paasResourcesOf } from "./networkRules.js";
import { perEstate, pushTo } from "./perEstate.js";
import type { Draft, EstateRule } from "./types.js";

/** Which values each service ignores: [S8] Storage and [S20] Cognitive (private, /31, /32), [S15] Key Vault (private). */
const IGNORED: Partial<Record<PaasKind, IpRuleOptions>> = {
  storage: { ignorePrivate: true, ignoreSlash31And32: true },
  cognitiveServices: { ignorePrivate: true, ignoreSlash31And32: true },
  keyVault: { ignorePrivate: true },
};

function fixFor(value: string): string {
  const parsed = parsePrefixDetailed(value.trim());
  if (!parsed) return `Correct '${value}' to a public IPv4 address or CIDR range.`;
  if (parsed.prefix.family === 4 && isRfc1918(parsed.prefix))
    return "Remove the rule: private addresses never reach the firewall as a source. Admit the subnet with a virtual network rule (service endpoint) or use a private endpoint.";
  return "Write the range as single-address rules (one per address): /31 and /32 ranges are not supported.";
}

/** The estate's public IPs by region, with their names: in-region clients whose requests carry Azure-internal sources. */
const publicIpsByRegion = perEstate((estate) => {
  const byRegion = new Map<string, { name: string; ip: IpAddress }[]>();
  for (const p of estate.ofType<PublicIPAddressProperties>(N.publicIPAddress)) {
    const ip = p.properties?.ipAddress ? parseIp(p.properties.ipAddress) : undefined;
    const key = regionKey(p.location);
    if (ip && key !== undefined) pushTo(byRegion, key, { name: p.name, ip });
  }
  return byRegion;
});

const SAME_REGION_FIX =
  "Admit clients in the account's region with virtual network rules (service endpoints) or private endpoints; keep IP rules for clients outside the region.";

function finding(resource: ArmResource, rules: NetworkRules, label: string, why: string, fix: string): Draft {
  return {
    resourceId: resource.id,
    message: `${rules.noun} ${resource.name}: ${label} never matches: ${why}.`,
    explanation:
      rules.kind === "storage"
        ? "Storage IP rules match only public addresses from outside the account's region: private ranges and /31 or /32 ranges are not supported, and clients in the account's own region (and Azure services there) reach it from Azure-internal addresses that no IP rule sees."
        : `The ${rules.noun}'s IP rules take public IPv4 addresses and ranges only; this value is never matched.`,
    fix,
  };
}

export const ipRuleNeverMatchesRule: EstateRule = {
  id: "VNL004",
  name: "ip-rule-never-matches",
  severity: "warning",
  title:
    "IP rules that can never match (private ranges, /31 and /32, same-region clients of a storage account)",
  help: "Storage and Cognitive Services IP rules take public IPv4 addresses and ranges only (no RFC 1918 ranges, no /31 or /32 ranges; Key Vault likewise refuses private ranges). Storage IP rules also never see clients in the account's own region, nor Azure services there: those requests arrive from Azure-internal addresses.",
  // semantics §4.1 R3, R9 [S8]; §4.3 [S15]; §4.7 [S20]
  source: "semantics §4.1 R3, R9 [S8]; §4.3 [S15]; §4.7 [S20]",
  check(estate: Estate): Draft[] {
    return paasResourcesOf(estate).flatMap(({ resource, rules }) => {
      const opts = IGNORED[rules.kind];
      if (!opts) return [];
      const label = (v: string): string => `${rules.path}.ipRules[${v}]`;
      // [S8] R9: same-region clients arrive from Azure-internal addresses
      const storage = rules.kind === "storage";
      const azure = storage ? estate.serviceTags.regional("AzureCloud", rules.region ?? "") : undefined;
      const pips =
        (storage && rules.region !== undefined && publicIpsByRegion(estate).get(rules.region)) || [];
      return rules.ipRules.flatMap((value): Draft[] => {
        const compiled = compileIpRules([value], label, opts);
        const ignored = compiled.ignored[0];
        if (ignored) return [finding(resource, rules, ignored.label, ignored.why, fixFor(value))];
        const e = compiled.entries[0];
        if (!e || !storage) return [];
        if (azure?.set.containsPrefix(e.prefix)) {
          return [
            finding(
              resource,
              rules,
              label(e.text),
              `${e.text} lies in ${azure.name}, Azure's own addresses in the account's region`,
              SAME_REGION_FIX,
            ),
          ];
        }
        const inside = pips.filter((p) => containsIp(e.prefix, p.ip));
        if (inside.length === 0) return [];
        const names = inside.map((p) => `${formatIp(p.ip)} (${p.name})`).join(", ");
        return [
          finding(
            resource,
            rules,
            label(e.text),
            `it names ${names}, in ${rules.region} like the account, whose requests arrive from Azure-internal addresses`,
            SAME_REGION_FIX,
          ),
        ];
      });
    });
  },
};
