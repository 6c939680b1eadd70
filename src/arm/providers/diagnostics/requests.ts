// Reading diagnostic request bodies. ARM deserialises JSON property names case-insensitively, so
// `targetResourceId` and `TargetResourceId` are the same field here too; a malformed body is refused with
// Microsoft.Network's InvalidRequestFormat before anything is computed.
import { VnetlabError } from "../../../model/errors.js";
import { type IpAddress, parseIp } from "../../../net/index.js";

export type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function invalid(message: string, target?: string): VnetlabError {
  return new VnetlabError("InvalidRequestFormat", message, target ? { target } : {});
}

/** The request body as an object; an absent body is an empty one. */
export function bodyObject(body: unknown, operation: string): JsonObject {
  if (body === undefined || body === null) return {};
  if (!isObject(body)) throw invalid(`The body of ${operation} must be a JSON object.`);
  return body;
}

/** A property by name, case-insensitively. */
export function field(o: JsonObject, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  const key = Object.keys(o).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : o[key];
}

/** A nested object property (`source`, `destination`); undefined when absent. */
export function objectField(o: JsonObject, name: string, path: string): JsonObject | undefined {
  const v = field(o, name);
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw invalid(`${path} must be an object.`, path);
  return v;
}

export function optionalString(o: JsonObject, name: string, path: string): string | undefined {
  const v = field(o, name);
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw invalid(`${path} must be a string.`, path);
  return v;
}

export function requiredString(o: JsonObject, name: string, path: string): string {
  const v = optionalString(o, name, path);
  if (v === undefined) throw invalid(`The required property ${path} is missing.`, path);
  return v;
}

/** One of a closed set of values, matched case-insensitively and returned in its canonical spelling. */
export function oneOf<T extends string>(
  o: JsonObject,
  name: string,
  path: string,
  allowed: readonly T[],
  fallback?: T,
): T {
  const v = fallback === undefined ? requiredString(o, name, path) : optionalString(o, name, path);
  if (v === undefined) return fallback!;
  const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  if (!hit) throw invalid(`${path} '${v}' is not valid; expected one of ${allowed.join(", ")}.`, path);
  return hit;
}

/** An IPv4 or IPv6 address. */
export function requiredIp(o: JsonObject, name: string, path: string): IpAddress {
  const text = requiredString(o, name, path);
  const ip = parseIp(text.trim());
  if (!ip) throw invalid(`${path} '${text}' is not a valid IP address.`, path);
  return ip;
}

/**
 * A port as Network Watcher takes it: a single integer 0-65535 (as a number or a string), or `*` where the
 * API allows it (returned as undefined, meaning every port) [S27].
 */
export function port(o: JsonObject, name: string, path: string, star: boolean): number | undefined {
  const v = field(o, name);
  if (v === undefined || v === null || v === "") return undefined;
  if (star && v === "*") return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw invalid(
      `${path} '${String(v)}' is not valid; expected a single integer in the range 0-65535.`,
      path,
    );
  }
  return n;
}

/** A port that must be given (`*` counts, where allowed). */
export function requiredPort(o: JsonObject, name: string, path: string, star: boolean): number | undefined {
  const v = field(o, name);
  if (v === undefined || v === null || v === "")
    throw invalid(`The required property ${path} is missing.`, path);
  return port(o, name, path, star);
}
