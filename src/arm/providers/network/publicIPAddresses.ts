// Microsoft.Network/publicIPAddresses (Standard and Basic SKUs), NAT gateways and application security groups:
// the small regional resources NICs, gateways and subnets point at.
import type { SubResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import { NetworkTypes as N, type PublicIPAddressProperties } from "../../../model/resources/network.js";
import { fnv1a32, pickAddress } from "../../../model/publicEndpoints.js";
import { idKey, sameId } from "../../../model/resourceId.js";
import { formatIp, parseIpv4 } from "../../../net/index.js";
import type { ResourceTypeDef, WriteContext } from "../../resourceType.js";
import type { ArmResource } from "../../../model/arm.js";
import { checkName, keepGuid, normaliseLocation, propsOf, succeeded } from "../common.js";
import { asgUsers, publicIpUsers, subnetsReferencing } from "./backReferences.js";
import { listOf, oneOf, refuseInUse, resolve } from "./references.js";

/**
 * A stable address inside AzureCloud.<region>, distinct from the other public IPs of the estate. Azure's real
 * addresses can't be known offline; what matters is the tag the address falls in (§3.4) [INF].
 */
function allocatePublicAddress(r: ArmResource, ctx: WriteContext): string | undefined {
  const tag =
    ctx.serviceTags.regional("AzureCloud", r.location ?? "") ?? ctx.serviceTags.global("AzureCloud");
  if (!tag) return undefined;
  const taken = new Set(
    ctx
      .before()
      .ofType<PublicIPAddressProperties>(N.publicIPAddress)
      .filter((p) => !sameId(p.id, r.id))
      .map((p) => p.properties?.ipAddress),
  );
  const seed = fnv1a32(idKey(r.id));
  for (let i = 0; i < 64; i++) {
    const ip = pickAddress(tag.prefixes, (seed + i) >>> 0);
    if (ip && !taken.has(formatIp(ip))) return formatIp(ip);
  }
  return undefined;
}

export const publicIPAddresses: ResourceTypeDef = {
  type: N.publicIPAddress,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    normaliseLocation(r, ctx);
    // [INF] ARM's default SKU was Basic; Basic is retired (2025), so vnetlab defaults to Standard.
    const skuName = oneOf(r.sku?.name ?? "Standard", ["Standard", "Basic"] as const, `${r.id}/sku/name`);
    r.sku = { name: skuName, tier: r.sku?.tier ?? "Regional" };
    const p = propsOf(r) as PublicIPAddressProperties & Record<string, unknown>;
    p.publicIPAllocationMethod = p.publicIPAllocationMethod
      ? oneOf(
          p.publicIPAllocationMethod,
          ["Static", "Dynamic"] as const,
          `${r.id}/properties/publicIPAllocationMethod`,
        )
      : skuName === "Standard"
        ? "Static"
        : "Dynamic";
    if (skuName === "Standard" && p.publicIPAllocationMethod === "Dynamic") {
      // [OBS] code (CLI emulators quoting ARM); message [INF].
      throw new VnetlabError(
        "StandardSkuPublicIPAddressesCannotHaveDynamicAllocation",
        `Standard sku publicIp ${r.id} must have AllocationMethod set to Static.`,
        { target: r.id },
      );
    }
    p.publicIPAddressVersion = p.publicIPAddressVersion
      ? oneOf(p.publicIPAddressVersion, ["IPv4", "IPv6"] as const, r.id)
      : "IPv4";
    p.idleTimeoutInMinutes ??= 4;
    p.ipTags ??= [];
    // The address is read-only in Azure; vnetlab keeps the one it gave before, or one an estate file states
    // (so that firewall rules written against real addresses keep matching) [INF].
    const prior = (ctx.existing?.properties as PublicIPAddressProperties | undefined)?.ipAddress;
    const stated =
      typeof p.ipAddress === "string" && parseIpv4(p.ipAddress) !== undefined ? p.ipAddress : undefined;
    const address =
      prior ?? stated ?? (p.publicIPAddressVersion === "IPv4" ? allocatePublicAddress(r, ctx) : undefined);
    if (address) p.ipAddress = address;
    else delete p.ipAddress;
    for (const key of ["ipConfiguration", "natGateway"]) delete p[key]; // read-only, computed on read
    keepGuid(r, ctx);
    return succeeded(r);
  },
  checkDelete(r, estate) {
    // [OBS] "Public IP address X can not be deleted since it is still allocated to resource Y."
    refuseInUse(
      "PublicIPAddressCannotBeDeleted",
      publicIpUsers(estate, r.id),
      (ids) => `Public IP address ${r.id} can not be deleted since it is still allocated to resource ${ids}.`,
      r.id,
    );
  },
  present(r, estate) {
    const p = propsOf(r);
    for (const u of publicIpUsers(estate, r.id)) {
      if (/\/natGateways\/[^/]+$/i.test(u.id)) p.natGateway = u;
      else p.ipConfiguration = u;
    }
    return r;
  },
};

export const natGateways: ResourceTypeDef = {
  type: N.natGateway,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    normaliseLocation(r, ctx);
    r.sku = {
      name: oneOf(r.sku?.name ?? "Standard", ["Standard", "StandardV2"] as const, `${r.id}/sku/name`),
    };
    const p = propsOf(r);
    p.idleTimeoutInMinutes ??= 4;
    p.publicIpAddresses = listOf(p.publicIpAddresses);
    p.publicIpPrefixes = listOf(p.publicIpPrefixes);
    delete p.subnets; // read-only, computed on read
    keepGuid(r, ctx);
    return succeeded(r);
  },
  validate(r, ctx) {
    const estate = ctx.before();
    for (const ref of listOf<SubResource>(propsOf(r).publicIpAddresses)) {
      const pip = resolve(estate, ref, N.publicIPAddress, r.id, r.location);
      const users = pip ? publicIpUsers(estate, pip.id, r.id) : [];
      if (pip && users.length > 0) {
        // [OBS] PublicIPAddressInUse's message shape (see networkInterfaces.ts).
        throw new VnetlabError(
          "PublicIPAddressInUse",
          `Resource ${r.id} is referencing public IP address ${pip.id} that is already allocated to resource ${users[0]!.id}.`,
          { target: r.id },
        );
      }
    }
  },
  checkDelete(r, estate) {
    // [OBS] code (stackshy/cloudemu#967 and other Azure emulators' catalogs); message [INF].
    refuseInUse(
      "InUseNatGatewayCannotBeDeleted",
      subnetsReferencing(estate, "natGateway", r.id),
      (ids) =>
        `Nat Gateway ${r.id} cannot be deleted because it is in use by the following resources: ${ids}.`,
      r.id,
    );
  },
  present(r, estate) {
    const subnets = subnetsReferencing(estate, "natGateway", r.id);
    if (subnets.length) propsOf(r).subnets = subnets;
    return r;
  },
};

export const applicationSecurityGroups: ResourceTypeDef = {
  type: N.applicationSecurityGroup,
  location: "required",
  asyncWrites: true,
  prepare(r, ctx) {
    checkName(r);
    normaliseLocation(r, ctx);
    keepGuid(r, ctx);
    return succeeded(r);
  },
  checkDelete(r, estate) {
    // [OBS] message "Application Security Group X cannot be deleted because it is referenced by IpConfiguration(s)
    // ipconfig1." (Azure/azure-cli#12591); the code is not quoted there [INF].
    refuseInUse(
      "InUseApplicationSecurityGroupCannotBeDeleted",
      asgUsers(estate, r.id),
      (ids) => `Application Security Group ${r.name} cannot be deleted because it is referenced by ${ids}.`,
      r.id,
    );
  },
};
