// uniqueString() and guid(), with Azure's own algorithms so that names match real deployments.
//
// uniqueString: the arguments joined with "-", UTF-8 encoded, hashed with the 64-bit MurmurHash variant of
// Microsoft.WindowsAzure.ResourceStack (two 32-bit lanes with MurmurHash3 x86 constants, seed 0) and written as
// 13 base-32 characters (a-z, 2-7) from the top bits down. Sources: Azure/terraform-provider-azapi
// internal/services/functions/unique_string_function.go (Microsoft's port) and the description of
// Azure.Deployments.Expression's UniqueStringFunction in gist maskati/23f329e7db43c00184143f04498e537c.
//
// guid: a name-based version 5 UUID (RFC 4122 §4.3, SHA-1) over the arguments joined with "-" in the namespace
// 11fb06fb-712d-4ddd-98c7-e71bbd588830. Sources: the ARM docs' remark that guid() implements RFC 4122 §4.3 after
// Logos GuidUtility (template-functions-string#guid; MicrosoftDocs/azure-docs#121776), with the namespace and
// the "-" join as public ports use them (e.g. terraform `uuidv5("11fb06fb-…", join("-", …))` to match Bicep).
// Checked against Azure's engine: Bicep's build-params baseline evaluates guid('asdf') (hash.test.ts).
import { createHash } from "node:crypto";
import { arity, type EagerFunction, FunctionError } from "./args.js";
import type { Json } from "../json.js";

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x85ebca6b;
const C4 = 0xc2b2ae35;

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
const mul = (a: number, b: number): number => Math.imul(a, b) >>> 0;
const add = (a: number, b: number): number => (a + b) >>> 0;

function fmix(h: number): number {
  h = mul(h ^ (h >>> 16), C3);
  h = mul(h ^ (h >>> 13), C4);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Little-endian 32-bit word of `len` (1..4) bytes at `at`. */
function word(data: Uint8Array, at: number, len: number): number {
  let v = 0;
  for (let j = 0; j < len; j++) v |= data[at + j]! << (8 * j);
  return v >>> 0;
}

/** ResourceStack's MurmurHash64 (seed 0): the hash behind uniqueString and ARM's templateHash. */
export function murmurHash64(data: Uint8Array): bigint {
  const n = data.length;
  let h1 = 0;
  let h2 = 0;
  let i = 0;
  for (; i + 7 < n; i += 8) {
    const k1 = mul(rotl(mul(word(data, i, 4), C1), 15), C2);
    h1 = add(mul(add(rotl((h1 ^ k1) >>> 0, 19), h2), 5), 0x561ccd1b);
    const k2 = mul(rotl(mul(word(data, i + 4, 4), C2), 17), C1);
    h2 = add(mul(add(rotl((h2 ^ k2) >>> 0, 13), h1), 5), 0x0bcaa747);
  }
  const tail = n - i;
  if (tail > 0) {
    h1 = (h1 ^ mul(rotl(mul(word(data, i, Math.min(tail, 4)), C1), 15), C2)) >>> 0;
    if (tail > 4) h2 = (h2 ^ mul(rotl(mul(word(data, i + 4, tail - 4), C2), 17), C1)) >>> 0;
  }
  h1 = (h1 ^ n) >>> 0;
  h2 = (h2 ^ n) >>> 0;
  h1 = add(h1, h2);
  h2 = add(h2, h1);
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = add(h1, h2);
  h2 = add(h2, h1);
  return (BigInt(h2) << 32n) | BigInt(h1);
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

export function uniqueStringOf(values: readonly string[]): string {
  let h = murmurHash64(new TextEncoder().encode(values.join("-")));
  let out = "";
  for (let i = 0; i < 13; i++) {
    out += BASE32[Number(h >> 59n)];
    h = (h << 5n) & 0xffff_ffff_ffff_ffffn;
  }
  return out;
}

/** A name-based UUID (RFC 4122 §4.3) of the given version, 3 (MD5) or 5 (SHA-1). */
export function nameBasedUuid(namespace: string, name: string, version: 3 | 5 = 5): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const hash = createHash(version === 5 ? "sha1" : "md5")
    .update(ns)
    .update(Buffer.from(name, "utf8"))
    .digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | (version << 4);
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const ARM_GUID_NAMESPACE = "11fb06fb-712d-4ddd-98c7-e71bbd588830";

export function armGuidOf(values: readonly string[]): string {
  return nameBasedUuid(ARM_GUID_NAMESPACE, values.join("-"));
}

function strings(args: Json[]): string[] {
  arity(args, 1, Infinity);
  return args.map((a, i) => {
    if (typeof a !== "string") throw new FunctionError(`the parameter at position ${i + 1} must be a string`);
    return a;
  });
}

export const hashFunctions: Record<string, EagerFunction> = {
  uniqueString: (args) => uniqueStringOf(strings(args)),
  guid: (args) => armGuidOf(strings(args)),
};
