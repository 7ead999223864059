import { describe, expect, it } from "vitest";

import type { Camera, CameraDown, Unit } from "../../api/queries/cameras";
import { cameraFeatures, unitFeatures } from "./features";

function camera(id: string, extra: Partial<Camera> = {}): Camera {
  return {
    id,
    name: id,
    kind: "street",
    purpose: "public_order",
    district_id: "almaly",
    owner_tenant_id: null,
    lat: 43.25,
    lon: 76.93,
    heading_deg: null,
    enabled: true,
    ...extra,
  } as Camera;
}

const down = (id: string): CameraDown => ({
  camera_id: id,
  district_id: "almaly",
  condition: "offline",
  since: "2026-01-03T10:00:00Z",
  down_for_s: 60,
  detail: "",
  device_state: "active",
});

describe("cameraFeatures", () => {
  it("colours by health and puts longitude first, as GeoJSON wants", () => {
    const fc = cameraFeatures(
      [camera("up"), camera("down"), camera("off", { enabled: false }), camera("body", { lat: null, lon: null })],
      [down("down")],
    );
    expect(fc.features.map((f) => [f.properties.id, f.properties.health])).toEqual([
      ["up", "up"],
      ["down", "down"],
      ["off", "disabled"],
    ]);
    expect(fc.features[0]?.geometry.coordinates).toEqual([76.93, 43.25]);
  });
});

describe("unitFeatures", () => {
  it("places units that report a position", () => {
    const unit: Unit = { id: "u1", call_sign: "P01", kind: "patrol_car", district_id: "a", status: "busy", lat: 1, lon: 2 };
    const fc = unitFeatures([unit, { ...unit, id: "u2", lat: null, lon: null }]);
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0]?.properties).toEqual({ id: "u1", call_sign: "P01", status: "busy" });
  });
});
