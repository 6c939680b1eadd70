// A resource instance (or one of its nested blocks) as the mappers read it: known values, defaults, and ids
// that are unknown until apply resolved through the configuration, with a warning for what stays unknown.
import type { ArmResource, SubResource } from "../../model/arm.js";
import { buildResourceId, idKey } from "../../model/resourceId.js";
import type { Ingest } from "./context.js";
import type { TfInstance } from "./document.js";
import { arrayOr, at, isObject, type Json, type JsonObject, objectOr, type Path, pathText } from "./json.js";

/** How much of a value after_unknown marks: all of it, a number of list elements, or none. */
function unknownCount(node: Json | undefined): number | "all" {
  if (node === true) return "all";
  return Array.isArray(node) ? node.filter((n) => n === true).length : 0;
}

export class TfBlock {
  readonly ingest: Ingest;
  readonly inst: TfInstance;
  readonly path: Path;

  constructor(ingest: Ingest, inst: TfInstance, path: Path = []) {
    this.ingest = ingest;
    this.inst = inst;
    this.path = path;
  }

  get address(): string {
    return this.inst.address;
  }

  get values(): JsonObject {
    return objectOr(at(this.inst.values, this.path));
  }

  value(attr: string): Json | undefined {
    return this.values[attr];
  }

  /** after_unknown at an attribute: true (all of it), a list with true at unknown elements, or nothing. */
  private unknownAt(attr: string): Json | undefined {
    let node: Json | undefined = this.inst.unknown;
    for (const step of [...this.path, attr]) {
      if (node === true) return true;
      node = typeof step === "number" ? arrayOr(node)[step] : isObject(node) ? node[step] : undefined;
    }
    return node;
  }

  isUnknown(attr: string): boolean {
    return unknownCount(this.unknownAt(attr)) !== 0;
  }

  str(attr: string): string | undefined {
    const v = this.value(attr);
    return typeof v === "string" && v !== "" ? v : undefined;
  }

  bool(attr: string, fallback: boolean): boolean {
    const v = this.value(attr);
    return typeof v === "boolean" ? v : fallback;
  }

  optBool(attr: string): boolean | undefined {
    const v = this.value(attr);
    return typeof v === "boolean" ? v : undefined;
  }

  num(attr: string): number | undefined {
    const v = this.value(attr);
    return typeof v === "number" ? v : undefined;
  }

  /** The known strings of a list or set attribute (a single string counts as a list of one). */
  strings(attr: string): string[] {
    const v = this.value(attr);
    const list = typeof v === "string" ? [v] : arrayOr(v);
    return list.filter((s): s is string => typeof s === "string" && s !== "");
  }

  /** The nested blocks of a block attribute (`network_rules`, `subnet`, ...). */
  blocks(attr: string): TfBlock[] {
    return arrayOr(this.value(attr)).flatMap((b, i) =>
      isObject(b) ? [new TfBlock(this.ingest, this.inst, [...this.path, attr, i])] : [],
    );
  }

  block(attr: string): TfBlock | undefined {
    return this.blocks(attr)[0];
  }

  warn(attr: string, message: string): void {
    this.ingest.warn(this.address, pathText([...this.path, attr]), message);
  }

  /** Warns that a deciding value is unknown until apply, naming what it comes from. */
  warnUnknown(attr: string, consequence: string): void {
    const refs = this.ingest.refs.referencesAt(this.inst, [...this.path, attr]);
    const from = refs.find((r) => !/^(var|local|each|count)\./.test(r) && r.split(".").length > 2) ?? refs[0];
    this.warn(attr, `unknown until apply${from ? ` (${from})` : ""}; ${consequence}`);
  }

  /** A deciding string (an address, a prefix): its value, or a warning that it is not known yet. */
  known(attr: string, consequence: string): string | undefined {
    const v = this.str(attr);
    if (v === undefined && this.isUnknown(attr)) this.warnUnknown(attr, consequence);
    return v;
  }

  /** Deciding strings of a list: the known ones, and a warning when some are not known yet. */
  knownStrings(attr: string, consequence: string): string[] {
    if (this.isUnknown(attr)) this.warnUnknown(attr, consequence);
    return this.strings(attr);
  }

  /** The ARM ids the configuration's references at `attr` will have after apply. */
  private resolved(attr: string, types: readonly string[]): string[] {
    const refs = this.ingest.refs.referencesAt(this.inst, [...this.path, attr]);
    const targets = this.ingest.refs.targets(this.inst, refs, types);
    const ids = new Map<string, string>();
    for (const t of targets.instances) {
      const id = this.ingest.idOf(t);
      if (id) ids.set(idKey(id), id);
    }
    return [...ids.values()];
  }

  /** A reference to another resource: its id as known, or as the deployment will make it. */
  ref(attr: string, types: readonly string[]): string | undefined {
    const v = this.str(attr);
    if (v !== undefined || !this.isUnknown(attr)) return v;
    const ids = this.resolved(attr, types);
    if (ids.length === 1) return ids[0];
    this.warnUnknown(
      attr,
      ids.length === 0
        ? `no ${types.join(" or ")} in this plan gives its id; the reference is left out`
        : `it could be any of ${ids.length} resources; the reference is left out`,
    );
    return undefined;
  }

  /** References in a list or set: the known ids and those the unknown elements resolve to. */
  refs(attr: string, types: readonly string[]): string[] {
    const known = this.strings(attr);
    const count = unknownCount(this.unknownAt(attr));
    if (count === 0) return known;
    const seen = new Set(known.map(idKey));
    const ids = this.resolved(attr, types).filter((id) => !seen.has(idKey(id)));
    if (count === "all" ? ids.length === 0 : ids.length !== count) {
      const what = count === "all" ? "the list" : `${count} element${count === 1 ? "" : "s"}`;
      this.warnUnknown(attr, `${what} resolved to ${ids.length} ${types.join(" or ")} of this plan`);
    }
    return [...known, ...ids];
  }

  subResource(attr: string, types: readonly string[]): SubResource | undefined {
    const id = this.ref(attr, types);
    return id ? { id } : undefined;
  }
}

export class TfResource extends TfBlock {
  get type(): string {
    return this.inst.type;
  }

  /** The location as the provider stores it ("West Europe" → westeurope). */
  location(): string | undefined {
    // go-azure-helpers resourcemanager/location/normalize.go: lower case with the spaces removed.
    return this.str("location")?.toLowerCase().replaceAll(" ", "");
  }

  subscription(): string {
    return this.ingest.subscriptionOf(this.inst);
  }

  /** `/subscriptions/{s}/resourceGroups/{resource_group_name}/providers/{type}/{names...}`, names by attribute. */
  armId(type: string, ...nameAttrs: string[]): string | undefined {
    const rg = this.str("resource_group_name");
    const names = nameAttrs.map((a) => this.str(a));
    if (!rg || names.some((n) => n === undefined)) return undefined;
    return buildResourceId(this.subscription(), rg, type, ...(names as string[]));
  }

  /** A child's id under a parent given by id: `{parent_id}/{segment}/{name}`. */
  childId(
    parentAttr: string,
    parentTypes: readonly string[],
    segment: string,
    name = this.str("name"),
  ): string | undefined {
    const parent = this.ref(parentAttr, parentTypes);
    return parent && name ? `${parent}/${segment}/${name}` : undefined;
  }

  /** The common top of an ARM resource (id, name, type, location, tags) around its properties. */
  arm<P extends object>(
    type: string,
    properties: P,
    extra: Partial<ArmResource<P>> = {},
  ): ArmResource<P> | undefined {
    const id = this.ingest.idOf(this.inst);
    const name = this.str("name") ?? (id ? id.split("/").at(-1) : undefined);
    if (!id || !name) {
      this.warn("name", "the resource's id is unknown until apply and cannot be derived; it is left out");
      return undefined;
    }
    const tags = Object.entries(objectOr(this.value("tags"))).filter(
      (e): e is [string, string] => typeof e[1] === "string",
    );
    const location = this.location();
    return {
      id,
      name,
      type,
      ...(location ? { location } : {}),
      ...(tags.length > 0 ? { tags: Object.fromEntries(tags) } : {}),
      ...extra,
      properties,
    };
  }
}
