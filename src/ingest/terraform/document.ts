// Reading `terraform show -json` output: the resource instances of a plan (planned_values, with the
// after_unknown of resource_changes) or of a state (values), and the configuration's module tree.
// Format: https://developer.hashicorp.com/terraform/internals/json-format
import { VnetlabError } from "../../model/errors.js";
import { arrayOr, isObject, type Json, type JsonObject, objectOr, stringOr } from "./json.js";

/** One resource instance: `module.net.azurerm_subnet.app[0]`. */
export interface TfInstance {
  /** The absolute address, as Terraform prints it. */
  address: string;
  /** The module instance it lives in: "" for the root, `module.net`, `module.net["a"]`. */
  module: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  index?: number | string;
  /** Known values: unknown ones are absent (objects) or null (lists), as Terraform prints planned values. */
  values: JsonObject;
  /** after_unknown: `true` where a value is known only after apply; {} for a state. */
  unknown: Json;
}

export interface TfDocument {
  kind: "plan" | "state";
  instances: TfInstance[];
  /** The plan's `configuration` (absent in a state). */
  configuration: JsonObject;
  /** The plan's input variables: name → value. */
  variables: Record<string, Json>;
}

/** Whether a parsed JSON file is `terraform show -json` output (of a plan or a state). */
export function isTerraformJson(content: unknown): boolean {
  return (
    isObject(content) &&
    typeof content.format_version === "string" &&
    (isObject(content.planned_values) || isObject(content.values))
  );
}

function invalid(message: string, file: string | undefined): VnetlabError {
  return new VnetlabError("InvalidTerraformJson", message, { file });
}

/** The instances of one values module and its child modules, depth first. */
function moduleInstances(
  module: JsonObject,
  moduleAddress: string,
  out: TfInstance[],
  unknownOf: (address: string) => Json,
): void {
  for (const raw of arrayOr(module.resources)) {
    const r = objectOr(raw);
    const address = stringOr(r.address);
    const type = stringOr(r.type);
    const name = stringOr(r.name);
    if (!address || !type || !name) continue;
    const index = typeof r.index === "number" || typeof r.index === "string" ? r.index : undefined;
    out.push({
      address,
      module: moduleAddress,
      mode: r.mode === "data" ? "data" : "managed",
      type,
      name,
      ...(index !== undefined ? { index } : {}),
      values: objectOr(r.values),
      unknown: unknownOf(address),
    });
  }
  for (const child of arrayOr(module.child_modules)) {
    const c = objectOr(child);
    moduleInstances(c, stringOr(c.address) ?? moduleAddress, out, unknownOf);
  }
}

export function readTerraformJson(content: unknown, file?: string): TfDocument {
  if (!isObject(content) || !isTerraformJson(content)) {
    throw invalid(
      'not `terraform show -json` output: no "format_version" with "planned_values" or "values"',
      file,
    );
  }
  const version = String(content.format_version);
  if (!/^1\./.test(version)) {
    throw invalid(`format_version ${version} is not supported (vnetlab reads format 1.x)`, file);
  }
  const instances: TfInstance[] = [];
  const variables: Record<string, Json> = {};
  for (const [k, v] of Object.entries(objectOr(content.variables))) variables[k] = objectOr(v).value ?? null;

  if (isObject(content.planned_values)) {
    const unknown = new Map<string, Json>();
    for (const raw of arrayOr(content.resource_changes)) {
      const rc = objectOr(raw);
      const address = stringOr(rc.address);
      if (address) unknown.set(address, objectOr(rc.change).after_unknown ?? {});
    }
    const root = content.planned_values.root_module;
    if (!isObject(root)) throw invalid("the plan has no planned_values.root_module", file);
    moduleInstances(root, "", instances, (a) => unknown.get(a) ?? {});
    // Data sources read while planning are in the prior state only.
    const prior = objectOr(objectOr(content.prior_state).values).root_module;
    if (isObject(prior)) {
      const seen = new Set(instances.map((i) => i.address));
      const data: TfInstance[] = [];
      moduleInstances(prior, "", data, () => ({}));
      instances.push(...data.filter((i) => i.mode === "data" && !seen.has(i.address)));
    }
    return { kind: "plan", instances, configuration: objectOr(content.configuration), variables };
  }
  const root = objectOr(content.values).root_module;
  if (!isObject(root)) throw invalid("the state has no values.root_module", file);
  moduleInstances(root, "", instances, () => ({}));
  return { kind: "state", instances, configuration: {}, variables };
}

/** The module instances of a module address: `module.a[0].module.b` → `["module.a[0]", "module.b"]`. */
function moduleSegments(moduleAddress: string): string[] {
  return [...moduleAddress.matchAll(/module\.[^.[\]]+(?:\[[^\]]*\])?/g)].map((m) => m[0]);
}

/** `module.a[0].module.b` → the module calls `["a", "b"]`. */
export function moduleCalls(moduleAddress: string): string[] {
  return moduleSegments(moduleAddress).map((s) => /^module\.([^.[\]]+)/.exec(s)![1]!);
}

/** `module.a[0].module.b` → `module.a[0]`: the module instance that called this one. */
export function parentModule(moduleAddress: string): string {
  return moduleSegments(moduleAddress).slice(0, -1).join(".");
}

/** The configuration of a module, by the module calls that lead to it. */
export function configModule(configuration: JsonObject, calls: readonly string[]): JsonObject | undefined {
  let module: JsonObject = objectOr(configuration.root_module);
  for (const call of calls) {
    const next = objectOr(objectOr(module.module_calls)[call]).module;
    if (!isObject(next)) return undefined;
    module = next;
  }
  return module;
}

/** The configuration block of a resource instance (its `expressions`, `provider_config_key`, ...). */
export function configResource(configuration: JsonObject, inst: TfInstance): JsonObject | undefined {
  const module = configModule(configuration, moduleCalls(inst.module));
  const address = `${inst.mode === "data" ? "data." : ""}${inst.type}.${inst.name}`;
  const found = arrayOr(module?.resources).find((r) => objectOr(r).address === address);
  return isObject(found) ? found : undefined;
}
