// Every supported template function, by family. Function names are case-insensitive, as in ARM.
import type { TemplateFunction } from "./args.js";
import { arrayFunctions } from "./array.js";
import { deploymentFunctions } from "./deployment.js";
import { hashFunctions } from "./hash.js";
import { logicalFunctions } from "./logical.js";
import { resourceFunctions } from "./resource.js";
import { stringFunctions } from "./string.js";

export { FunctionError, type TemplateFunction } from "./args.js";

const registry = new Map<string, TemplateFunction>();
for (const family of [
  stringFunctions,
  arrayFunctions,
  logicalFunctions,
  hashFunctions,
  resourceFunctions,
  deploymentFunctions,
]) {
  for (const [name, fn] of Object.entries(family)) registry.set(name.toLowerCase(), fn);
}

export function templateFunction(name: string): TemplateFunction | undefined {
  return registry.get(name.toLowerCase());
}
