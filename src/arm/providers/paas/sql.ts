// Microsoft.Sql/servers and the single servers that ride on the Microsoft.Sql endpoint (DBforPostgreSQL,
// DBforMySQL, DBforMariaDB), each with firewallRules and virtualNetworkRules children (semantics §4.2). The
// children are resources of their own in ARM; the estate compiler folds them into the server.
import type { ArmResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import { parentId } from "../../../model/resourceId.js";
import { publicHostsOf } from "../../../model/publicEndpoints.js";
import type { SqlServerProperties } from "../../../model/resources/services.js";
import { ServiceTypes } from "../../../model/resources/services.js";
import { parseIpv4 } from "../../../net/index.js";
import type { ResourceTypeDef, WriteContext } from "../../resourceType.js";
import { normaliseLocation } from "../common.js";
import {
  dropProperties,
  hasServiceEndpoint,
  lookupSubnet,
  mergePatch,
  missingEndpointText,
  propsOf,
  type Props,
} from "./common.js";

interface Engine {
  type: string;
  /** Microsoft.Sql proper: the REST specs' PNA and rule-count codes apply. */
  sql: boolean;
  defaults(p: Props): void;
}

const ENGINES: readonly Engine[] = [
  {
    type: ServiceTypes.sqlServer,
    sql: true,
    defaults: (p) => {
      p.version ??= "12.0";
      p.state = "Ready";
      p.publicNetworkAccess ??= "Enabled";
      p.restrictOutboundNetworkAccess ??= "Disabled";
    },
  },
  ...[
    { type: ServiceTypes.postgreSqlServer, version: "11" },
    { type: ServiceTypes.mySqlServer, version: "5.7" },
    { type: ServiceTypes.mariaDbServer, version: "10.2" },
  ].map((e): Engine => ({
    type: e.type,
    sql: false,
    defaults: (p) => {
      p.version ??= e.version;
      p.userVisibleState = "Ready";
      p.sslEnforcement ??= "Enabled";
      p.publicNetworkAccess ??= "Enabled";
    },
  })),
];

// §9 [S12][S14]: 128 VNet rules and 256 server-level IP rules per server.
const MAX_VNET_RULES = 128;
const MAX_FIREWALL_RULES = 256;

function serverDef(engine: Engine): ResourceTypeDef {
  return {
    type: engine.type,
    location: "required",
    prepare(r, ctx) {
      normaliseLocation(r, ctx);
      // The rules are resources of their own; the password is write-only.
      const p = dropProperties(
        r,
        "firewallRules",
        "virtualNetworkRules",
        "administratorLoginPassword",
        "fullyQualifiedDomainName",
        "state",
        "userVisibleState",
      );
      engine.defaults(p);
      if (engine.sql) r.kind = "v12.0";
      const host = publicHostsOf(r)[0]?.host;
      if (host) p.fullyQualifiedDomainName = host;
      return r;
    },
    patch: mergePatch,
  };
}

function serverOf(child: ArmResource, ctx: WriteContext): ArmResource<SqlServerProperties> {
  return ctx.after().get<SqlServerProperties>(parentId(child.id))!;
}

function publicAccessDisabled(server: ArmResource<SqlServerProperties>): boolean {
  return (server.properties?.publicNetworkAccess ?? "").toLowerCase() === "disabled";
}

function firewallRuleDef(engine: Engine): ResourceTypeDef {
  return {
    type: `${engine.type}/firewallRules`,
    location: "none",
    prepare(r) {
      const p = propsOf(r);
      const start = typeof p.startIpAddress === "string" ? parseIpv4(p.startIpAddress) : undefined;
      const end = typeof p.endIpAddress === "string" ? parseIpv4(p.endIpAddress) : undefined;
      if (start === undefined || end === undefined) {
        throw new VnetlabError(
          "FirewallRuleNotIPv4Address",
          "The provided firewall rule address is not IPv4",
          { target: r.id },
        );
      }
      if (start > end) {
        throw new VnetlabError("FirewallRuleInvalidRange", "The specified firewall rule range is invalid.", {
          target: r.id,
        });
      }
      r.properties = { startIpAddress: p.startIpAddress, endIpAddress: p.endIpAddress };
      delete r.location;
      return r;
    },
    validate(r, ctx) {
      if (!engine.sql) return;
      const server = serverOf(r, ctx);
      if (publicAccessDisabled(server)) {
        // §4.2 [S13] (42101); code and text from the REST specs' FirewallRules error list.
        throw new VnetlabError(
          "DenyPublicEndpointEnabled",
          "Unable to create or modify firewall rules when public network interface for the server is disabled. To manage server or database level firewall rules, please enable the public network interface.",
          { target: r.id },
        );
      }
      if ((server.properties?.firewallRules ?? []).length > MAX_FIREWALL_RULES) {
        throw new VnetlabError("TooManyFirewallRules", "The provided firewall rules are over the limit.", {
          target: r.id,
        });
      }
    },
  };
}

/** [INF] The rule errors' texts: the code is the REST specs'; the message follows the observed cross-region one. */
function ruleError(message: string, target: string): VnetlabError {
  return new VnetlabError("VirtualNetworkRuleBadRequest", message, { target });
}

/** A single server's pricing tier: `sku.tier`, else the prefix of `sku.name` (B_Gen5_1, GP_Gen5_2, MO_Gen5_2). */
function singleServerTier(server: ArmResource): string | undefined {
  const prefix = server.sku?.name?.split("_")[0]?.toUpperCase();
  const byName: Record<string, string> = { B: "Basic", GP: "GeneralPurpose", MO: "MemoryOptimized" };
  return server.sku?.tier ?? (prefix ? byName[prefix] : undefined);
}

function validateVnetRule(engine: Engine, r: ArmResource, ctx: WriteContext): void {
  const p = propsOf(r);
  const server = serverOf(r, ctx);
  const namespace = engine.type.split("/")[0]!;
  const tier = engine.sql ? undefined : singleServerTier(server);
  if (tier?.toLowerCase() === "basic") {
    // §4.2: VNet service endpoints are for General Purpose and Memory Optimized single servers only (PostgreSQL
    // and MySQL docs' limits). Code and text observed for PostgreSQL (18F/piipan#11; Azure Service Operator's
    // PostgreSQL VNet rule client expects the code); MySQL and MariaDB share the platform [INF].
    throw new VnetlabError(
      "FeatureNotSupportedForEdition",
      `This feature is not available for the selected edition '${tier}'.`,
      { target: r.id },
    );
  }
  if (engine.sql && publicAccessDisabled(server)) {
    // §4.2 [S13]: while publicNetworkAccess is Disabled (code and text: REST specs' VirtualNetworkRules list).
    throw new VnetlabError(
      "FirewallChangesDeniedBecausePublicEndpointDisabled",
      "Unable to create or modify firewall rules when public network access for the server is disabled.",
      { target: r.id },
    );
  }
  if ((server.properties?.virtualNetworkRules ?? []).length > MAX_VNET_RULES) {
    throw ruleError(
      `The server '${server.name}' already has the maximum of ${MAX_VNET_RULES} virtual network rules.`,
      r.id,
    ); // [INF]
  }
  const estate = ctx.after();
  const found = lookupSubnet(estate, p.virtualNetworkSubnetId);
  if (found.kind === "malformed") {
    throw new VnetlabError("InvalidResourceId", "Invalid resource identifier.", { target: r.id }); // REST specs' list
  }
  // §8 [S12]: the VNet and the server must be in the same Entra tenant.
  if (
    estate.tenantOf(String(p.virtualNetworkSubnetId)).toLowerCase() !==
    estate.tenantOf(server.id).toLowerCase()
  ) {
    throw ruleError(
      `The virtual network subnet '${String(p.virtualNetworkSubnetId)}' is in a different Azure Active Directory tenant than the server '${server.name}'. Virtual network rules require both to be in the same tenant.`,
      r.id,
    ); // [INF]
  }
  if (found.kind === "outside") return;
  if (found.kind !== "found") {
    // The code is the REST specs' (404); the text [INF].
    throw new VnetlabError(
      "VirtualNetworkRuleResourceNotFound",
      `The virtual network subnet '${String(p.virtualNetworkSubnetId)}' of the virtual network rule '${r.name}' was not found.`,
      { target: r.id },
    );
  }
  // §4.2 [S12]: same region only [OBS VirtualNetworkRuleBadRequest text].
  const vnetRegion = found.vnet.location ?? "";
  if (vnetRegion.toLowerCase() !== (server.location ?? "").toLowerCase()) {
    throw ruleError(
      `${namespace} resources in ${server.location} cannot be ACL-ed to virtual network in ${vnetRegion}. Only resources in ${vnetRegion} can be ACL-ed to virtual networks in ${vnetRegion}.`,
      r.id,
    );
  }
  // §4.2 [S12]: without ignoreMissingVnetServiceEndpoint the subnet needs the Microsoft.Sql endpoint (code
  // confirmed by the azurerm acceptance test for a rule without it; PostgreSQL/MySQL answer 400 too [azure-rest-
  // api-specs #3719]); the text is the Network RP's, as Storage, Key Vault and Cosmos DB quote it [INF].
  if (
    p.ignoreMissingVnetServiceEndpoint !== true &&
    !hasServiceEndpoint(found.subnet, ["Microsoft.Sql"], undefined)
  ) {
    throw ruleError(missingEndpointText("Microsoft.Sql", [found.subnet.name], found.vnet.id), r.id);
  }
}

function vnetRuleDef(engine: Engine): ResourceTypeDef {
  return {
    type: `${engine.type}/virtualNetworkRules`,
    location: "none",
    prepare(r) {
      const p = propsOf(r);
      if (typeof p.virtualNetworkSubnetId !== "string" || p.virtualNetworkSubnetId === "") {
        throw new VnetlabError("NullVirtualNetworkSubnetId", "The Virtual Network Subnet Id is null", {
          target: r.id,
        });
      }
      r.properties = {
        virtualNetworkSubnetId: p.virtualNetworkSubnetId,
        ignoreMissingVnetServiceEndpoint: p.ignoreMissingVnetServiceEndpoint === true,
        // [S25e] The rule is in force once written (Ready); vnetlab does no provisioning in between.
        state: "Ready",
      };
      delete r.location;
      return r;
    },
    validate: (r, ctx) => validateVnetRule(engine, r, ctx),
  };
}

export const sqlFamilyTypes: ResourceTypeDef[] = ENGINES.flatMap((e) => [
  serverDef(e),
  firewallRuleDef(e),
  vnetRuleDef(e),
]);
