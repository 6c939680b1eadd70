// Microsoft.Network/networkSecurityGroups/securityRules: inline in the NSG, addressable on their own. The checks
// follow §3.1 (fields), §3.4 (tags) and §3.5 (limits) of semantics.md; codes and messages as ARM answers them.
import type { SubResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import { NetworkTypes as N, type SecurityRuleProperties } from "../../../model/resources/network.js";
import type { ServiceTags } from "../../../model/serviceTags.js";
import { parsePrefixDetailed } from "../../../net/index.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { checkName, propsOf, succeeded } from "../common.js";
import { oneOf, resolve } from "./references.js";

/** Names a rule's single-prefix field accepts besides service tags from the downloadable file [S4][S6]. */
const KEYWORDS = [
  "*",
  "VirtualNetwork",
  "Internet",
  "AzureLoadBalancer",
  "AzurePlatformDNS",
  "AzurePlatformIMDS",
  "AzurePlatformLKM",
];

/** §3.5 [S24]: addresses and ranges per side of one rule; ASGs per side of one rule. */
export const MAX_ADDRESSES_PER_SIDE = 4000;
export const MAX_ASGS_PER_SIDE = 10;

type Side = "source" | "destination";
const cap = (s: Side): string => (s === "source" ? "Source" : "Destination");

/** A tag the rule may name: the keywords or any tag of the service-tag data (case-insensitive). */
export function isTag(text: string, tags: ServiceTags): boolean {
  return KEYWORDS.some((k) => k.toLowerCase() === text.toLowerCase()) || tags.get(text) !== undefined;
}

function invalidPrefix(ruleId: string, value: string): VnetlabError {
  // [OBS] hashicorp/terraform-provider-azurerm#5617, Azure/azure-libraries-for-net#349:
  // "Security rule /subscriptions/.../securityRules/X has invalid Address prefix. Value provided: Sql"
  return new VnetlabError(
    "SecurityRuleInvalidAddressPrefix",
    `Security rule ${ruleId} has invalid Address prefix. Value provided: ${value}`,
    {
      target: ruleId,
    },
  );
}

/** An address or CIDR without host bits; ARM refuses `20.20.20.20/16` [OBS]. */
function isAddress(text: string): boolean {
  const parsed = parsePrefixDetailed(text);
  return parsed !== undefined && !parsed.hadHostBits;
}

function checkAddresses(ruleId: string, p: SecurityRuleProperties, side: Side, tags: ServiceTags): void {
  const single = p[`${side}AddressPrefix`];
  const many = p[`${side}AddressPrefixes`] ?? [];
  const asgs = p[`${side}ApplicationSecurityGroups`] ?? [];
  if (single !== undefined && single !== null && single !== "") {
    if (typeof single !== "string" || !(isAddress(single) || isTag(single, tags)))
      throw invalidPrefix(ruleId, String(single));
  } else if (many.length === 0 && asgs.length === 0) {
    // [INF] a side with no prefix, prefixes or ASGs: ARM reports it as an invalid (empty) address prefix.
    throw invalidPrefix(ruleId, "");
  }
  for (const x of many) {
    if (typeof x === "string" && isTag(x, tags)) {
      // [OBS] terraform-provider-azurerm#5617, ansible-collections/azure#639: tags (and '*') only in the
      // single-prefix field, so one rule names one tag (§3.1). The property name in the message is ARM's.
      throw new VnetlabError(
        "SecurityRuleParameterContainsUnsupportedValue",
        `Security rule parameter ${cap(side)}AddressPrefix for rule with Id ${ruleId} cannot specify existing VIRTUALNETWORK, INTERNET, AZURELOADBALANCER, '*' or system tags. Unsupported value used: ${x}.`,
        { target: ruleId },
      );
    }
    if (typeof x !== "string" || !isAddress(x)) throw invalidPrefix(ruleId, String(x));
  }
  if (many.length > MAX_ADDRESSES_PER_SIDE) {
    // [INF] code; limit §3.5 [S24].
    throw new VnetlabError(
      "SecurityRuleAddressesLimitReached",
      `Security rule ${ruleId} has ${many.length} ${side} address prefixes. A rule side can have at most ${MAX_ADDRESSES_PER_SIDE} addresses and ranges.`,
      { target: ruleId },
    );
  }
  if (asgs.length > MAX_ASGS_PER_SIDE) {
    // [INF] code; limit §3.5 [S24].
    throw new VnetlabError(
      "ApplicationSecurityGroupsLimitReached",
      `Security rule ${ruleId} names ${asgs.length} ${side} application security groups. At most ${MAX_ASGS_PER_SIDE} are allowed per rule side.`,
      { target: ruleId },
    );
  }
}

const PORT = /^(\d{1,5})(?:-(\d{1,5}))?$/;

function checkPorts(ruleId: string, p: SecurityRuleProperties, side: Side): void {
  const single = p[`${side}PortRange`];
  const values = [
    ...(single !== undefined && single !== null && single !== "" ? [single] : []),
    ...(p[`${side}PortRanges`] ?? []),
  ];
  for (const v of values) {
    const m = typeof v === "string" ? PORT.exec(v) : null;
    const ok =
      v === "*" ||
      (m !== null &&
        Number(m[1]) <= 65535 &&
        (m[2] === undefined || (Number(m[2]) <= 65535 && Number(m[1]) <= Number(m[2]))));
    if (!ok) {
      // [OBS] "Security rule has invalid Port range. Value provided: 80,443. Value should be an integer OR integer
      // range with '-' delimiter. Valid range 0-65535." (public troubleshooting notes quoting ARM).
      throw new VnetlabError(
        "SecurityRuleInvalidPortRange",
        `Security rule has invalid Port range. Value provided: ${String(v)}. Value should be an integer OR integer range with '-' delimiter. Valid range 0-65535.`,
        { target: ruleId },
      );
    }
  }
  if (values.length === 0) p[`${side}PortRange`] = "*"; // [INF] ARM's SDKs always send one; absent means any
}

/** Checks and normalises one rule's own fields (§3.1). */
export function prepareRule(id: string, p: SecurityRuleProperties, tags: ServiceTags): void {
  p.protocol = oneOf(
    p.protocol,
    ["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"] as const,
    `${id}/properties/protocol`,
  );
  p.access = oneOf(p.access, ["Allow", "Deny"] as const, `${id}/properties/access`);
  p.direction = oneOf(p.direction, ["Inbound", "Outbound"] as const, `${id}/properties/direction`);
  if (!Number.isInteger(p.priority) || p.priority < 100 || p.priority > 4096) {
    // [OBS] "Security rule has invalid Priority. Value provided: 50 Allowed range 100-4096."
    throw new VnetlabError(
      "SecurityRuleInvalidPriority",
      `Security rule has invalid Priority. Value provided: ${String(p.priority)} Allowed range 100-4096.`,
      {
        target: id,
      },
    );
  }
  for (const side of ["source", "destination"] as const) {
    checkAddresses(id, p, side, tags);
    checkPorts(id, p, side);
  }
}

export const securityRules: ResourceTypeDef = {
  type: N.securityRule,
  inline: { property: "securityRules" },
  location: "none",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    prepareRule(r.id, propsOf(r) as unknown as SecurityRuleProperties, ctx.serviceTags);
    return succeeded(r);
  },
  validate(r, ctx) {
    const p = propsOf(r) as unknown as SecurityRuleProperties;
    const region = ctx.parent?.location;
    const asgs: SubResource[] = [
      ...(p.sourceApplicationSecurityGroups ?? []),
      ...(p.destinationApplicationSecurityGroups ?? []),
    ];
    for (const a of asgs) resolve(ctx.before(), a, N.applicationSecurityGroup, r.id, region);
  },
};

/** Default rules are read-only children: listed and readable, never written. */
export const defaultSecurityRules: ResourceTypeDef = {
  type: "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
  inline: { property: "defaultSecurityRules" },
  location: "none",
  prepare(r) {
    return r;
  },
};
