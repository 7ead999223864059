/** The map's live layers as GeoJSON: cameras coloured by health, units by status. */
import type { FeatureCollection, Point } from "geojson";

import type { Camera, CameraDown, Unit } from "../../api/queries/cameras";

export type CameraHealth = "up" | "down" | "disabled";

export interface CameraProperties {
  id: string;
  name: string;
  health: CameraHealth;
}

export interface UnitProperties {
  id: string;
  call_sign: string;
  status: string;
}

export function cameraFeatures(
  cameras: readonly Camera[],
  down: readonly CameraDown[],
): FeatureCollection<Point, CameraProperties> {
  const downIds = new Set(down.map((d) => d.camera_id));
  return {
    type: "FeatureCollection",
    features: cameras.flatMap((camera) =>
      camera.lat === null || camera.lon === null
        ? []
        : [
            {
              type: "Feature" as const,
              id: camera.id,
              geometry: { type: "Point" as const, coordinates: [camera.lon, camera.lat] },
              properties: {
                id: camera.id,
                name: camera.name,
                health: !camera.enabled ? "disabled" : downIds.has(camera.id) ? "down" : "up",
              },
            },
          ],
    ),
  };
}

export function unitFeatures(units: readonly Unit[]): FeatureCollection<Point, UnitProperties> {
  return {
    type: "FeatureCollection",
    features: units.flatMap((unit) =>
      unit.lat === null || unit.lon === null
        ? []
        : [
            {
              type: "Feature" as const,
              id: unit.id,
              geometry: { type: "Point" as const, coordinates: [unit.lon, unit.lat] },
              properties: { id: unit.id, call_sign: unit.call_sign, status: unit.status },
            },
          ],
    ),
  };
}
