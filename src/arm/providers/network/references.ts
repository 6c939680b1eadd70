// References between Microsoft.Network resources as NRP checks them: the referenced resource must exist, have
// the expected type and live in the referrer's region; deletes are refused while something still points at a
// resource. One message shape for every "not found or in another region" case, as Azure answers it.
import type { ArmResource, SubResource } from "../../../model/arm.js";
import { type ErrorCode, VnetlabError } from "../../../model/errors.js";
import type { Estate } from "../../../model/estate.js";
import { parentId, sameId } from "../../../model/resourceId.js";

/**
 * [OBS] InvalidResourceReference, e.g. Azure/azure-cli#9354, microsoft/CromwellOnAzure#231 (a NIC whose subnet
 * is in another region gets the same error), hashicorp/terraform-provider-azurerm#14344 (NSG on a subnet).
 */
export function referenceNotFound(referenced: string, referrer: string): VnetlabError {
  return new VnetlabError(
    "InvalidResourceReference",
    `Resource ${referenced} referenced by resource ${referrer} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    { target: referrer },
  );
}

/** The region a resource lives in: its own location, else its parent's (a subnet lives where its VNet does). */
export function regionOf(estate: Estate, resource: ArmResource): string | undefined {
  if (resource.location) return resource.location.toLowerCase();
  const pid = parentId(resource.id);
  const parent = pid === undefined ? undefined : estate.get(pid);
  return parent ? regionOf(estate, parent) : undefined;
}

/**
 * Resolves a reference: undefined when `ref` is absent; throws InvalidResourceReference when it names nothing of
 * `type`, or (with `region`) a resource in another region.
 */
export function resolve<P extends object = Record<string, unknown>>(
  estate: Estate,
  ref: SubResource | undefined,
  type: string,
  referrer: string,
  region?: string,
): ArmResource<P> | undefined {
  if (ref === undefined || ref === null) return undefined;
  const id = typeof ref.id === "string" ? ref.id : "";
  const target = estate.get<P>(id);
  if (!target || target.type.toLowerCase() !== type.toLowerCase()) throw referenceNotFound(id, referrer);
  if (region !== undefined) {
    const where = regionOf(estate, target);
    if (where !== undefined && where !== "global" && where !== region.toLowerCase()) {
      throw referenceNotFound(id, referrer);
    }
  }
  return target;
}

/** Refuses a delete while `users` is not empty. */
export function refuseInUse(
  code: ErrorCode,
  users: readonly SubResource[],
  message: (ids: string) => string,
  target: string,
): void {
  if (users.length === 0) return;
  throw new VnetlabError(code, message(users.map((u) => u.id).join(", ")), { target });
}

/**
 * Refuses a new resource past a per-subscription (and, with `perRegion`, per-region) count: NRP's
 * `<Type>CountLimitReached` errors [OBS: VnetCountLimitReached and PublicIPCountLimitReached, with messages like
 * "Cannot create more than 1000 virtual networks for this subscription in this region."]. Only creates count.
 */
export function checkCount(
  r: ArmResource,
  ctx: { existing?: ArmResource; before(): Estate },
  limit: { code: ErrorCode; max: number; noun: string; perRegion: boolean },
): void {
  if (ctx.existing) return;
  const sub = r.id.split("/")[2]?.toLowerCase();
  const count = ctx
    .before()
    .ofType(r.type)
    .filter(
      (x) => x.id.split("/")[2]?.toLowerCase() === sub && (!limit.perRegion || x.location === r.location),
    ).length;
  if (count >= limit.max) {
    throw new VnetlabError(
      limit.code,
      `Cannot create more than ${limit.max} ${limit.noun} for this subscription${limit.perRegion ? " in this region" : ""}.`,
      { target: r.id },
    );
  }
}

/** True when `list` holds a reference to `id`. */
export function refersTo(list: readonly SubResource[] | undefined, id: string): boolean {
  return (list ?? []).some((x) => sameId(x.id, id));
}

/** A list property of `properties`, or an empty list. */
export function listOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** ARM's answer to a value outside a closed enumeration (route next hops, rule protocols...). */
export function cannotParse(target: string): VnetlabError {
  // [OBS] MSOpenTech/azure-xplat-cli#433: an unknown nextHopType ("Null") got "Cannot parse the request.";
  // the code is not quoted there — InvalidRequestFormat is NRP's code for malformed bodies [INF].
  return new VnetlabError("InvalidRequestFormat", "Cannot parse the request.", { target });
}

/** Case-insensitive match against a closed vocabulary, answering the canonical spelling. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], target: string): T {
  const hit =
    typeof value === "string" ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
  if (hit === undefined) throw cannotParse(target);
  return hit;
}
