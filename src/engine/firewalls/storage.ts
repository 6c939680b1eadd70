// Azure Storage account firewall (Microsoft.Storage/storageAccounts networkAcls), semantics §4.1.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { ServiceTypes, type StorageAccountProperties } from "../../model/resources/services.js";
import { formatIp } from "../../net/index.js";
import {
  allow,
  compileIpRules,
  defineFirewall,
  deny,
  denyByDefault,
  describeOrigin,
  type EvalContext,
  type Evaluator,
  type IpRuleSet,
  isDisabled,
  matchIpRule,
  note,
  originAzureRegionKey,
  originSubnetLabel,
  parseBypass,
  privateEndpointBypass,
  propsOf,
  regionKey,
  sameTenant,
  SubnetRules,
  trustedBypass,
} from "./common.js";
import type { FirewallResult } from "./types.js";

interface StorageRules {
  name: string;
  publicNetworkAccess: string | undefined;
  /** publicNetworkAccess is Disabled, or SecuredByPerimeter. */
  pnaDisabled: boolean;
  perimeter: boolean;
  /** What `exceptions` notes for a flow (no caller) when the account has exceptions. */
  exceptionsNote: string | undefined;
  defaultAction: "Allow" | "Deny";
  vnet: SubnetRules;
  ip: IpRuleSet;
  resourceAccess: { resourceId: string; pattern: RegExp }[];
  bypass: ReadonlySet<string>;
  bypassText: string;
  /** The primary location (it moves on failover); IP rules ignore clients from this region [S8]. */
  region: string | undefined;
  /** Secure transfer required: supportsHttpsTrafficOnly, true unless set false (the default since 2019-04-01). */
  httpsOnly: boolean;
}

type Ctx = EvalContext<StorageRules>;

// [S8] R8: a rule whose subnet was deleted (or failed) grants nothing
const DEAD_STATES = new Set(["networksourcedeleted", "failed"]);

/** `*` in a resource-instance rule matches one whole id segment (all workspaces of a resource group, ...). */
function idPattern(resourceId: string): RegExp {
  const parts = resourceId
    .split("/")
    .map((s) => (s === "*" ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  return new RegExp(`^${parts.join("/")}$`, "i");
}

function compile(resource: ArmResource, estate: Estate): StorageRules {
  const p = propsOf<StorageAccountProperties>(resource);
  const acls = p.networkAcls ?? {};
  const bypass = parseBypass(acls.bypass ?? "AzureServices");
  const bypassText = acls.bypass ?? "AzureServices";
  const resourceAccess = (acls.resourceAccessRules ?? []).map((r) => ({
    resourceId: r.resourceId,
    pattern: idPattern(r.resourceId),
  }));
  const which = [
    ...(bypass.size > 0 ? [`bypass=${bypassText}`] : []),
    ...(resourceAccess.length > 0 ? ["resource-instance rules"] : []),
  ].join(" and ");
  return {
    name: resource.name,
    publicNetworkAccess: p.publicNetworkAccess,
    pnaDisabled: isDisabled(p.publicNetworkAccess),
    perimeter: p.publicNetworkAccess?.toLowerCase() === "securedbyperimeter",
    exceptionsNote:
      bypass.size > 0 || resourceAccess.length > 0
        ? `The exceptions (${which}) admit only Azure services calling with their own identity, never a flow from a VM.`
        : undefined,
    defaultAction: acls.defaultAction?.toLowerCase() === "deny" ? "Deny" : "Allow",
    vnet: new SubnetRules(
      (acls.virtualNetworkRules ?? []).map((r) => {
        const state = r.state?.toLowerCase();
        // The ARM rule itself serves when in force: no allocation per rule.
        return state && DEAD_STATES.has(state) ? { id: r.id, ineffective: `its state is ${r.state}` } : r;
      }),
      (r) => `networkAcls.virtualNetworkRules[${r.id}]`,
      estate,
    ),
    ip: compileIpRules(
      (acls.ipRules ?? []).map((r) => r.value),
      (v) => `networkAcls.ipRules[${v}]`,
      { ignorePrivate: true, ignoreSlash31And32: true },
    ),
    resourceAccess,
    // [S8] bypass defaults to AzureServices
    bypass,
    bypassText,
    region: regionKey(p.primaryLocation ?? resource.location),
    httpsOnly: p.supportsHttpsTrafficOnly !== false,
  };
}

/** Resource-instance rules and trusted-service exceptions: only Azure services calling with their identity. */
function exceptions(ctx: Ctx): FirewallResult | undefined {
  const { request, rules, estate, resource } = ctx;
  const callerId = request.caller?.resourceId;
  if (callerId) {
    const rule = rules.resourceAccess.find((r) => r.pattern.test(callerId));
    if (rule) {
      // [S8] R10: resource-instance rules need the resource in the account's tenant
      if (sameTenant(estate, callerId, resource.id)) {
        return allow(
          ctx,
          `networkAcls.resourceAccessRules[${rule.resourceId}]`,
          `${callerId} is granted by a resource-instance rule; its access is then governed by its RBAC roles.`,
        );
      }
      note(
        ctx,
        `The resource-instance rule for ${callerId} does not apply: the resource is in another tenant.`,
      );
    }
  }
  const trusted = trustedBypass(request, rules.bypass);
  if (trusted) {
    // [S8] R11: trusted-service exceptions take the highest precedence
    return allow(
      ctx,
      `networkAcls.bypass=${trusted}`,
      `the caller is a trusted Azure service and bypass includes ${trusted}.`,
    );
  }
  if (rules.exceptionsNote !== undefined && !request.caller) note(ctx, rules.exceptionsNote);
  return undefined;
}

// Secure transfer required refuses http:// on every path, private endpoints included
// [learn/storage/common/storage-require-secure-transfer]; before the network rules [INF: the order is not documented].
const secureTransfer: Evaluator<StorageRules> = (ctx) => {
  if (ctx.request.secure !== false || !ctx.rules.httpsOnly) return undefined;
  return deny(
    ctx,
    "supportsHttpsTrafficOnly=true",
    "the account requires secure transfer (supportsHttpsTrafficOnly) and the request is plain http.",
    "storageAccountRequiresHttps",
  );
};

const publicNetworkAccess: Evaluator<StorageRules> = (ctx) => {
  const pna = ctx.rules.publicNetworkAccess;
  const perimeter = ctx.rules.perimeter;
  if (!ctx.rules.pnaDisabled && !perimeter) return undefined;
  // [S8] R11: exceptions configured earlier stay in effect when public access is disabled
  const exception = exceptions(ctx);
  if (exception) return exception;
  if (perimeter) note(ctx, "Network security perimeter access rules are not modelled by vnetlab [UNCONF].");
  return deny(
    ctx,
    `publicNetworkAccess=${pna}`,
    `public network access is ${pna}: only private endpoints${perimeter ? " and perimeter rules" : ""} reach the account, and ${describeOrigin(ctx.request.origin)} is neither.`,
    "storageAuthorizationFailure",
  );
};

const defaultAllow: Evaluator<StorageRules> = (ctx) => {
  if (ctx.rules.defaultAction !== "Allow") return undefined;
  // [S8] R1: network rules have no effect unless defaultAction=Deny
  const n = ctx.rules.vnet.size + ctx.rules.ip.count;
  return allow(
    ctx,
    "networkAcls.defaultAction=Allow",
    `the account accepts every network (defaultAction=Allow)${n > 0 ? `; its ${n} network rule(s) have no effect until defaultAction is Deny` : ""}.`,
  );
};

const virtualNetworkRule: Evaluator<StorageRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind !== "serviceEndpoint") return undefined;
  const rule = ctx.rules.vnet.findOrigin(o);
  if (!rule) {
    note(ctx, `${originSubnetLabel(o)} is not in the account's virtual network rules.`);
    return undefined;
  }
  if (rule.ineffective) {
    note(ctx, `The virtual network rule for ${originSubnetLabel(o)} grants nothing: ${rule.ineffective}.`);
    return undefined;
  }
  const host = ctx.request.host?.toLowerCase();
  // [S8] R6: a VNet rule also grants the RA-GRS secondary endpoint
  const secondary = host?.startsWith(`${ctx.rules.name.toLowerCase()}-secondary.`)
    ? " It also covers the RA-GRS secondary endpoint used here."
    : "";
  // [S8] R7: the subnet may be in another subscription or tenant
  return allow(
    ctx,
    ctx.rules.vnet.label(rule),
    `${originSubnetLabel(o)} reaches the account over its service endpoint and is in the virtual network rules.${secondary}`,
  );
};

const ipRule: Evaluator<StorageRules> = (ctx) => {
  const o = ctx.request.origin;
  if (o.kind === "serviceEndpoint") {
    // [S1][S8] a service endpoint replaces the public source address with the private one
    if (ctx.rules.ip.count > 0)
      note(ctx, "IP rules never match service endpoint traffic, whose source is private.");
    return undefined;
  }
  if (o.kind !== "public") return undefined;
  if (o.azureRegion !== undefined && originAzureRegionKey(o) === ctx.rules.region) {
    // [S8] R9: same-region clients reach Storage from private Azure addresses, so IP rules never match them
    note(
      ctx,
      `${describeOrigin(o)} is in the account's own region, where IP rules have no effect (same-region requests arrive from private Azure addresses); use a virtual network rule.`,
    );
    return undefined;
  }
  if (!o.ip) return undefined;
  const hit = matchIpRule(ctx.rules.ip, o.ip);
  if (hit) return allow(ctx, hit.label, `${formatIp(o.ip)} is inside the account's IP rule ${hit.text}.`);
  if (o.fromOnPremises)
    note(
      ctx,
      "On-premises clients cannot use service endpoints; allow their public NAT address in an IP rule.",
    );
  else note(ctx, `${formatIp(o.ip)} is not in the account's IP rules.`);
  return undefined;
};

const finalDeny: Evaluator<StorageRules> = (ctx) => {
  for (const text of ctx.rules.ip.ignoredNotes) note(ctx, text);
  return denyByDefault(
    ctx,
    "networkAcls.defaultAction=Deny",
    `no network rule admits ${describeOrigin(ctx.request.origin)} and the default action is Deny.`,
    "storageAuthorizationFailure",
  );
};

export const storageFirewall = defineFirewall<StorageRules>({
  resourceTypes: [ServiceTypes.storageAccount],
  compile,
  chain: [
    secureTransfer,
    privateEndpointBypass,
    publicNetworkAccess,
    defaultAllow,
    virtualNetworkRule,
    ipRule,
    exceptions,
    finalDeny,
  ],
});
