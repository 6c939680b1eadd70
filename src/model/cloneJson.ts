// One deep copy for ARM JSON (plain objects, arrays and primitives, as JSON.parse makes them). rfdc copies such
// values several times faster than structuredClone, which matters on the ARM server's write path.
import rfdc from "rfdc";

const copy = rfdc({ proto: false, circles: false });

export function cloneJson<T>(value: T): T {
  return copy(value);
}
