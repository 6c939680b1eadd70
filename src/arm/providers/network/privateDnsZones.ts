// Microsoft.Network/privateDnsZones (location "global") with A record sets and virtual network links. Record sets
// and links are stored as their own resources — ARM lists them as their own collections — and the estate
// compiler folds them into the zone (src/model/children.ts).
import type { ArmResource, SubResource } from "../../../model/arm.js";
import { VnetlabError } from "../../../model/errors.js";
import type { Estate } from "../../../model/estate.js";
import {
  NetworkTypes as N,
  type PrivateDnsARecordProperties,
  type PrivateDnsVirtualNetworkLinkProperties,
} from "../../../model/resources/network.js";
import { parentId, sameId } from "../../../model/resourceId.js";
import { parseIpv4 } from "../../../net/index.js";
import type { ResourceTypeDef, WriteContext } from "../../resourceType.js";
import { checkName, keepGuid, propsOf, succeeded } from "../common.js";
import { listOf, resolve } from "./references.js";

/** Azure's documented per-zone limits, reported on the zone [S24: Azure DNS private zone limits]. */
const MAX_RECORD_SETS = 25000;
const MAX_LINKS = 1000;
const MAX_REGISTRATION_LINKS = 100;

/** Private DNS resources are global: ARM accepts only "global" [INF: the specs' examples always send it]. */
function globalLocation(r: ArmResource): void {
  if (r.location === undefined || r.location === "") r.location = "global";
  if (r.location.toLowerCase() !== "global") {
    throw new VnetlabError(
      "InvalidResourceLocation",
      `The provided location '${r.location}' is not available for resource type '${r.type}'. List of available regions for the resource type is 'global'.`,
      {
        target: r.id,
      },
    );
  }
  r.location = "global";
}

/** A DNS zone name: two or more labels of letters, digits and hyphens [INF: RFC 1035 as ARM applies it]. */
function checkZoneName(r: ArmResource): void {
  if (
    !/^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(
      r.name,
    )
  ) {
    throw new VnetlabError(
      "InvalidResourceName",
      `The zone name '${r.name}' is invalid. A zone name must have at least two labels of letters, digits and hyphens.`,
      {
        target: r.id,
      },
    );
  }
}

function childrenOf(estate: Estate, zoneId: string, type: string): ArmResource[] {
  return estate.ofType(type).filter((c) => sameId(parentId(c.id), zoneId));
}

export const privateDnsZones: ResourceTypeDef = {
  type: N.privateDnsZone,
  location: "global",
  asyncWrites: true,
  prepare(r, ctx) {
    checkZoneName(r);
    globalLocation(r);
    const p = propsOf(r);
    // Record sets and links are their own resources; anything sent inline is read-only here [INF].
    for (const key of [
      "A",
      "virtualNetworkLinks",
      "numberOfRecordSets",
      "numberOfVirtualNetworkLinks",
      "numberOfVirtualNetworkLinksWithRegistration",
    ])
      delete p[key];
    p.maxNumberOfRecordSets = MAX_RECORD_SETS;
    p.maxNumberOfVirtualNetworkLinks = MAX_LINKS;
    p.maxNumberOfVirtualNetworkLinksWithRegistration = MAX_REGISTRATION_LINKS;
    keepGuid(r, ctx, "internalId");
    return succeeded(r);
  },
  present(r, estate) {
    const p = propsOf(r);
    const links = childrenOf(
      estate,
      r.id,
      N.privateDnsVirtualNetworkLink,
    ) as ArmResource<PrivateDnsVirtualNetworkLinkProperties>[];
    p.numberOfRecordSets = childrenOf(estate, r.id, N.privateDnsARecord).length + 1; // + the SOA record set
    p.numberOfVirtualNetworkLinks = links.length;
    p.numberOfVirtualNetworkLinksWithRegistration = links.filter(
      (l) => l.properties?.registrationEnabled,
    ).length;
    return r;
  },
};

export const privateDnsARecords: ResourceTypeDef = {
  type: N.privateDnsARecord,
  location: "none",
  prepare(r) {
    if (
      !/^(@|\*|(\*\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*)$/i.test(
        r.name,
      )
    ) {
      throw new VnetlabError("InvalidResourceName", `The record set name '${r.name}' is invalid.`, {
        target: r.id,
      });
    }
    delete r.location;
    const p = propsOf(r) as PrivateDnsARecordProperties & Record<string, unknown>;
    p.ttl ??= 3600;
    p.aRecords = listOf<{ ipv4Address: string }>(p.aRecords);
    for (const a of p.aRecords) {
      if (typeof a?.ipv4Address !== "string" || parseIpv4(a.ipv4Address) === undefined) {
        // [INF] code; an A record holds an IPv4 address (RFC 1035).
        throw new VnetlabError(
          "InvalidRequestFormat",
          `The A record '${String(a?.ipv4Address)}' of record set ${r.id} is not an IPv4 address.`,
          { target: r.id },
        );
      }
    }
    const zone = r.id.split("/")[8] ?? "";
    p.fqdn = `${r.name === "@" ? "" : `${r.name}.`}${zone}.`;
    p.isAutoRegistered = false;
    return r;
  },
};

function checkOneLinkPerVnet(r: ArmResource, vnet: SubResource, ctx: WriteContext): void {
  const other = childrenOf(ctx.before(), parentId(r.id) ?? "", N.privateDnsVirtualNetworkLink).find(
    (l) =>
      !sameId(l.id, r.id) &&
      sameId(
        (l.properties as PrivateDnsVirtualNetworkLinkProperties | undefined)?.virtualNetwork?.id,
        vnet.id,
      ),
  );
  if (other) {
    // "You can create only one link between a private DNS zone and a virtual network." (learn/dns/
    // private-dns-virtual-network-links); code [INF]: ARM answers Conflict-style errors for duplicates.
    throw new VnetlabError(
      "InvalidRequestFormat",
      `Virtual network ${vnet.id} is already linked to private DNS zone ${parentId(r.id) ?? ""} by ${other.id}. A zone can have only one link to a virtual network.`,
      {
        target: r.id,
      },
    );
  }
}

export const privateDnsVirtualNetworkLinks: ResourceTypeDef = {
  type: N.privateDnsVirtualNetworkLink,
  location: "global",
  asyncWrites: true,
  prepare(r) {
    checkName(r);
    globalLocation(r);
    const p = propsOf(r) as PrivateDnsVirtualNetworkLinkProperties & Record<string, unknown>;
    p.registrationEnabled = p.registrationEnabled === true;
    p.resolutionPolicy ??= "Default";
    p.virtualNetworkLinkState = "Completed";
    return succeeded(r);
  },
  validate(r, ctx) {
    const p = propsOf(r) as PrivateDnsVirtualNetworkLinkProperties;
    // A zone is global; the linked VNet may be in any region. [INF] same code as NRP for a missing reference.
    const vnet = resolve(ctx.before(), p.virtualNetwork, N.virtualNetwork, r.id);
    if (!vnet)
      throw new VnetlabError(
        "InvalidRequestFormat",
        `Virtual network link ${r.id} must reference a virtual network.`,
        { target: r.id },
      );
    checkOneLinkPerVnet(r, vnet, ctx);
    if (p.registrationEnabled) {
      const others = listOf<ArmResource<PrivateDnsVirtualNetworkLinkProperties>>(
        ctx.before().ofType(N.privateDnsVirtualNetworkLink),
      ).filter(
        (l) =>
          !sameId(l.id, r.id) &&
          l.properties?.registrationEnabled &&
          sameId(l.properties.virtualNetwork?.id, vnet.id),
      );
      if (others.length > 0) {
        // [S: learn/dns/private-dns-virtual-network-links] a VNet can be a registration network of one zone; code [INF].
        throw new VnetlabError(
          "InvalidRequestFormat",
          `Virtual network ${vnet.id} is already a registration virtual network of ${parentId(others[0]!.id) ?? ""}. A virtual network can have auto-registration enabled for one private DNS zone only.`,
          {
            target: r.id,
          },
        );
      }
    }
  },
};
