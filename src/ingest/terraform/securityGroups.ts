// azurerm_network_security_group (inline `security_rule` blocks), azurerm_network_security_rule (service tags
// and application security groups as ARM writes them), azurerm_application_security_group and the network
// interface associations with NSGs and ASGs.
import {
  type NetworkInterfaceProperties,
  NetworkTypes as N,
  type SecurityRuleProperties,
  type SecurityRuleProtocol,
} from "../../model/resources/network.js";
import type { TfBlock } from "./block.js";
import { association, children, nonEmpty, referenceAssociation, subResources, Tf } from "./common.js";
import type { Mappings } from "./context.js";

const PROTOCOLS: readonly SecurityRuleProtocol[] = ["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"];

/** The properties of a rule, or undefined when an address it matches on is not known until apply. */
function ruleProperties(b: TfBlock): SecurityRuleProperties | undefined {
  const sides: Partial<SecurityRuleProperties> = {};
  let unknown = false;
  for (const side of ["source", "destination"] as const) {
    const consequence = "the rule's effect cannot be known, so the rule is left out";
    const prefix = b.known(`${side}_address_prefix`, consequence);
    const prefixes = b.knownStrings(`${side}_address_prefixes`, consequence);
    unknown ||= b.isUnknown(`${side}_address_prefix`) || b.isUnknown(`${side}_address_prefixes`);
    Object.assign(sides, {
      [`${side}AddressPrefix`]: prefix,
      [`${side}AddressPrefixes`]: nonEmpty(prefixes),
      [`${side}PortRange`]: b.str(`${side}_port_range`),
      [`${side}PortRanges`]: nonEmpty(b.strings(`${side}_port_ranges`)),
      [`${side}ApplicationSecurityGroups`]: nonEmpty(
        subResources(b.refs(`${side}_application_security_group_ids`, Tf.asg)),
      ),
    });
  }
  if (unknown) return undefined;
  const protocol = (b.str("protocol") ?? "*").toLowerCase();
  return {
    description: b.str("description"),
    protocol: PROTOCOLS.find((p) => p.toLowerCase() === protocol) ?? "*",
    ...sides,
    access: b.str("access") === "Deny" ? "Deny" : "Allow",
    priority: b.num("priority") ?? 0,
    direction: b.str("direction") === "Inbound" ? "Inbound" : "Outbound",
  };
}

export const securityGroupMappings: Mappings = {
  azurerm_network_security_group: {
    id: (r) => r.armId(N.networkSecurityGroup, "name"),
    map(r) {
      const securityRules = children(r.blocks("security_rule"), ruleProperties);
      r.ingest.emit(r.arm(N.networkSecurityGroup, { securityRules }));
    },
  },

  azurerm_network_security_rule: {
    id: (r) => r.armId(N.securityRule, "network_security_group_name", "name"),
    map(r) {
      const properties = ruleProperties(r);
      if (properties) r.ingest.emit(r.arm(N.securityRule, properties));
    },
  },

  azurerm_application_security_group: {
    id: (r) => r.armId(N.applicationSecurityGroup, "name"),
    map: (r) => r.ingest.emit(r.arm(N.applicationSecurityGroup, {})),
  },

  azurerm_network_interface_security_group_association: referenceAssociation(
    ["network_interface_id", Tf.nic],
    ["network_security_group_id", Tf.nsg],
    "networkSecurityGroup",
    "network security group association",
  ),

  azurerm_network_interface_application_security_group_association: association({
    target: ["network_interface_id", Tf.nic],
    value: ["application_security_group_id", Tf.asg],
    what: "application security group association",
    // The association puts the group on every IP configuration of the interface.
    apply(nic, asg) {
      for (const c of (nic.properties as NetworkInterfaceProperties | undefined)?.ipConfigurations ?? []) {
        c.properties ??= {};
        c.properties.applicationSecurityGroups = [...(c.properties.applicationSecurityGroups ?? []), asg];
      }
    },
  }),
};
