import type { TypeRegistry } from "../../registry.js";
import { subnets } from "./subnets.js";
import { virtualNetworks } from "./virtualNetworks.js";

export function registerNetwork(registry: TypeRegistry): void {
  registry.register(virtualNetworks, subnets);
}
