// The data plane's decisions are the engine's: a connection opens, is dropped at the network, or names nothing;
// each request on an open connection meets the firewall of the estate as it is then.
import { describe, expect, it } from "vitest";
import { checkRequest, openFlow } from "./pipeline.js";
import { sourcesOf } from "./sources.js";
import { lab, propsOf } from "./testLab.js";

const estate = lab();
const source = (name: string) => sourcesOf(estate).find((s) => s.name === name)!;
const facts = {
  secure: true,
  requestId: "11111111-2222-3333-4444-555555555555",
  time: new Date("2026-01-02T03:04:05.678Z"),
};

describe("opening a connection", () => {
  it("vm-app to its account: open, over the service endpoint, seen as 10.0.1.4", () => {
    const d = openFlow(estate, source("vm-app"), "stgworkloads.blob.core.windows.net", 443);
    expect(d.kind).toBe("open");
    if (d.kind !== "open") return;
    expect(d.flow).toMatchObject({
      kind: "storage",
      subresource: "blob",
      sourceIp: "10.0.1.4",
      path: "serviceEndpoint",
    });
    expect(d.flow.origin.kind).toBe("serviceEndpoint");
  });

  it("vm-app to the foreign account: dropped by the service endpoint policy (§5)", () => {
    const d = openFlow(estate, source("vm-app"), "stgexternal01.blob.core.windows.net", 443);
    expect(d.kind).toBe("drop");
    if (d.kind === "drop") expect(d.trace.decidedBy.stage).toBe("policy");
  });

  it("vm-app over port 80: dropped by nsg-app, which lets only 443 out to Storage", () => {
    const d = openFlow(estate, source("vm-app"), "stgworkloads.blob.core.windows.net", 80);
    expect(d.kind).toBe("drop");
    if (d.kind === "drop")
      expect(d.trace.decidedBy).toMatchObject({ stage: "nsg", rule: "securityRules/Deny-Internet-Outbound" });
  });

  it("names nothing answers to, and addresses that are not services", () => {
    expect(openFlow(estate, source("vm-app"), "nosuch.blob.core.windows.net", 443)).toMatchObject({
      kind: "unresolved",
    });
    expect(openFlow(estate, source("vm-web"), "10.0.1.4", 443)).toMatchObject({ kind: "notService" });
  });

  it("the secondary host of an RA-GRS account maps to its secondary sub-resource", () => {
    const ragrs = lab(
      (r) => void (r.find((x) => x.name === "stgexternal01")!.sku = { name: "Standard_RAGRS" }),
    );
    const web = sourcesOf(ragrs).find((s) => s.name === "vm-web")!;
    const d = openFlow(ragrs, web, "stgexternal01-secondary.blob.core.windows.net", 443);
    expect(d.kind === "open" && d.flow.subresource).toBe("blob_secondary");
  });
});

describe("each request", () => {
  it("from the internet gets storage's exact 403, with this request's id and time", () => {
    const d = openFlow(estate, source("internet"), "stgworkloads.blob.core.windows.net", 443);
    if (d.kind !== "open") throw new Error(d.kind);
    const r = checkRequest(estate, d.flow, facts);
    expect(r?.decision).toBe("Deny");
    if (r?.decision !== "Deny") return;
    expect(r.response.headers).toMatchObject({
      "x-ms-error-code": "AuthorizationFailure",
      "x-ms-request-id": facts.requestId,
    });
    expect(r.response.body).toBe(
      `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationFailure</Code><Message>This request is not authorized to perform this operation.\nRequestId:${facts.requestId}\nTime:2026-01-02T03:04:05.6780000Z</Message></Error>`,
    );
  });

  it("over plain http, meets storage's secure transfer requirement first: 400 AccountRequiresHttps", () => {
    const d = openFlow(estate, source("vm-web"), "stgworkloads.blob.core.windows.net", 80);
    if (d.kind !== "open") throw new Error(d.kind);
    const r = checkRequest(estate, d.flow, { ...facts, secure: false });
    expect(r).toMatchObject({ decision: "Deny", rule: "supportsHttpsTrafficOnly=true" });
    if (r?.decision !== "Deny") return;
    expect(r.response).toMatchObject({ status: 400, code: "AccountRequiresHttps" });
    expect(r.response.headers).toMatchObject({ "x-ms-error-code": "AccountRequiresHttps" });
    const relaxed = lab((rs) => {
      propsOf(rs, "stgworkloads").supportsHttpsTrafficOnly = false;
    });
    expect(checkRequest(relaxed, d.flow, { ...facts, secure: false })?.decision).toBe("Allow");
  });

  it("is checked against the estate of the moment: the connection keeps its origin, the rules are new", () => {
    const d = openFlow(estate, source("vm-web"), "stgworkloads.blob.core.windows.net", 443);
    if (d.kind !== "open") throw new Error(d.kind);
    expect(checkRequest(estate, d.flow, facts)?.decision).toBe("Allow");
    const closed = lab((r) => {
      const acls = propsOf(r, "stgworkloads").networkAcls as { virtualNetworkRules: { id: string }[] };
      acls.virtualNetworkRules = acls.virtualNetworkRules.filter((v) => !v.id.endsWith("snet-web"));
    });
    expect(checkRequest(closed, d.flow, facts)).toMatchObject({
      decision: "Deny",
      rule: "networkAcls.defaultAction=Deny",
    });
    const gone = lab((r) =>
      r.splice(
        r.findIndex((x) => x.name === "stgworkloads"),
        1,
      ),
    );
    expect(checkRequest(gone, d.flow, facts)).toBeUndefined();
  });
});
