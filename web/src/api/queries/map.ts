/** The base map: streets and district areas as GeoJSON, from Kuzet itself (no tile server). */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../client";

const fetchStreets = () => unwrap(api.GET("/api/map/roads"));
const fetchDistrictAreas = () => unwrap(api.GET("/api/map/districts"));

/** StreetsPublic and DistrictAreasPublic as the client reads them (fixed-length arrays as arrays). */
export type Streets = Awaited<ReturnType<typeof fetchStreets>>;
export type DistrictAreas = Awaited<ReturnType<typeof fetchDistrictAreas>>;

export function useStreets(enabled = true) {
  return useQuery({
    queryKey: ["map", "roads"],
    queryFn: fetchStreets,
    enabled,
    staleTime: Infinity,
  });
}

export function useDistrictAreas(enabled = true) {
  return useQuery({
    queryKey: ["map", "districts"],
    queryFn: fetchDistrictAreas,
    enabled,
    staleTime: Infinity,
  });
}
