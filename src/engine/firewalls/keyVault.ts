// Key Vault firewall (Microsoft.KeyVault/vaults networkAcls), semantics §4.3.
import { type KeyVaultProperties, ServiceTypes } from "../../model/resources/services.js";
import { aclFirewall } from "./aclChain.js";
import { compileIpRules, parseBypass, propsOf, SubnetRules } from "./common.js";

export const keyVaultFirewall = aclFirewall({
  resourceTypes: [ServiceTypes.keyVault],
  noun: "vault",
  prefix: "networkAcls",
  bypassProperty: "networkAcls.bypass",
  firewallDenial: "keyVaultFirewall",
  pnaDenial: "keyVaultPublicNetworkAccessDisabled",
  read: (resource, estate) => {
    const p = propsOf<KeyVaultProperties>(resource);
    const acls = p.networkAcls ?? {};
    return {
      publicNetworkAccess: p.publicNetworkAccess,
      // [S15] the firewall is off by default
      defaultAction: acls.defaultAction?.toLowerCase() === "deny" ? "Deny" : "Allow",
      // [S1][S15] subnets of other tenants are accepted; ignoreMissingVnetServiceEndpoint changes nothing once
      // traffic arrives over the endpoint
      vnet: new SubnetRules(
        (acls.virtualNetworkRules ?? []).map((r) => ({
          id: r.id,
        })),
        (r) => `networkAcls.virtualNetworkRules[${r.id}]`,
        estate,
      ),
      // [S15] public IPv4 only; RFC 1918 values are rejected
      ip: compileIpRules(
        (acls.ipRules ?? []).map((r) => r.value),
        (v) => `networkAcls.ipRules[${v}]`,
        { ignorePrivate: true },
      ),
      // [S15] bypass defaults to AzureServices
      bypass: parseBypass(acls.bypass ?? "AzureServices"),
    };
  },
});
