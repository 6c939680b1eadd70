// One ingest run: the document, the mappers by Terraform type, the ids resources get, the subscription each
// lives in, the ARM resources written, the changes association resources make to them, and the warnings.
import type { ArmResource } from "../../model/arm.js";
import { childKindsOf } from "../../model/children.js";
import { idKey, parseResourceId } from "../../model/resourceId.js";
import { TfResource } from "./block.js";
import { configResource, type TfDocument, type TfInstance } from "./document.js";
import { compact, objectOr, stringOr } from "./json.js";
import { expressionValue, References } from "./references.js";

export interface TypeMapping {
  /** The ARM id the resource has, or will have once deployed (for references to it). */
  id?(r: TfResource): string | undefined;
  /** Writes the resource's ARM form (ingest.emit) or changes another's (ingest.patch). */
  map?(r: TfResource): void;
}

export type Mappings = Readonly<Record<string, TypeMapping>>;

export interface IngestWarning {
  /** The Terraform address the warning is about (absent for the whole document). */
  address?: string;
  /** The attribute, e.g. `network_rules[0].ip_rules`. */
  attribute?: string;
  message: string;
}

export interface IngestOptions {
  /** The subscription of resources whose provider configuration does not name one. */
  subscription?: string;
}

/** Where nothing says which subscription a resource is in; a warning says so. */
export const PLACEHOLDER_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

export class Ingest {
  readonly doc: TfDocument;
  readonly refs: References;
  readonly warnings: IngestWarning[] = [];
  private readonly mappings: Mappings;
  private readonly options: IngestOptions;
  private readonly resources: ArmResource[] = [];
  private readonly byId = new Map<string, ArmResource>();
  private readonly patches: { by: string; id: string; what: string; apply: (r: ArmResource) => void }[] = [];
  private readonly ids = new Map<TfInstance, string | undefined>();
  private readonly computing = new Set<TfInstance>();
  private documentSubscription: string | undefined | null = null;

  constructor(doc: TfDocument, mappings: Mappings, options: IngestOptions = {}) {
    this.doc = doc;
    this.refs = new References(doc);
    this.mappings = mappings;
    this.options = options;
  }

  warn(address: string | undefined, attribute: string | undefined, message: string): void {
    if (
      this.warnings.some((w) => w.address === address && w.attribute === attribute && w.message === message)
    )
      return;
    this.warnings.push({
      ...(address ? { address } : {}),
      ...(attribute ? { attribute } : {}),
      message,
    });
  }

  /** The ARM id of an instance: the one it has, or the one its type, names and group will give it. */
  idOf(inst: TfInstance): string | undefined {
    const known = stringOr(inst.values.id);
    if (known && parseResourceId(known)) return known;
    if (this.ids.has(inst)) return this.ids.get(inst);
    const mapping = this.mappings[inst.type];
    if (!mapping?.id || this.computing.has(inst)) return undefined;
    this.computing.add(inst);
    const id = mapping.id(new TfResource(this, inst));
    this.computing.delete(inst);
    this.ids.set(inst, id);
    return id;
  }

  /**
   * The subscription of an instance: its provider configuration's `subscription_id`, else its resource
   * group's known id, else `--subscription`, else what the document shows (azurerm_client_config, ids).
   */
  subscriptionOf(inst: TfInstance): string {
    const fromProvider = this.providerSubscription(inst);
    if (fromProvider) return fromProvider;
    const rg = stringOr(inst.values.resource_group_name)?.toLowerCase();
    const group = rg
      ? this.doc.instances.find(
          (i) => i.type === "azurerm_resource_group" && stringOr(i.values.name)?.toLowerCase() === rg,
        )
      : undefined;
    const fromGroup = group ? parseResourceId(stringOr(group.values.id) ?? "")?.subscriptionId : undefined;
    if (fromGroup) return fromGroup;
    if (this.options.subscription) return this.options.subscription;
    return this.subscriptionOfDocument();
  }

  private providerSubscription(inst: TfInstance): string | undefined {
    const key = stringOr(configResource(this.doc.configuration, inst)?.provider_config_key);
    if (!key) return undefined;
    const configs = objectOr(this.doc.configuration.provider_config);
    const config = objectOr(configs[key] ?? configs[key.replace(/^.*:/, "")]);
    return expressionValue(this.doc, objectOr(config.expressions).subscription_id);
  }

  private subscriptionOfDocument(): string {
    if (this.documentSubscription === null) {
      const counts = new Map<string, number>();
      for (const i of this.doc.instances) {
        const fromData =
          i.type === "azurerm_client_config" || i.type === "azurerm_subscription"
            ? stringOr(i.values.subscription_id)
            : undefined;
        const sub = fromData ?? parseResourceId(stringOr(i.values.id) ?? "")?.subscriptionId;
        if (sub) counts.set(sub, (counts.get(sub) ?? 0) + (fromData ? 1000 : 1));
      }
      this.documentSubscription = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
      if (!this.documentSubscription) {
        this.warn(
          undefined,
          undefined,
          `no subscription in the provider configuration or the document; ids use ${PLACEHOLDER_SUBSCRIPTION} (give --subscription)`,
        );
      }
    }
    return this.documentSubscription ?? PLACEHOLDER_SUBSCRIPTION;
  }

  /** The tenant the document names: the default provider's `tenant_id`, or azurerm_client_config's. */
  tenantOfDocument(): string | undefined {
    const provider = objectOr(objectOr(objectOr(this.doc.configuration.provider_config).azurerm).expressions);
    const fromProvider = expressionValue(this.doc, provider.tenant_id);
    if (fromProvider) return fromProvider;
    const data = this.doc.instances.find(
      (i) => i.type === "azurerm_client_config" || i.type === "azurerm_subscription",
    );
    return stringOr(data?.values.tenant_id);
  }

  /** Adds an ARM resource, indexing it and its inline children by id. */
  emit(resource: ArmResource | undefined): void {
    if (!resource) return;
    this.resources.push(resource);
    this.index(resource, resource.id);
  }

  /** Indexes a resource and its inline children (a subnet of a network's `subnet` blocks) by id. */
  private index(resource: ArmResource, id: string): void {
    this.byId.set(idKey(id), resource);
    const props = (resource.properties ?? {}) as Record<string, unknown>;
    for (const kind of childKindsOf(resource.type)) {
      const list = props[kind.property];
      if (!Array.isArray(list)) continue;
      for (const child of list as ArmResource[]) {
        // A separately declared child wins, as compileEstate folds it over the inline one.
        const key = idKey(child.id ?? `${id}/${kind.segment}/${child.name}`);
        if (!this.byId.has(key)) this.byId.set(key, child);
      }
    }
  }

  /** Changes a resource of this plan once all are written (an association, a separate rule set). */
  patch(by: TfResource, id: string | undefined, what: string, apply: (r: ArmResource) => void): void {
    if (id) this.patches.push({ by: by.address, id, what, apply });
  }

  /** Maps every managed instance and applies the patches. */
  run(): { resources: ArmResource[]; warnings: IngestWarning[] } {
    const unmapped = new Set<string>();
    for (const inst of this.doc.instances) {
      if (inst.mode !== "managed") continue;
      const mapping = this.mappings[inst.type];
      if (mapping?.map) mapping.map(new TfResource(this, inst));
      else if (inst.type.startsWith("azurerm_")) unmapped.add(inst.type);
    }
    for (const p of this.patches) {
      const target = this.byId.get(idKey(p.id));
      if (target) p.apply(target);
      else this.warn(p.by, undefined, `${p.id} is not in this plan; its ${p.what} is left out`);
    }
    if (unmapped.size > 0) {
      this.warn(undefined, undefined, `not modelled, left out: ${[...unmapped].sort().join(", ")}`);
    }
    return { resources: compact(this.resources), warnings: this.warnings };
  }
}
