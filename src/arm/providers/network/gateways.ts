// Microsoft.Network virtualNetworkGateways, localNetworkGateways, connections and networkWatchers: the hybrid
// edge (on-premises prefixes, BGP-learned routes as vnetlab input) and the regional Network Watcher.
import type { ArmResource, SubResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import {
  type ConnectionProperties,
  type LocalNetworkGatewayProperties,
  NetworkTypes as N,
  type VirtualNetworkGatewayProperties,
} from "../../../model/resources/network.js";
import { parseIp } from "../../../net/index.js";
import type { ResourceTypeDef } from "../../resourceType.js";
import { checkName, keepGuid, normaliseLocation, propsOf, succeeded } from "../common.js";
import { connectionsUsing, publicIpUsers } from "./backReferences.js";
import { checkCount, listOf, oneOf, refuseInUse, resolve } from "./references.js";
import { armPrefix } from "./virtualNetworks.js";

type GatewayIpConfiguration = ArmResource<{
  subnet?: SubResource;
  publicIPAddress?: SubResource;
  privateIPAllocationMethod?: string;
  provisioningState?: string;
}>;

export const virtualNetworkGateways: ResourceTypeDef = {
  type: N.virtualNetworkGateway,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    normaliseLocation(r, ctx);
    const p = propsOf(r) as VirtualNetworkGatewayProperties & Record<string, unknown>;
    p.gatewayType = oneOf(
      p.gatewayType ?? "Vpn",
      ["Vpn", "ExpressRoute", "LocalGateway"] as const,
      `${r.id}/properties/gatewayType`,
    );
    if (p.gatewayType === "Vpn")
      p.vpnType = oneOf(
        p.vpnType ?? "RouteBased",
        ["RouteBased", "PolicyBased"] as const,
        `${r.id}/properties/vpnType`,
      );
    p.enableBgp ??= false;
    p.activeActive ??= false;
    const configs = listOf<GatewayIpConfiguration>(p.ipConfigurations);
    for (const c of configs) {
      checkName(c);
      c.id = `${r.id}/ipConfigurations/${c.name}`;
      c.type = `${N.virtualNetworkGateway}/ipConfigurations`;
      const cp = (c.properties ??= {});
      cp.privateIPAllocationMethod ??= "Dynamic";
      cp.provisioningState = "Succeeded";
    }
    p.ipConfigurations = configs as VirtualNetworkGatewayProperties["ipConfigurations"];
    if (p.enableBgp) {
      const bgp = (p.bgpSettings ??= {}) as Record<string, unknown>;
      bgp.asn ??= 65515;
      bgp.peerWeight ??= 0;
    }
    keepGuid(r, ctx);
    return succeeded(r);
  },
  validate(r, ctx) {
    const estate = ctx.before();
    for (const c of listOf<GatewayIpConfiguration>(propsOf(r).ipConfigurations)) {
      const subnet = resolve(estate, c.properties?.subnet, N.subnet, r.id, r.location);
      if (!subnet || subnet.name.toLowerCase() !== "gatewaysubnet") {
        // [OBS] code GatewaySubnet (AKS's catalog of NRP errors); message [INF] from the documented rule that
        // gateways live in the subnet named GatewaySubnet.
        throw new VnetlabError(
          "GatewaySubnet",
          `Virtual network gateway ${r.id} must be deployed in the subnet named 'GatewaySubnet'; IP configuration ${c.id} references ${subnet?.id ?? "no subnet"}.`,
          { target: c.id },
        );
      }
      const pip = resolve(estate, c.properties?.publicIPAddress, N.publicIPAddress, r.id, r.location);
      const users = pip ? publicIpUsers(estate, pip.id, r.id) : [];
      if (pip && users.length > 0) {
        // [OBS] PublicIPAddressInUse's message shape (see networkInterfaces.ts).
        throw new VnetlabError(
          "PublicIPAddressInUse",
          `Resource ${c.id} is referencing public IP address ${pip.id} that is already allocated to resource ${users[0]!.id}.`,
          { target: c.id },
        );
      }
    }
  },
  checkDelete(r, estate) {
    refuseInUse(
      "InUseVirtualNetworkGatewayCannotBeDeleted", // [INF] code and message
      connectionsUsing(estate, r.id),
      (ids) =>
        `Virtual network gateway ${r.id} cannot be deleted because it is in use by the following connections: ${ids}.`,
      r.id,
    );
  },
};

export const localNetworkGateways: ResourceTypeDef = {
  type: N.localNetworkGateway,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    normaliseLocation(r, ctx);
    const p = propsOf(r) as LocalNetworkGatewayProperties & Record<string, unknown>;
    p.localNetworkAddressSpace ??= { addressPrefixes: [] };
    for (const x of p.localNetworkAddressSpace.addressPrefixes ?? []) armPrefix(x, r.id);
    if (p.gatewayIpAddress !== undefined && !parseIp(String(p.gatewayIpAddress))) {
      // [INF] code: a malformed address is a malformed body.
      throw new VnetlabError(
        "InvalidRequestFormat",
        `Gateway IP address '${String(p.gatewayIpAddress)}' of ${r.id} is not an IP address.`,
        { target: r.id },
      );
    }
    keepGuid(r, ctx);
    return succeeded(r);
  },
  checkDelete(r, estate) {
    refuseInUse(
      "InUseLocalNetworkGatewayCannotBeDeleted", // [INF] code and message
      connectionsUsing(estate, r.id),
      (ids) =>
        `Local network gateway ${r.id} cannot be deleted because it is in use by the following connections: ${ids}.`,
      r.id,
    );
  },
};

export const connections: ResourceTypeDef = {
  type: N.connection,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    normaliseLocation(r, ctx);
    const p = propsOf(r) as ConnectionProperties & Record<string, unknown>;
    p.connectionType = oneOf(
      p.connectionType,
      ["IPsec", "Vnet2Vnet", "ExpressRoute", "VPNClient"] as const,
      `${r.id}/properties/connectionType`,
    );
    p.enableBgp ??= false;
    p.routingWeight ??= 0;
    // [INF] vnetlab has no tunnels to bring up: a connection between known gateways is Connected.
    p.connectionStatus = "Connected";
    keepGuid(r, ctx);
    return succeeded(r);
  },
  validate(r, ctx) {
    const estate = ctx.before();
    const p = propsOf(r) as ConnectionProperties & { virtualNetworkGateway2?: SubResource };
    const gw1 = resolve(estate, p.virtualNetworkGateway1, N.virtualNetworkGateway, r.id, r.location);
    if (!gw1)
      throw new VnetlabError(
        "InvalidRequestFormat",
        `Connection ${r.id} must reference virtualNetworkGateway1.`,
        { target: r.id },
      );
    // [INF] the REST spec's rule: IPsec needs a local network gateway, Vnet2Vnet a second VNet gateway.
    if (
      p.connectionType === "IPsec" &&
      !resolve(estate, p.localNetworkGateway2, N.localNetworkGateway, r.id)
    ) {
      throw new VnetlabError(
        "InvalidRequestFormat",
        `An IPsec connection ${r.id} must reference localNetworkGateway2.`,
        { target: r.id },
      );
    }
    if (
      p.connectionType === "Vnet2Vnet" &&
      !resolve(estate, p.virtualNetworkGateway2, N.virtualNetworkGateway, r.id)
    ) {
      throw new VnetlabError(
        "InvalidRequestFormat",
        `A Vnet2Vnet connection ${r.id} must reference virtualNetworkGateway2.`,
        { target: r.id },
      );
    }
  },
};

export const networkWatchers: ResourceTypeDef = {
  type: N.networkWatcher,
  location: "required",
  prepare(r, ctx) {
    checkName(r);
    normaliseLocation(r, ctx);
    r.properties = {};
    return succeeded(r);
  },
  validate(r, ctx) {
    // [INF] code (see checkCount); Network Watcher is one per region per subscription [S27].
    checkCount(r, ctx, {
      code: "NetworkWatcherCountLimitReached",
      max: 1,
      noun: "network watchers",
      perRegion: true,
    });
  },
};
