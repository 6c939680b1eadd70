// The network rules of a PaaS resource as written, one reader per service (semantics §4): what the lint rules
// count, compare with subnets and check for effect. The engine's firewalls compile the same properties into
// matchers; here they are kept as written, with the names a finding quotes.
import type { ArmResource } from "../../model/arm.js";
import type { Estate } from "../../model/estate.js";
import { idKey } from "../../model/resourceId.js";
import { type PaasKind, paasServiceByType, paasServices } from "../../model/serviceCatalog.js";
import type {
  CognitiveServicesAccountProperties,
  ContainerRegistryProperties,
  CosmosDbAccountProperties,
  DataLakeStoreAccountProperties,
  KeyVaultProperties,
  MessagingNamespaceProperties,
  NetworkRuleSetProperties,
  SqlFirewallRuleProperties,
  SqlServerProperties,
  SqlVirtualNetworkRuleProperties,
  StorageAccountProperties,
  WebSiteProperties,
} from "../../model/resources/services.js";
import { isDisabled, propsOf, regionKey } from "../../engine/firewalls/common.js";
import { perEstate, pushTo } from "./perEstate.js";

export interface VnetRuleRef {
  subnetId: string;
  /** Where the rule is written, e.g. `networkAcls.virtualNetworkRules[2]`, `virtualNetworkRules/allow-app`. */
  label: string;
  /** Set on services that have the flag (SQL, Key Vault, Cosmos, Service Bus, Event Hubs, Cognitive). */
  ignoreMissingVnetServiceEndpoint?: boolean;
}

export interface NetworkRules {
  kind: PaasKind;
  /** The resource as a finding names it: "storage account", "key vault", ... */
  noun: string;
  /** Where the settings live, e.g. `networkAcls`. */
  path: string;
  /** The resource's region (a storage account's primary location), lower case. */
  region: string | undefined;
  publicNetworkAccessDisabled: boolean;
  /** As the service reads it; undefined for services without a default action (SQL, Cosmos, App Service, Data Lake). */
  defaultAction?: "Allow" | "Deny";
  vnetRules: VnetRuleRef[];
  /** IP rules as written: values (`203.0.113.0/24`) or, for start–end rules, `name (start–end)`. */
  ipRules: string[];
  /** Cosmos DB: isVirtualNetworkFilterEnabled. */
  vnetFilterEnabled?: boolean;
  /** Set when the resource's tier has no firewall at all: why. */
  unsupportedTier?: string;
}

const defaultActionOf = (action: string | undefined): "Allow" | "Deny" =>
  action?.toLowerCase() === "deny" ? "Deny" : "Allow";

type Base = Pick<NetworkRules, "kind" | "region" | "publicNetworkAccessDisabled">;

function listRules<R>(
  list: readonly R[] | undefined,
  path: string,
  subnetOf: (r: R) => string | undefined,
  ignoreOf: (r: R) => boolean | undefined = () => undefined,
): VnetRuleRef[] {
  const out: VnetRuleRef[] = [];
  (list ?? []).forEach((r, i) => {
    const subnetId = subnetOf(r);
    if (typeof subnetId !== "string") return;
    const ignore = ignoreOf(r);
    out.push({
      subnetId,
      label: `${path}[${i}]`,
      ...(ignore !== undefined ? { ignoreMissingVnetServiceEndpoint: ignore } : {}),
    });
  });
  return out;
}

/** Child rules (SQL, Data Lake): named by their own resource name. */
function childRules<P extends object>(
  list: readonly ArmResource<P>[] | undefined,
  subnetOf: (p: P) => string | undefined,
  ignoreOf: (p: P) => boolean | undefined = () => undefined,
): VnetRuleRef[] {
  return (list ?? []).flatMap((r) => {
    const subnetId = r.properties ? subnetOf(r.properties) : undefined;
    if (typeof subnetId !== "string") return [];
    const ignore = r.properties ? ignoreOf(r.properties) : undefined;
    return [
      {
        subnetId,
        label: `virtualNetworkRules/${r.name}`,
        ...(ignore !== undefined ? { ignoreMissingVnetServiceEndpoint: ignore } : {}),
      },
    ];
  });
}

function rangeRules(list: readonly ArmResource<SqlFirewallRuleProperties>[] | undefined): string[] {
  return (list ?? []).map(
    (r) => `${r.name} (${r.properties?.startIpAddress ?? "?"}–${r.properties?.endIpAddress ?? "?"})`,
  );
}

/** The `networkAcls`-style block of Storage, Key Vault, Cognitive Services and Container Registry. */
interface AclBlock {
  defaultAction?: string;
  ipRules?: { value: string }[];
  virtualNetworkRules?: { id: string; ignoreMissingVnetServiceEndpoint?: boolean }[];
}

type AclRules = Pick<NetworkRules, "path" | "defaultAction" | "vnetRules" | "ipRules">;

/** [S8][S15][S20][S21] these services accept every network until defaultAction is Deny (Allow when unset). */
function aclRules(block: AclBlock | undefined, path: string): AclRules {
  const acls = block ?? {};
  return {
    path,
    defaultAction: defaultActionOf(acls.defaultAction),
    vnetRules: listRules(
      acls.virtualNetworkRules,
      `${path}.virtualNetworkRules`,
      (v) => v.id,
      (v) => v.ignoreMissingVnetServiceEndpoint,
    ),
    ipRules: (acls.ipRules ?? []).map((v) => v.value),
  };
}

function storage(r: ArmResource, base: Base): NetworkRules {
  const p = propsOf<StorageAccountProperties>(r);
  return {
    ...base,
    region: regionKey(p.primaryLocation ?? r.location),
    // [S8] SecuredByPerimeter also shuts the public endpoint to everything but perimeter rules
    publicNetworkAccessDisabled:
      base.publicNetworkAccessDisabled || p.publicNetworkAccess?.toLowerCase() === "securedbyperimeter",
    noun: "storage account",
    ...aclRules(p.networkAcls, "networkAcls"),
  };
}

function cosmosDb(r: ArmResource, base: Base): NetworkRules {
  const p = propsOf<CosmosDbAccountProperties & { ipRangeFilter?: string }>(r);
  const ipRules = [
    ...(p.ipRules ?? []).map((v) => v.ipAddressOrRange),
    ...(p.ipRangeFilter ? p.ipRangeFilter.split(",") : []),
  ]
    .map((v) => v.trim())
    .filter((v) => v !== "");
  return {
    ...base,
    noun: "Cosmos DB account",
    path: "properties",
    vnetRules: listRules(
      p.virtualNetworkRules,
      "virtualNetworkRules",
      (v) => v.id,
      (v) => v.ignoreMissingVNetServiceEndpoint,
    ),
    ipRules,
    vnetFilterEnabled: p.isVirtualNetworkFilterEnabled === true,
  };
}

function messaging(r: ArmResource, base: Base, serviceBus: boolean): NetworkRules {
  const ns = propsOf<MessagingNamespaceProperties>(r);
  const set: NetworkRuleSetProperties =
    (ns.networkRuleSets ?? []).find((s) => s.name.toLowerCase() === "default")?.properties ??
    ns.networkRuleSets?.[0]?.properties ??
    {};
  const tier = r.sku?.tier ?? r.sku?.name ?? "Standard";
  // [S18] Service Bus has IP and VNet rules only in Premium; [S17] Event Hubs has no firewall in Basic
  const supported = serviceBus ? tier.toLowerCase() === "premium" : tier.toLowerCase() !== "basic";
  return {
    ...base,
    publicNetworkAccessDisabled: isDisabled(set.publicNetworkAccess ?? ns.publicNetworkAccess),
    noun: serviceBus ? "Service Bus namespace" : "Event Hubs namespace",
    path: "networkRuleSets/default",
    // [S17] API versions from 2021-06-01-preview default defaultAction to Allow
    defaultAction: defaultActionOf(set.defaultAction),
    vnetRules: listRules(
      set.virtualNetworkRules,
      "networkRuleSets/default.virtualNetworkRules",
      (v) => v.subnet?.id,
      (v) => v.ignoreMissingVnetServiceEndpoint,
    ),
    ipRules: (set.ipRules ?? []).map((v) => v.ipMask),
    ...(supported
      ? {}
      : {
          unsupportedTier: serviceBus
            ? `Service Bus supports IP and virtual network rules only in the Premium tier, and this namespace is ${tier}`
            : `Event Hubs has no firewall in the Basic tier`,
        }),
  };
}

function cognitiveServices(r: ArmResource, base: Base): NetworkRules {
  const acls = propsOf<CognitiveServicesAccountProperties>(r).networkAcls;
  return { ...base, noun: "Cognitive Services account", ...aclRules(acls, "networkAcls") };
}

function keyVault(r: ArmResource, base: Base): NetworkRules {
  return {
    ...base,
    noun: "key vault",
    ...aclRules(propsOf<KeyVaultProperties>(r).networkAcls, "networkAcls"),
  };
}

function containerRegistry(r: ArmResource, base: Base): NetworkRules {
  const sku = r.sku?.tier ?? r.sku?.name ?? "Basic";
  return {
    ...base,
    noun: "container registry",
    ...aclRules(propsOf<ContainerRegistryProperties>(r).networkRuleSet, "networkRuleSet"),
    // [S21] network rules are a Premium feature
    ...(sku.toLowerCase() === "premium"
      ? {}
      : {
          unsupportedTier: `Container Registry network rules need the Premium tier and this registry is ${sku}`,
        }),
  };
}

function sqlFamily(r: ArmResource, base: Base): NetworkRules {
  const p = propsOf<SqlServerProperties>(r);
  return {
    ...base,
    noun: base.kind === "sql" ? "SQL server" : `${base.kind} server`,
    path: "properties",
    vnetRules: childRules<SqlVirtualNetworkRuleProperties>(
      p.virtualNetworkRules,
      (v) => v.virtualNetworkSubnetId,
      (v) => v.ignoreMissingVnetServiceEndpoint,
    ),
    ipRules: rangeRules(p.firewallRules),
  };
}

function appService(r: ArmResource, base: Base): NetworkRules {
  const p = propsOf<WebSiteProperties>(r);
  const c = p.siteConfig ?? {};
  const lists = [
    ["siteConfig.ipSecurityRestrictions", c.ipSecurityRestrictions ?? []],
    ["siteConfig.scmIpSecurityRestrictions", c.scmIpSecurityRestrictions ?? []],
  ] as const;
  return {
    ...base,
    publicNetworkAccessDisabled: isDisabled(p.publicNetworkAccess ?? c.publicNetworkAccess),
    noun: "web app",
    path: "siteConfig",
    vnetRules: lists.flatMap(([path, list]) => listRules(list, path, (v) => v.vnetSubnetResourceId)),
    ipRules: lists.flatMap(([, list]) => list.flatMap((v) => (v.ipAddress ? [v.ipAddress] : []))),
  };
}

function dataLakeStore(r: ArmResource, base: Base): NetworkRules {
  const p = propsOf<DataLakeStoreAccountProperties>(r);
  return {
    ...base,
    noun: "Data Lake Storage Gen1 account",
    path: "properties",
    vnetRules: childRules(p.virtualNetworkRules, (v) => v.subnetId),
    ipRules: rangeRules(p.firewallRules),
  };
}

/** The network rules of a PaaS resource; undefined for a type that is not a PaaS service of the catalog. */
export function networkRulesOf(resource: ArmResource): NetworkRules | undefined {
  const info = paasServiceByType(resource.type);
  if (!info) return undefined;
  const base: Base = {
    kind: info.kind,
    region: regionKey(resource.location),
    publicNetworkAccessDisabled: isDisabled(
      propsOf<{ publicNetworkAccess?: string }>(resource).publicNetworkAccess,
    ),
  };
  switch (info.kind) {
    case "storage":
      return storage(resource, base);
    case "keyVault":
      return keyVault(resource, base);
    case "cosmosDb":
      return cosmosDb(resource, base);
    case "serviceBus":
    case "eventHub":
      return messaging(resource, base, info.kind === "serviceBus");
    case "cognitiveServices":
      return cognitiveServices(resource, base);
    case "containerRegistry":
      return containerRegistry(resource, base);
    case "sql":
    case "postgresql":
    case "mysql":
    case "mariadb":
      return sqlFamily(resource, base);
    case "appService":
      return appService(resource, base);
    case "dataLakeStore":
      return dataLakeStore(resource, base);
  }
}

export interface PaasResource {
  resource: ArmResource;
  rules: NetworkRules;
}

/** Every PaaS resource of the estate with its network rules (read once per estate). */
export const paasResourcesOf = perEstate((estate): readonly PaasResource[] =>
  paasServices().flatMap((svc) =>
    estate.ofType(svc.resourceType).flatMap((resource) => {
      const rules = networkRulesOf(resource);
      return rules ? [{ resource, rules }] : [];
    }),
  ),
);

/** PaaS resources by the subnets their virtual network rules name (lower-cased ids). */
const listingIndex = perEstate((estate) => {
  const index = new Map<string, PaasResource[]>();
  for (const p of paasResourcesOf(estate)) {
    for (const key of new Set(p.rules.vnetRules.map((r) => idKey(r.subnetId)))) pushTo(index, key, p);
  }
  return index;
});

/** The PaaS resources whose virtual network rules name a subnet. */
export function resourcesListing(estate: Estate, subnetId: string): readonly PaasResource[] {
  return listingIndex(estate).get(idKey(subnetId)) ?? [];
}
