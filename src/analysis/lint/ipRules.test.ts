import { describe, expect, it } from "vitest";
import { resource, storageAccount, subnetId, vm, vnet } from "../../../test/fixtures/arm.js";
import { findingsOf } from "../../../test/fixtures/lint.js";

const net = vnet("vnet-app", "uksouth", ["10.1.0.0/16"], [{ name: "snet-app", prefix: "10.1.1.0/24" }]);
const SUBNET = subnetId(net, "snet-app");

const storageWith = (...values: string[]) =>
  storageAccount("stg1", "uksouth", {
    networkAcls: { defaultAction: "Deny", ipRules: values.map((value) => ({ value, action: "Allow" })) },
  });

describe("VNL004 IP rules that never match (semantics §4.1 R3, R9; §4.3; §4.7)", () => {
  it("reports private ranges and /31 and /32 ranges on a storage account", () => {
    const stg = storageWith(
      "10.20.0.0/16",
      "203.0.113.8/31",
      "198.51.100.7/32",
      "203.0.113.0/24",
      "198.51.100.9",
    );
    const found = findingsOf("VNL004", [net, stg]);
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining("networkAcls.ipRules[10.20.0.0/16] never matches: 10.20.0.0/16 is private"),
      expect.stringContaining(
        "networkAcls.ipRules[203.0.113.8/31] never matches: /31 ranges are not supported",
      ),
      expect.stringContaining(
        "networkAcls.ipRules[198.51.100.7/32] never matches: /32 ranges are not supported",
      ),
    ]);
    expect(found[0]!.fix).toContain("virtual network rule");
    expect(found[1]!.fix).toContain("single-address rules");
  });

  it("reports a rule naming the public IP of a VM in the account's region, not of one elsewhere", () => {
    const near = vm("vm-near", "uksouth", SUBNET, "10.1.1.4", { publicIp: "51.140.10.20" });
    const far = vm("vm-far", "eastus", SUBNET, "10.1.1.5", { publicIp: "52.168.10.20" });
    const stg = storageWith("51.140.10.20", "52.168.10.20");
    const found = findingsOf("VNL004", [net, ...near, ...far, stg]);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain("51.140.10.20 (pip-vm-near), in uksouth like the account");
  });

  it("reports a range inside the account region's AzureCloud addresses", () => {
    // 4.158.0.0/15 is in AzureCloud.uksouth in the bundled service tags
    const [f] = findingsOf("VNL004", [net, storageWith("4.158.1.0/24")]);
    expect(f!.message).toContain("lies in AzureCloud.uksouth");
  });

  it("applies Key Vault's own rules: private ranges never match, /32 ranges are fine", () => {
    const kv = resource("Microsoft.KeyVault/vaults", "kv1", "uksouth", {
      networkAcls: {
        defaultAction: "Deny",
        ipRules: [{ value: "192.168.1.0/24" }, { value: "203.0.113.7/32" }],
      },
    });
    const found = findingsOf("VNL004", [net, kv]);
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining("192.168.1.0/24 is private")]);
  });

  it("is silent for public ranges of clients outside the region", () => {
    expect(findingsOf("VNL004", [net, storageWith("203.0.113.0/24", "198.51.100.9")])).toEqual([]);
  });
});
