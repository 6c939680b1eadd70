// The PaaS side of the diagram: one box per service (Storage, SQL, Key Vault, ...) holding its resources, each
// with its firewall mode — the one fact about a resource that decides most verdicts at a glance. The mode is
// read with the lint's own reader of each service's network rules, so the diagram and the findings agree.
import { type NetworkRules, networkRulesOf } from "../../analysis/lint/networkRules.js";
import type { Estate } from "../../model/estate.js";
import { paasServices } from "../../model/serviceCatalog.js";
import { resourceNode } from "./resourceNode.js";
import type { DiagramNode } from "./types.js";

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Services with no default action accept everyone until a rule exists (Cosmos, App Service, Data Lake). */
const OPEN_WITHOUT_RULES = new Set(["cosmosDb", "appService", "dataLakeStore"]);

/** One line: how the resource's public endpoint decides who gets in. */
export function firewallMode(r: NetworkRules): string {
  if (r.publicNetworkAccessDisabled) return "public access disabled";
  if (r.unsupportedTier) return "all networks (tier has no firewall)";
  const vnet = r.kind === "cosmosDb" && !r.vnetFilterEnabled ? 0 : r.vnetRules.length;
  const rules = [
    vnet > 0 ? plural(vnet, "VNet rule") : "",
    r.ipRules.length > 0 ? plural(r.ipRules.length, "IP rule") : "",
  ]
    .filter((x) => x !== "")
    .join(", ");
  if (r.defaultAction === "Allow") return "all networks";
  if (r.defaultAction === "Deny") return `selected networks${rules ? `: ${rules}` : " (none)"}`;
  if (rules === "") return OPEN_WITHOUT_RULES.has(r.kind) ? "all networks" : "no public rules";
  return `rules: ${rules}`;
}

export function paasNodes(estate: Estate): DiagramNode[] {
  const out: DiagramNode[] = [];
  for (const svc of paasServices()) {
    const resources = estate.ofType(svc.resourceType);
    if (resources.length === 0) continue;
    const group = `service:${svc.resourceType.toLowerCase()}`;
    out.push({
      id: group,
      kind: "service",
      label: svc.displayName,
      lines: [plural(resources.length, "resource")],
      badges: [],
      refs: [],
    });
    for (const r of resources) {
      const rules = networkRulesOf(r);
      const mode = rules ? firewallMode(rules) : "firewall not modelled";
      out.push(
        resourceNode(r, "paas", {
          parent: group,
          lines: [mode, r.location ?? ""].filter((l) => l !== ""),
        }),
      );
    }
  }
  return out;
}
