import { nicOf, subnetRoutes } from "../../engine/index.js";
import type { Estate } from "../../model/estate.js";
import { EXIT, type Io } from "../io.js";
import { abbreviate, table } from "../table.js";

/** The table `az network nic show-effective-route-table` prints: Source, State, Address Prefix, Next Hop Type, Next Hop IP. */
export function routesCommand(estate: Estate, target: string, json: boolean, io: Io): number {
  const { subnetId } = nicOf(estate, target);
  const routes = subnetRoutes(estate, subnetId).effective();
  if (json) {
    io.out(JSON.stringify({ value: routes }, null, 2));
    return EXIT.ok;
  }
  io.out(
    table(
      ["Source", "State", "Address Prefix", "Next Hop Type", "Next Hop IP"],
      routes.map((r) => [
        r.source,
        r.state,
        abbreviate(r.addressPrefix),
        r.nextHopType,
        r.nextHopIpAddress.join(" "),
      ]),
    ),
  );
  return EXIT.ok;
}
