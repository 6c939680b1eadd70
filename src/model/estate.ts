// An Estate is the compiled, indexed, immutable view of a set of ARM resources. Child resources are accepted
// inline (as ARM GET returns them) or as separate resources (as ARM templates and list calls give them);
// either way each child is indexed under its own id and also appears inline in its parent's properties.
import type { ArmResource } from "./arm.js";
import type { Regions } from "./regions.js";
import type { ServiceTags } from "./serviceTags.js";

export interface Estate {
  readonly serviceTags: ServiceTags;
  readonly regions: Regions;
  /** Every resource, children included, in load order. */
  readonly resources: readonly ArmResource[];
  /** A resource by id, case-insensitively. */
  get<P extends object = Record<string, unknown>>(id: string | undefined): ArmResource<P> | undefined;
  /** All resources of a type (case-insensitive type name). */
  ofType<P extends object = Record<string, unknown>>(type: string): readonly ArmResource<P>[];
  /** Resources whose name equals `name` (case-insensitive), optionally of the given types. */
  byName(name: string, types?: readonly string[]): readonly ArmResource[];
  /** The tenant a resource lives in: its own `tenantId`, else its subscription's default tenant. */
  tenantOf(resourceId: string): string;
}
