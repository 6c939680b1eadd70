// A layered map reads like the Map its layers' changes would build, and never changes the layers below.
import { describe, expect, it } from "vitest";
import { LayeredMap } from "./layeredMap.js";

describe("LayeredMap", () => {
  it("reads through layers, with deletions and re-additions, like a Map given the same changes", () => {
    // A seeded pseudo-random walk of sets and deletes over 30 keys, 50 layers deep.
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n) as number;
    const model = new Map<string, number>();
    let m = LayeredMap.of<string, number>();
    const history: [LayeredMap<string, number>, Map<string, number>][] = [];
    for (let layer = 0; layer < 50; layer++) {
      m = m.layer();
      for (let op = 0; op < 10; op++) {
        const k = `k${rnd(30)}`;
        if (rnd(3) === 0) {
          m.delete(k);
          model.delete(k);
        } else {
          m.set(k, layer * 100 + op);
          model.set(k, layer * 100 + op);
        }
      }
      history.push([m, new Map(model)]);
    }
    for (const [map, expected] of history) {
      for (let k = 0; k < 30; k++) expect(map.get(`k${k}`)).toBe(expected.get(`k${k}`));
      expect(new Map(map.entries())).toEqual(expected);
      expect(map.flatten().depth).toBe(0);
      expect(new Map(map.flatten().entries())).toEqual(expected);
    }
  });

  it("keeps a key's position when an upper layer replaces its value", () => {
    const base = LayeredMap.of([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    const top = base.layer().set("a", 10);
    expect([...top.entries()]).toEqual([
      ["a", 10],
      ["b", 2],
      ["c", 3],
    ]);
    expect(base.get("a")).toBe(1);
  });
});
