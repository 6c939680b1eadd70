// One template deployment, evaluated as ARM evaluates it (template-deployment-overview): parameters checked,
// resources expanded and ordered by their dependencies, each resource's body evaluated when its turn comes
// (so reference() sees the resources deployed before it), then the outputs. Any error stops everything: the
// caller gets an exception and nothing is deployed.
import type { ArmResource } from "../../model/arm.js";
import { DEFAULT_TENANT_ID } from "../../model/compileEstate.js";
import { idKey, resourceGroupId } from "../../model/resourceId.js";
import { at, type EvalContext, type EvaluateOptions, type TemplateScope } from "./context.js";
import { type DependencyGraph, dependencyGraph, refersTo } from "./dependencies.js";
import { childPath, templateError } from "./errors.js";
import { evaluateValue } from "./evaluate.js";
import { copyJson, isObject, type Json, type JsonObject } from "./json.js";
import type { LazyTable } from "./lazyTable.js";
import { evaluateOutputs, type TemplateOutput } from "./outputs.js";
import { parameterTable } from "./parameters.js";
import { expandResources, type ResourceInstance } from "./resources.js";
import { variableTable } from "./variables.js";

export interface DeploymentStep {
  /** The resource as deployed (ARM JSON: id, name, type, location, properties, ...). */
  resource: ArmResource;
  /** The api-version to PUT it with. */
  apiVersion: string;
  /** Where the template declares it. */
  path: string;
}

export interface TemplateResult {
  /** The deployed resources, in dependency order. */
  resources: ArmResource[];
  /** The same resources with the api-version and template path of each. */
  steps: DeploymentStep[];
  outputs: Record<string, TemplateOutput>;
}

// Resource-level keys that steer the deployment and are not part of the resource (syntax#resources).
const TEMPLATE_ONLY = new Set([
  "apiversion",
  "type",
  "name",
  "condition",
  "copy",
  "dependson",
  "resources",
  "comments",
  "existing",
  "scope",
  "subscriptionid",
  "resourcegroup",
]);

// Only resource-group deployments: other scopes' schemas name their scope (deploy-to-subscription, ...).
const OTHER_SCOPES = /(subscription|managementGroup|tenant)DeploymentTemplate\.json/i;

export class Deployment implements TemplateScope {
  private readonly template: JsonObject;
  private readonly symbolic: boolean;
  private readonly parameters: LazyTable;
  private readonly variables: LazyTable;
  private instances: ResourceInstance[] = [];
  private graph: DependencyGraph = { order: [], deps: new Map() };
  private readonly done = new Map<ResourceInstance, ArmResource>();
  private readonly active: ResourceInstance[] = [];
  private readonly steps: DeploymentStep[] = [];

  constructor(
    template: unknown,
    readonly options: EvaluateOptions,
  ) {
    if (!isObject(template as Json)) throw templateError("template", "a template is a JSON object");
    this.template = template as JsonObject;
    const schema = this.template.$schema;
    if (typeof schema === "string" && OTHER_SCOPES.test(schema)) {
      throw templateError("$schema", `only resource group deployments are supported, not '${schema}'`);
    }
    const lang = this.template.languageVersion;
    this.symbolic = typeof lang === "string" && lang.startsWith("2.");
    const params = this.template.parameters ?? {};
    if (!isObject(params)) throw templateError("parameters", "the parameters section is an object");
    this.parameters = parameterTable(params, options.parameters ?? {}, (p) => this.ctx(p));
    // 1.0 forbids reference() in variables (template-functions-resource#reference); 2.0 (symbolic names) is
    // taken to allow it, as Bicep's symbolic output can carry runtime values in variables [INF].
    this.variables = variableTable(this.template.variables, (p) =>
      this.symbolic ? this.ctx(p) : { ...this.ctx(p), noReference: "the variables section" },
    );
  }

  private ctx(path: string): EvalContext {
    return { scope: this, path, loops: [] };
  }

  run(): TemplateResult {
    for (const name of this.parameters.declared()) this.parameters.get(name, childPath("parameters", name));
    this.instances = expandResources(this.template.resources, this.ctx("resources"), this.symbolic);
    const seen = new Map<string, ResourceInstance>();
    for (const r of this.instances.filter((x) => x.deploy && !x.existing)) {
      const other = seen.get(idKey(r.id));
      if (other) {
        throw templateError(
          r.path,
          `The resource '${r.id}' is defined multiple times in a template (also at ${other.path}).`,
        );
      }
      seen.set(idKey(r.id), r);
    }
    this.graph = dependencyGraph(this.instances);
    for (const r of this.graph.order) this.deploy(r);
    const outputs = evaluateOutputs(this.template.outputs, this.ctx("outputs"));
    return { resources: this.steps.map((s) => s.resource), steps: this.steps, outputs };
  }

  /**
   * Evaluates an instance's body (once), after its dependencies and any template resource its reference() calls
   * need: reference() by name is an implicit dependency (template-functions-resource#implicit-dependency).
   */
  private deploy(r: ResourceInstance): ArmResource {
    const known = this.done.get(r);
    if (known) return known;
    if (this.active.includes(r)) {
      const cycle = [...this.active.slice(this.active.indexOf(r)), r].map((x) => `'${x.name}' (${x.path})`);
      throw templateError(r.path, `Circular dependency detected on resources: ${cycle.join(" → ")}.`);
    }
    this.active.push(r);
    try {
      for (const d of this.graph.deps.get(r) ?? []) this.deploy(d);
      const out: Record<string, Json> = { id: r.id, name: r.name.split("/").pop()!, type: r.type };
      for (const [k, v] of Object.entries(r.body)) {
        if (!TEMPLATE_ONLY.has(k.toLowerCase())) out[k] = evaluateValue(v, at(r.ctx, childPath(r.path, k)));
      }
      const resource = out as unknown as ArmResource;
      this.done.set(r, resource);
      this.steps.push({ resource, apiVersion: r.apiVersion, path: r.path });
      return resource;
    } finally {
      this.active.pop();
    }
  }

  // Copies, so that resources never share (and a caller never mutates) a parameter's or variable's value.
  parameter(name: string, path: string): Json {
    return copyJson(this.parameters.get(name, path));
  }

  variable(name: string, path: string): Json {
    return copyJson(this.variables.get(name, path));
  }

  reference(target: string, full: boolean, ctx: EvalContext): Json {
    const found = this.instances.filter((r) => refersTo(target, r, false));
    const live = found.filter((r) => r.existing || r.deploy);
    if (live.length > 1) {
      throw templateError(
        ctx.path,
        `reference('${target}') is ambiguous: ${live.map((r) => r.path).join(", ")}`,
      );
    }
    const inst = live[0] ?? found[0];
    if (inst && !inst.existing) {
      if (!inst.deploy) {
        throw templateError(
          ctx.path,
          `The resource '${inst.name}' (${inst.path}) is not deployed: its condition is false.`,
        );
      }
      return view(this.deploy(inst), full);
    }
    const id = inst?.id ?? target;
    if (!id.startsWith("/")) {
      throw templateError(
        ctx.path,
        `The resource '${target}' is not defined in the template; a resource outside it is referenced by its id.`,
      );
    }
    const existing = this.options.lookup?.(id);
    if (!existing) throw templateError(ctx.path, `The Resource '${id}' was not found.`, "ResourceNotFound");
    return view(existing, full);
  }

  resourceGroup(path: string): Json {
    const { subscriptionId, resourceGroup } = this.options;
    const rg = this.options.lookup?.(resourceGroupId(subscriptionId, resourceGroup));
    const location = rg?.location ?? this.options.location;
    if (!location) {
      throw templateError(
        path,
        `the location of resource group '${resourceGroup}' is unknown: give it (--location)`,
      );
    }
    const name = rg?.name ?? resourceGroup;
    return {
      id: resourceGroupId(subscriptionId, name),
      name,
      type: "Microsoft.Resources/resourceGroups",
      location,
      tags: (rg?.tags ?? {}) as JsonObject,
      properties: { provisioningState: "Succeeded" },
    };
  }

  subscription(): Json {
    const id = `/subscriptions/${this.options.subscriptionId}`;
    const sub = this.options.lookup?.(id);
    return {
      id,
      subscriptionId: this.options.subscriptionId,
      tenantId: this.options.tenantId ?? sub?.tenantId ?? DEFAULT_TENANT_ID,
      displayName: sub?.name ?? this.options.subscriptionId,
    };
  }

  deployment(): Json {
    const given = this.options.parameters ?? {};
    return {
      name: this.options.deploymentName ?? "deployment",
      properties: {
        template: { contentVersion: this.template.contentVersion ?? "1.0.0.0" },
        parameters: Object.fromEntries(Object.entries(given).map(([k, value]) => [k, { value }])),
        mode: "Incremental",
        provisioningState: "Accepted",
      },
    };
  }
}

/** What reference() answers: the properties, or with 'Full' the whole resource. */
function view(resource: ArmResource, full: boolean): Json {
  const r = resource as unknown as JsonObject;
  return copyJson(full ? r : ((r.properties as Json | undefined) ?? {}));
}

/** Evaluates a template against a target resource group: the resources it deploys and its outputs. */
export function evaluateTemplate(template: unknown, options: EvaluateOptions): TemplateResult {
  return new Deployment(template, options).run();
}
