import { effectiveSecurityRules, nicOf } from "../../engine/index.js";
import type { Estate } from "../../model/estate.js";
import { EXIT, type Io } from "../io.js";
import { abbreviate, table } from "../table.js";

/** Effective security rules per NSG (NIC first, then subnet), with service tags expanded. */
export function rulesCommand(estate: Estate, target: string, json: boolean, io: Io): number {
  const { nicId } = nicOf(estate, target);
  const groups = effectiveSecurityRules(estate, nicId);
  if (json) {
    io.out(JSON.stringify(groups, null, 2));
    return EXIT.ok;
  }
  if (groups.value.length === 0) {
    io.out("No NSG is associated with the NIC or its subnet: all traffic is allowed.");
    return EXIT.ok;
  }
  for (const g of groups.value) {
    const on = g.association.networkInterface
      ? `NIC ${g.association.networkInterface.id.split("/").pop()}`
      : `subnet ${g.association.subnet?.id.split("/").pop()}`;
    io.out(`NSG ${g.networkSecurityGroup.id.split("/").pop()} (on ${on})`);
    io.out(
      table(
        [
          "Name",
          "Priority",
          "Direction",
          "Access",
          "Protocol",
          "Source",
          "Source Ports",
          "Destination",
          "Destination Ports",
        ],
        g.effectiveSecurityRules.map((r) => [
          r.name,
          String(r.priority),
          r.direction,
          r.access,
          r.protocol,
          abbreviate(
            r.expandedSourceAddressPrefix.length ? r.expandedSourceAddressPrefix : r.sourceAddressPrefixes,
          ),
          r.sourcePortRanges.join(" "),
          abbreviate(
            r.expandedDestinationAddressPrefix.length
              ? r.expandedDestinationAddressPrefix
              : r.destinationAddressPrefixes,
          ),
          r.destinationPortRanges.join(" "),
        ]),
      ),
    );
    io.out("");
  }
  return EXIT.ok;
}
