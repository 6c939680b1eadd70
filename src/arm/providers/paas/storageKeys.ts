// Storage account keys: derived, not stored, so that the ARM API's listKeys and the data plane (which hands
// them to Azurite) agree without sharing secrets. A key is a function of the account id, the key's name and its
// creation time (`properties.keyCreationTime`), so regenerateKey changes exactly one key.
import { createHmac } from "node:crypto";
import type { ArmResource } from "../../../model/arm.js";
import { idKey } from "../../../model/resourceId.js";

export type StorageKeyName = "key1" | "key2";

export interface StorageAccountKey {
  keyName: StorageKeyName;
  /** 64 bytes, base64: the shape of Azure's keys. */
  value: string;
  permissions: "FULL";
  creationTime?: string;
}

export const STORAGE_KEY_NAMES: readonly StorageKeyName[] = ["key1", "key2"];

function keyCreationTimes(account: ArmResource): Partial<Record<StorageKeyName, string>> {
  const times = (account.properties as { keyCreationTime?: unknown } | undefined)?.keyCreationTime;
  return times && typeof times === "object" ? (times as Partial<Record<StorageKeyName, string>>) : {};
}

/** The account's two keys, as `listKeys` returns them. */
export function storageAccountKeys(account: ArmResource): StorageAccountKey[] {
  const times = keyCreationTimes(account);
  return STORAGE_KEY_NAMES.map((keyName) => {
    const stamp = times[keyName];
    const value = createHmac("sha512", "vnetlab storage account key")
      .update(`${idKey(account.id)}|${keyName}|${stamp ?? ""}`)
      .digest("base64");
    return { keyName, value, permissions: "FULL", ...(stamp ? { creationTime: stamp } : {}) };
  });
}
