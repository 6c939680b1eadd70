// Template errors: every one is a VnetlabError whose message starts with the template path it is about
// (`resources[2].properties.subnets[0].name: ...`) and whose ARM target is that path. ARM reports them all as
// InvalidTemplate ("Deployment template validation failed: ..."), except a missing referenced resource.
import { type ErrorCode, VnetlabError } from "../../model/errors.js";

export function templateError(
  path: string,
  message: string,
  code: ErrorCode = "InvalidTemplate",
): VnetlabError {
  return new VnetlabError(code, `${path || "template"}: ${message}`, { target: path || "template" });
}

/** Appends a property name to a template path: `a.b`, `a['odd-name']`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${path}['${key}']`;
  return path ? `${path}.${key}` : key;
}
