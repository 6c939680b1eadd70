// Indexes the lint rules share, built once per estate (estates are immutable) and dropped with it.
import type { Estate } from "../../model/estate.js";

/** `build(estate)`, computed on first use for each estate and remembered. */
export function perEstate<V>(build: (estate: Estate) => V): (estate: Estate) => V {
  const cache = new WeakMap<Estate, V>();
  return (estate) => {
    let value = cache.get(estate);
    if (value === undefined) {
      value = build(estate);
      cache.set(estate, value);
    }
    return value;
  };
}

/** Adds `value` to the list under `key`. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
