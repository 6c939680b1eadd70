// The bundled seed-000 estate for the data plane's unit tests, and ways to vary it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ArmResource } from "../model/arm.js";
import { cloneJson } from "../model/cloneJson.js";
import { compileEstate } from "../model/compileEstate.js";
import type { Estate } from "../model/estate.js";

const FILE = join(import.meta.dirname, "../../examples/lab000/estate.json");

export const LAB_RESOURCES = (JSON.parse(readFileSync(FILE, "utf8")) as { resources: ArmResource[] })
  .resources;

/** The lab, after `edit` changed a copy of its resources. */
export function lab(edit: (resources: ArmResource[]) => void = () => undefined): Estate {
  const resources = cloneJson(LAB_RESOURCES);
  edit(resources);
  return compileEstate(resources);
}

/** The properties of the resource named `name`. */
export function propsOf(resources: ArmResource[], name: string): Record<string, unknown> {
  return resources.find((r) => r.name === name)!.properties as Record<string, unknown>;
}

/** A subnet of vnet-workloads, inline in the VNet. */
export function subnetOf(resources: ArmResource[], name: string): Record<string, unknown> {
  const subnets = propsOf(resources, "vnet-workloads").subnets as {
    name: string;
    properties: Record<string, unknown>;
  }[];
  return subnets.find((s) => s.name === name)!.properties;
}
