// ARM template deployment, evaluated offline: `evaluateTemplate(template, options)` gives the resources a
// template deploys into a resource group (ARM JSON, in dependency order) and its outputs, or throws a
// VnetlabError naming the template path of the first problem (and then nothing is deployed).
export type { EvaluateOptions } from "./context.js";
export { type DeploymentStep, evaluateTemplate, type TemplateResult } from "./deployment.js";
export { mergeIncremental } from "./incremental.js";
export type { Json, JsonObject } from "./json.js";
export type { TemplateOutput } from "./outputs.js";
export { parameterFromText, parametersFileValues } from "./parameters.js";
export { armGuidOf, uniqueStringOf } from "./functions/hash.js";
