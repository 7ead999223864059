/** The map's style: everything inline (GeoJSON sources), no sprite, no glyphs, no URL to fetch. */
import type { StyleSpecification } from "maplibre-gl";

import type { DistrictAreas, Streets } from "../../api/queries/map";

export const CAMERA_COLORS = { up: "#12b886", down: "#fa5252", disabled: "#868e96" } as const;
export const UNIT_COLORS = {
  available: "#40c057",
  dispatched: "#fd7e14",
  busy: "#fab005",
  off_duty: "#868e96",
} as const;

const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

/** The API's collections are GeoJSON as they are; only their bbox is typed as a plain array. */
function collection(value: Streets | DistrictAreas): GeoJSON.FeatureCollection {
  return { type: "FeatureCollection", features: value.features };
}

export function mapStyle(streets: Streets, districts: DistrictAreas): StyleSpecification {
  return {
    version: 8,
    sources: {
      districts: { type: "geojson", data: collection(districts) },
      roads: { type: "geojson", data: collection(streets) },
      cameras: { type: "geojson", data: EMPTY },
      units: { type: "geojson", data: EMPTY },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": "#141517" } },
      {
        id: "district-areas",
        type: "fill",
        source: "districts",
        paint: { "fill-color": "#1c7ed6", "fill-opacity": 0.05 },
      },
      {
        id: "district-borders",
        type: "line",
        source: "districts",
        paint: { "line-color": "#4dabf7", "line-opacity": 0.45, "line-width": 1.5, "line-dasharray": [3, 2] },
      },
      {
        id: "roads",
        type: "line",
        source: "roads",
        layout: { "line-cap": "round", "line-join": "round" },
        paint: {
          "line-color": ["match", ["get", "road_class"], "avenue", "#909296", "street", "#5c5f66", "#373a40"],
          "line-width": [
            "interpolate",
            ["linear"],
            ["zoom"],
            11,
            ["match", ["get", "road_class"], "avenue", 1.5, "street", 0.8, 0.4],
            16,
            ["match", ["get", "road_class"], "avenue", 8, "street", 5, 3],
          ],
        },
      },
      {
        id: "cameras",
        type: "circle",
        source: "cameras",
        paint: {
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 11, 2.5, 16, 6],
          "circle-color": [
            "match",
            ["get", "health"],
            "down",
            CAMERA_COLORS.down,
            "disabled",
            CAMERA_COLORS.disabled,
            CAMERA_COLORS.up,
          ],
          "circle-stroke-color": "#141517",
          "circle-stroke-width": 1,
        },
      },
      {
        id: "units",
        type: "circle",
        source: "units",
        paint: {
          "circle-radius": ["interpolate", ["linear"], ["zoom"], 11, 5, 16, 9],
          "circle-color": [
            "match",
            ["get", "status"],
            "dispatched",
            UNIT_COLORS.dispatched,
            "busy",
            UNIT_COLORS.busy,
            "off_duty",
            UNIT_COLORS.off_duty,
            UNIT_COLORS.available,
          ],
          "circle-stroke-color": "#f8f9fa",
          "circle-stroke-width": 1.5,
        },
      },
    ],
  };
}
