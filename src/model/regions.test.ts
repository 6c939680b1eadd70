import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VnetlabError } from "./errors.js";
import { Regions } from "./regions.js";

const LOCATIONS = new URL("../../../shared/data/locations.json", import.meta.url);

describe("Regions.default", () => {
  const regions = Regions.default();

  it("is built once", () => {
    expect(Regions.default()).toBe(regions);
  });

  it("keeps pairs directional (semantics §1.4)", () => {
    expect(regions.pairOf("westus3")).toBe("eastus");
    expect(regions.pairOf("eastus")).toBe("westus");
    expect(regions.pairOf("westus")).toBe("eastus");
    expect(regions.pairOf("brazilsouth")).toBe("southcentralus");
    expect(regions.pairOf("southcentralus")).toBe("northcentralus");
    expect(regions.pairOf("westindia")).toBe("southindia");
    expect(regions.pairOf("southindia")).toBe("centralindia");
  });

  it("has symmetric pairs where Azure's are bidirectional", () => {
    for (const [a, b] of [
      ["northeurope", "westeurope"],
      ["eastus2", "centralus"],
      ["uksouth", "ukwest"],
      ["japaneast", "japanwest"],
      ["westus2", "westcentralus"],
    ] as const) {
      expect(regions.pairOf(a)).toBe(b);
      expect(regions.pairOf(b)).toBe(a);
    }
  });

  it("has no pair for the regions Azure lists without one", () => {
    for (const r of [
      "qatarcentral",
      "polandcentral",
      "israelcentral",
      "italynorth",
      "austriaeast",
      "spaincentral",
    ]) {
      expect(regions.get(r)).toBeDefined();
      expect(regions.pairOf(r)).toBeUndefined();
    }
    expect(regions.pairOf("global")).toBeUndefined();
    expect(regions.pairOf("atlantis")).toBeUndefined();
  });

  it("normalizes names and display names in any case and spacing", () => {
    expect(regions.normalize("East US")).toBe("eastus");
    expect(regions.normalize("eastus")).toBe("eastus");
    expect(regions.normalize("EASTUS")).toBe("eastus");
    expect(regions.normalize("East US 2")).toBe("eastus2");
    expect(regions.normalize(" east us 2 ")).toBe("eastus2");
    expect(regions.normalize("West Central US")).toBe("westcentralus");
    expect(regions.normalize("Mars North")).toBeUndefined();
    expect(regions.get("East US 2")?.name).toBe("eastus2");
    expect(regions.pairOf("West US 3")).toBe("eastus");
  });

  it("keeps geography and region type", () => {
    const eastus = regions.get("eastus");
    expect(eastus?.displayName).toBe("East US");
    expect(eastus?.geography).toBe("United States");
    expect(eastus?.regionType).toBe("Physical");
    expect(regions.get("europe")?.regionType).toBe("Logical");
  });

  it("points every pair at a region name, not a display name", () => {
    for (const r of regions.all()) {
      if (r.pairedRegion) expect(r.pairedRegion).toMatch(/^[a-z0-9]+$/);
    }
  });
});

describe("Regions.fromLocations", () => {
  it("reads the ARM REST form with { name, id } pairs", () => {
    const regions = Regions.fromLocations({
      value: [
        {
          name: "westus3",
          displayName: "West US 3",
          metadata: { pairedRegion: [{ name: "eastus", id: "/subscriptions/x/locations/eastus" }] },
        },
        { name: "eastus", displayName: "East US", metadata: { pairedRegion: [{ name: "westus" }] } },
        { name: "qatarcentral", displayName: "Qatar Central", metadata: { pairedRegion: [] } },
      ],
    });
    expect(regions.pairOf("westus3")).toBe("eastus");
    expect(regions.pairOf("eastus")).toBe("westus");
    expect(regions.pairOf("qatarcentral")).toBeUndefined();
    expect(regions.normalize("West US 3")).toBe("westus3");
  });

  it("rejects input that is not a list of locations", () => {
    expect(() => Regions.fromLocations({ regions: [] })).toThrow(VnetlabError);
    expect(() => Regions.fromLocations([{ displayName: "East US" }])).toThrow(/item 0 has no name/);
  });

  it.skipIf(!existsSync(LOCATIONS))(
    "matches the real az account list-locations output it was built from",
    () => {
      const real = Regions.fromLocations(JSON.parse(readFileSync(LOCATIONS, "utf8")));
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect([...Regions.default().all()].sort(byName)).toEqual([...real.all()].sort(byName));
    },
  );
});
