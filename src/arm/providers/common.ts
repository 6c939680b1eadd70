// Helpers every provider uses when preparing resources.
import type { ArmResource } from "../../model/arm.js";
import { VnetlabError } from "../../model/errors.js";
import type { WriteContext } from "../resourceType.js";

export type Props = Record<string, unknown>;

export function propsOf(r: ArmResource): Props {
  r.properties ??= {};
  return r.properties as Props;
}

/** ARM normalises a location to its name ("East US" → "eastus") and refuses unknown ones. */
export function normaliseLocation(r: ArmResource, ctx: WriteContext): void {
  if (r.location === undefined || r.location === "") {
    throw new VnetlabError("LocationRequired", "The location property is required for this definition.");
  }
  const name = ctx.regions.normalize(r.location);
  if (!name) {
    throw new VnetlabError(
      "InvalidResourceLocation",
      `The provided location '${r.location}' is not available for resource type '${r.type}'.`,
    );
  }
  r.location = name;
}

/** Keeps a read-only GUID across updates, or makes one. */
export function keepGuid(r: ArmResource, ctx: WriteContext, property = "resourceGuid"): void {
  const prior = (ctx.existing?.properties as Props | undefined)?.[property];
  propsOf(r)[property] = typeof prior === "string" ? prior : ctx.newGuid();
}

/** The standard read-only bits of a successful synchronous write. */
export function succeeded(r: ArmResource): ArmResource {
  propsOf(r).provisioningState = "Succeeded";
  return r;
}

/** A name ARM accepts for most network resources: 1-80 chars, word char first, word char or _ last. */
export function checkName(r: ArmResource, max = 80): void {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?$/.test(r.name) || r.name.length > max) {
    throw new VnetlabError(
      "InvalidResourceName",
      `Resource name ${r.name} is invalid. The name can be up to ${max} characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
    );
  }
}
