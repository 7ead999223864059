import { describe, expect, it } from "vitest";

import { distanceM, nearestCameras } from "./nearest";

describe("distanceM", () => {
  it("measures a degree of latitude as about 111 km", () => {
    expect(distanceM(43, 76.9, 44, 76.9)).toBeGreaterThan(111_000);
    expect(distanceM(43, 76.9, 44, 76.9)).toBeLessThan(111_400);
  });
});

describe("nearestCameras", () => {
  const cameras = [
    { id: "own", lat: 43.25, lon: 76.93 },
    { id: "far", lat: 43.3, lon: 76.93 },
    { id: "near", lat: 43.2501, lon: 76.93 },
    { id: "mid", lat: 43.252, lon: 76.93 },
    { id: "nowhere", lat: null, lon: null },
  ];
  it("lists cameras within the radius, nearest first, without the alert's own", () => {
    const found = nearestCameras(cameras, 43.25, 76.93, { exclude: "own", withinM: 1000 });
    expect(found.map((f) => f.camera.id)).toEqual(["near", "mid"]);
    expect(Math.round(found[0]?.meters ?? 0)).toBe(11);
  });
  it("keeps to the limit", () => {
    expect(nearestCameras(cameras, 43.25, 76.93, { limit: 1 }).map((f) => f.camera.id)).toEqual(["own"]);
  });
});
