// What the mapping families share: the Terraform types a reference may name, association resources, inline
// children from nested blocks, and small value helpers.
import type { ArmResource, SubResource } from "../../model/arm.js";
import type { TfBlock } from "./block.js";
import type { TypeMapping } from "./context.js";

/** Terraform types by what they are, for following references (data sources share the names). */
export const Tf = {
  resourceGroup: ["azurerm_resource_group"],
  vnet: ["azurerm_virtual_network"],
  subnet: ["azurerm_subnet"],
  nsg: ["azurerm_network_security_group"],
  asg: ["azurerm_application_security_group"],
  routeTable: ["azurerm_route_table"],
  natGateway: ["azurerm_nat_gateway"],
  publicIp: ["azurerm_public_ip"],
  publicIpPrefix: ["azurerm_public_ip_prefix"],
  nic: ["azurerm_network_interface"],
  policy: ["azurerm_subnet_service_endpoint_storage_policy"],
  storage: ["azurerm_storage_account"],
  sqlServer: ["azurerm_mssql_server", "azurerm_sql_server"],
  serviceBus: ["azurerm_servicebus_namespace"],
  privateDnsZone: ["azurerm_private_dns_zone"],
  vnetGateway: ["azurerm_virtual_network_gateway"],
  localGateway: ["azurerm_local_network_gateway"],
  /** What a private endpoint may connect to. */
  privateLinkTarget: [
    "azurerm_storage_account",
    "azurerm_mssql_server",
    "azurerm_sql_server",
    "azurerm_key_vault",
    "azurerm_cosmosdb_account",
    "azurerm_servicebus_namespace",
    "azurerm_eventhub_namespace",
  ],
} as const;

/** `public_network_access_enabled` → ARM's `publicNetworkAccess`. */
export function access(enabled: boolean): "Enabled" | "Disabled" {
  return enabled ? "Enabled" : "Disabled";
}

/** A list, or nothing when it is empty (ARM omits what is not set). */
export function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

/** `{ id }` for each id. */
export function subResources(ids: readonly string[]): { id: string }[] {
  return ids.map((id) => ({ id }));
}

/** Sets a property of a patched resource's properties. */
export function setProperty(target: { properties?: object }, key: string, value: unknown): void {
  target.properties ??= {};
  (target.properties as Record<string, unknown>)[key] = value;
}

/** Appends to a list property of a patched resource's properties. */
export function pushProperty(target: { properties?: object }, key: string, value: unknown): void {
  target.properties ??= {};
  const props = target.properties as Record<string, unknown>;
  props[key] = [...(Array.isArray(props[key]) ? (props[key] as unknown[]) : []), value];
}

/**
 * An association resource: sets (or adds) a reference on another resource of this plan, e.g. a subnet's NSG.
 * `target` names the resource changed, `value` the one it comes to reference.
 */
export function association(o: {
  target: readonly [attr: string, types: readonly string[]];
  value: readonly [attr: string, types: readonly string[]];
  what: string;
  apply: (target: ArmResource, value: SubResource) => void;
}): TypeMapping {
  return {
    map(r) {
      const value = r.subResource(...o.value);
      if (value) r.ingest.patch(r, r.ref(...o.target), o.what, (t) => o.apply(t, value));
    },
  };
}

/** An association that sets one reference property of its target, or with `add` appends to a list of them. */
export function referenceAssociation(
  target: readonly [attr: string, types: readonly string[]],
  value: readonly [attr: string, types: readonly string[]],
  property: string,
  what: string,
  add = false,
): TypeMapping {
  return association({
    target,
    value,
    what,
    apply: (t, v) => (add ? pushProperty : setProperty)(t, property, v),
  });
}

/** Inline children (`{ name, properties }`) from nested blocks; a block without properties is left out. */
export function children<P extends object>(
  blocks: readonly TfBlock[],
  properties: (b: TfBlock) => P | undefined,
): ArmResource<P>[] {
  return blocks.flatMap((b) => {
    const name = b.str("name");
    const p = name ? properties(b) : undefined;
    return p ? [{ name, properties: p } as ArmResource<P>] : [];
  });
}
