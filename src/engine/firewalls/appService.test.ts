import { describe, expect, it } from "vitest";
import type { ArmResource } from "../../model/arm.js";
import {
  check,
  estateOf,
  network,
  peOrigin,
  publicOrigin,
  resource,
  rg,
  seOrigin,
  subnetId,
} from "./testEstate.js";

const SUBNET = subnetId("vnet-app", "snet-app");
const OTHER = subnetId("vnet-app", "snet-other");
const MAIN = "app-lab.azurewebsites.net";
const SCM = "app-lab.scm.azurewebsites.net";

function site(siteConfig: Record<string, unknown>, props: Record<string, unknown> = {}): ArmResource {
  return resource("Microsoft.Web/sites", "app-lab", "eastus", { siteConfig, ...props });
}

function estateWith(app: ArmResource, extra: ArmResource[] = []) {
  return estateOf([
    ...network("vnet-app", "eastus", [
      { name: "snet-app", prefix: "10.1.1.0/24", serviceEndpoints: ["Microsoft.Web"] },
      { name: "snet-other", prefix: "10.1.2.0/24", serviceEndpoints: ["Microsoft.Web"] },
      { name: "snet-pe", prefix: "10.1.3.0/24" },
    ]),
    app,
    ...extra,
  ]);
}

const allowOffice = { name: "office", priority: 100, action: "Allow", ipAddress: "203.0.113.0/24" };

describe("semantics §4.6 unmatched rule: no rules → allow; one or more rules → deny unless set", () => {
  it("§11 example 9: one Allow IP rule and no default action denies everything else; scm is unaffected", () => {
    const app = site({ ipSecurityRestrictions: [allowOffice] });
    const estate = estateWith(app);
    expect(check(estate, app.id, publicOrigin("203.0.113.8"), { host: MAIN })).toMatchObject({
      decision: "Allow",
      rule: "ipSecurityRestrictions[office] priority 100",
    });
    const r = check(estate, app.id, publicOrigin("198.51.100.8"), { host: MAIN });
    if (r.decision !== "Deny") throw new Error("expected a denial");
    expect(r.rule).toBe("ipSecurityRestrictions unmatched rule (implicit Deny)");
    expect(r.response.status).toBe(403);
    expect(check(estate, app.id, publicOrigin("198.51.100.8"), { host: SCM })).toMatchObject({
      decision: "Allow",
      rule: "scmIpSecurityRestrictions unmatched rule (implicit Allow)",
    });
  });

  it("an explicit default action Allow with a Deny rule blocks one address only", () => {
    const app = site({
      ipSecurityRestrictionsDefaultAction: "Allow",
      ipSecurityRestrictions: [
        { name: "block-one", priority: 100, action: "Deny", ipAddress: "198.51.100.66/32" },
      ],
    });
    const estate = estateWith(app);
    expect(check(estate, app.id, publicOrigin("198.51.100.66")).rule).toBe(
      "ipSecurityRestrictions[block-one] priority 100",
    );
    expect(check(estate, app.id, publicOrigin("198.51.100.67"))).toMatchObject({
      decision: "Allow",
      rule: "ipSecurityRestrictionsDefaultAction=Allow",
    });
  });
});

describe("semantics §4.6: rules run by ascending priority, ties in API list order", () => {
  it("a lower-priority-number Deny beats a later Allow for the same address", () => {
    const app = site({
      ipSecurityRestrictions: [
        { ...allowOffice, priority: 300 },
        { name: "deny-all", priority: 200, action: "Deny", ipAddress: "0.0.0.0/0" },
      ],
    });
    expect(check(estateWith(app), app.id, publicOrigin("203.0.113.8"))).toMatchObject({
      decision: "Deny",
      rule: "ipSecurityRestrictions[deny-all] priority 200",
    });
  });

  it("equal priorities keep the listed order", () => {
    const app = site({
      ipSecurityRestrictions: [
        { name: "first", priority: 100, action: "Deny", ipAddress: "203.0.113.0/24" },
        { name: "second", priority: 100, action: "Allow", ipAddress: "203.0.113.0/24" },
      ],
    });
    expect(check(estateWith(app), app.id, publicOrigin("203.0.113.8")).rule).toBe(
      "ipSecurityRestrictions[first] priority 100",
    );
  });
});

describe("semantics §4.6: service-tag, vnetSubnetResourceId and AnyVnets rules", () => {
  it("a ServiceTag rule matches addresses of the tag", () => {
    const app = site({
      ipSecurityRestrictions: [
        {
          name: "afd",
          priority: 100,
          action: "Allow",
          ipAddress: "AzureFrontDoor.Backend",
          tag: "ServiceTag",
        },
      ],
    });
    const estate = estateWith(app);
    expect(check(estate, app.id, publicOrigin("147.243.1.2")).decision).toBe("Allow");
    expect(check(estate, app.id, publicOrigin("198.51.100.1")).decision).toBe("Deny");
  });

  it("a subnet rule admits that subnet's service-endpoint traffic only", () => {
    const app = site({
      ipSecurityRestrictions: [
        { name: "snet", priority: 100, action: "Allow", vnetSubnetResourceId: SUBNET },
      ],
    });
    const estate = estateWith(app);
    expect(check(estate, app.id, seOrigin(SUBNET)).decision).toBe("Allow");
    expect(check(estate, app.id, seOrigin(OTHER)).decision).toBe("Deny");
  });

  it("AnyVnets admits any service-endpoint subnet but no public client", () => {
    const app = site({
      ipSecurityRestrictions: [{ name: "vnets", priority: 100, action: "Allow", ipAddress: "AnyVnets" }],
    });
    const estate = estateWith(app);
    expect(check(estate, app.id, seOrigin(OTHER)).decision).toBe("Allow");
    expect(check(estate, app.id, publicOrigin("203.0.113.8")).decision).toBe("Deny");
  });

  it("IP rules never match service-endpoint traffic, even for its private range", () => {
    const app = site({
      ipSecurityRestrictions: [{ name: "private", priority: 100, action: "Allow", ipAddress: "10.1.1.0/24" }],
    });
    expect(check(estateWith(app), app.id, seOrigin(SUBNET, "10.1.1.4")).decision).toBe("Deny");
  });
});

describe("semantics §4.6: header filters need the request's headers", () => {
  const app = site({
    ipSecurityRestrictions: [
      {
        name: "afd-mine",
        priority: 100,
        action: "Allow",
        ipAddress: "AzureFrontDoor.Backend",
        tag: "ServiceTag",
        headers: { "x-azure-fdid": ["c0ffee00-0000-0000-0000-000000000001"] },
      },
    ],
  });
  const estate = estateWith(app);

  it("without headers the rule cannot match, and the reason says so", () => {
    const r = check(estate, app.id, publicOrigin("147.243.1.2"));
    expect(r.decision).toBe("Deny");
    expect(r.reason).toContain("cannot evaluate header filters without the request's headers");
  });

  it("with the right header it matches; with another value it does not", () => {
    const ok = { "X-Azure-FDID": "c0ffee00-0000-0000-0000-000000000001" };
    expect(check(estate, app.id, publicOrigin("147.243.1.2"), { headers: ok }).decision).toBe("Allow");
    const bad = { "X-Azure-FDID": "someone-else" };
    expect(check(estate, app.id, publicOrigin("147.243.1.2"), { headers: bad }).decision).toBe("Deny");
  });
});

describe("semantics §4.6: scmIpSecurityRestrictionsUseMain makes the scm site use the main rules", () => {
  it("the scm host is then refused like the main site", () => {
    const app = site({ ipSecurityRestrictions: [allowOffice], scmIpSecurityRestrictionsUseMain: true });
    const estate = estateWith(app);
    expect(check(estate, app.id, publicOrigin("198.51.100.8"), { host: SCM }).decision).toBe("Deny");
    expect(check(estate, app.id, publicOrigin("203.0.113.8"), { host: SCM }).decision).toBe("Allow");
  });

  it("otherwise the scm host uses its own list", () => {
    const app = site({
      ipSecurityRestrictions: [allowOffice],
      scmIpSecurityRestrictions: [
        { name: "ci", priority: 100, action: "Allow", ipAddress: "198.51.100.0/24" },
      ],
    });
    const estate = estateWith(app);
    expect(check(estate, app.id, publicOrigin("198.51.100.8"), { host: SCM }).rule).toBe(
      "scmIpSecurityRestrictions[ci] priority 100",
    );
    expect(check(estate, app.id, publicOrigin("198.51.100.8"), { host: MAIN }).decision).toBe("Deny");
  });
});

describe("semantics §4.6 app access: publicNetworkAccess, null meaning 'enabled unless a private endpoint exists'", () => {
  it("Disabled refuses public clients; private endpoint traffic skips every rule", () => {
    const app = site({ ipSecurityRestrictions: [allowOffice] }, { publicNetworkAccess: "Disabled" });
    const estate = estateWith(app);
    expect(check(estate, app.id, publicOrigin("203.0.113.8")).rule).toBe("publicNetworkAccess=Disabled");
    expect(check(estate, app.id, peOrigin()).decision).toBe("Allow");
  });

  it("unset, with a private endpoint present, refuses public clients", () => {
    const app = site({});
    const pe: ArmResource = {
      id: `${rg()}/providers/Microsoft.Network/privateEndpoints/pe-app`,
      name: "pe-app",
      type: "Microsoft.Network/privateEndpoints",
      location: "eastus",
      properties: {
        subnet: { id: subnetId("vnet-app", "snet-pe") },
        privateLinkServiceConnections: [
          { name: "c", properties: { privateLinkServiceId: app.id, groupIds: ["sites"] } },
        ],
      },
    };
    const r = check(estateWith(app, [pe]), app.id, publicOrigin("203.0.113.8"));
    expect(r).toMatchObject({
      decision: "Deny",
      rule: "publicNetworkAccess=null (private endpoint present)",
    });
    expect(check(estateWith(app), app.id, publicOrigin("203.0.113.8")).decision).toBe("Allow");
  });
});
