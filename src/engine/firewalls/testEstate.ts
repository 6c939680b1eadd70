// Test fixtures for the firewall suites: small ARM resources compiled with the real compileEstate, a tiny
// deterministic service-tag table, and request origins.
import type { ArmResource } from "../../model/arm.js";
import { compileEstate } from "../../model/compileEstate.js";
import type { Estate } from "../../model/estate.js";
import { ServiceTags } from "../../model/serviceTags.js";
import { type IpAddress, parseIp } from "../../net/index.js";
import { evaluateFirewall } from "./index.js";
import type { FirewallRequest, FirewallResult, RequestOrigin } from "./types.js";

export const SUB = "11111111-1111-1111-1111-111111111111";
export const OTHER_SUB = "22222222-2222-2222-2222-222222222222";
export const TENANT = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
export const OTHER_TENANT = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";

export const rg = (sub = SUB, group = "rg-lab"): string => `/subscriptions/${sub}/resourceGroups/${group}`;

/** A small service-tag table: AzureCloud holds 20.0.0.0/8 and 52.0.0.0/8; 198.51.100.0/24 is the internet. */
export const testTags = ServiceTags.parse(
  {
    values: [
      { name: "AzureCloud", properties: { region: "", addressPrefixes: ["20.0.0.0/8", "52.0.0.0/8"] } },
      { name: "AzureCloud.eastus", properties: { region: "eastus", addressPrefixes: ["20.0.0.0/9"] } },
      { name: "AzureFrontDoor.Backend", properties: { region: "", addressPrefixes: ["147.243.0.0/16"] } },
      { name: "AzureCosmosDB", properties: { region: "", addressPrefixes: ["52.176.0.0/16"] } },
    ],
  },
  "test tags",
);

export function ip(text: string): IpAddress {
  const a = parseIp(text);
  if (!a) throw new Error(`bad test address ${text}`);
  return a;
}

export function vnetId(vnet: string, sub = SUB): string {
  return `${rg(sub)}/providers/Microsoft.Network/virtualNetworks/${vnet}`;
}

export function subnetId(vnet: string, subnet: string, sub = SUB): string {
  return `${vnetId(vnet, sub)}/subnets/${subnet}`;
}

/** A VNet and its subnets as separate ARM resources (ids under the VNet), with the given service endpoints. */
export function network(
  name: string,
  location: string,
  subnets: { name: string; prefix: string; serviceEndpoints?: string[] }[],
  sub = SUB,
): ArmResource[] {
  const vnet: ArmResource = {
    id: vnetId(name, sub),
    name,
    type: "Microsoft.Network/virtualNetworks",
    location,
    properties: { addressSpace: { addressPrefixes: ["10.0.0.0/8"] } },
  };
  return [
    vnet,
    ...subnets.map((s) => ({
      id: subnetId(name, s.name, sub),
      name: s.name,
      type: "Microsoft.Network/virtualNetworks/subnets",
      properties: {
        addressPrefix: s.prefix,
        serviceEndpoints: (s.serviceEndpoints ?? []).map((service) => ({ service })),
      },
    })),
  ];
}

export function subscription(sub: string, tenantId: string): ArmResource {
  return { id: `/subscriptions/${sub}`, name: sub, type: "Microsoft.Resources/subscriptions", tenantId };
}

export function resource(
  type: string,
  name: string,
  location: string,
  properties: Record<string, unknown>,
  extra: Partial<ArmResource> = {},
): ArmResource {
  const [ns, ...types] = type.split("/");
  return {
    id: `${rg()}/providers/${ns}/${types[0]}/${name}`,
    name,
    type,
    location,
    properties,
    ...extra,
  };
}

export function estateOf(resources: readonly ArmResource[]): Estate {
  return compileEstate(resources, { serviceTags: testTags });
}

export function seOrigin(subnet: string, privateIp = "10.1.1.4", region = "eastus"): RequestOrigin {
  const vnet = subnet.slice(0, subnet.toLowerCase().lastIndexOf("/subnets/"));
  return { kind: "serviceEndpoint", subnetId: subnet, vnetId: vnet, privateIp: ip(privateIp), region };
}

export function publicOrigin(
  address: string | undefined,
  more: { azureRegion?: string; fromOnPremises?: boolean } = {},
): RequestOrigin {
  return { kind: "public", ip: address === undefined ? undefined : ip(address), ...more };
}

export function peOrigin(name = "pe-data"): RequestOrigin {
  return {
    kind: "privateEndpoint",
    privateEndpointId: `${rg()}/providers/Microsoft.Network/privateEndpoints/${name}`,
    sourceIp: ip("10.9.0.4"),
  };
}

/** Evaluates a request against the compiled copy of `id` in the estate (the copy the firewall caches). */
export function check(
  estate: Estate,
  id: string,
  origin: RequestOrigin,
  more: Partial<FirewallRequest> = {},
): FirewallResult {
  const r = estate.get(id);
  if (!r) throw new Error(`no resource ${id} in the test estate`);
  return evaluateFirewall(r, { origin, port: 443, ...more }, estate);
}
