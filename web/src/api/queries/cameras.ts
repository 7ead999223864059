/** Cameras and their health, and the patrol units: reference data for the pane and the map. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";

import { api, unwrap, type Schemas } from "../client";
import { useFeedEvents } from "../feed/FeedProvider";
import type { FeedEvent } from "../feed/events";
import { isUnitStatus } from "./codes";

export type Camera = Schemas["CameraPublic"];
export type CameraDown = Schemas["CameraDownPublic"];
export type Unit = Schemas["UnitPublic"];

export const camerasKey = ["cameras"] as const;
export const camerasDownKey = ["cameras", "down"] as const;
export const unitsKey = ["units"] as const;

export function useCameras(enabled = true) {
  return useQuery({
    queryKey: camerasKey,
    queryFn: () => unwrap(api.GET("/api/cameras")),
    enabled,
    staleTime: 5 * 60_000,
  });
}

export function useCamerasDown(enabled = true) {
  return useQuery({
    queryKey: camerasDownKey,
    queryFn: () => unwrap(api.GET("/api/cameras/health/down")),
    enabled,
    refetchInterval: 30_000,
  });
}

export function useUnits(enabled = true) {
  return useQuery({
    queryKey: unitsKey,
    queryFn: () => unwrap(api.GET("/api/units")),
    enabled,
    staleTime: Infinity,
  });
}

/** Units move and change status on the feed; the list is patched in place. */
export function applyUnitEvents(units: readonly Unit[], events: readonly FeedEvent[]): Unit[] {
  const byId = new Map(units.map((unit) => [unit.id, unit]));
  let changed = false;
  for (const event of events) {
    if (event.type === "UnitMoved" || event.type === "UnitStatusChanged") {
      const unit = byId.get(event.data.unit_id);
      if (unit === undefined) continue;
      if (event.type === "UnitStatusChanged" && !isUnitStatus(event.data.status)) continue;
      changed = true;
      byId.set(
        unit.id,
        event.type === "UnitMoved"
          ? { ...unit, lat: event.data.lat, lon: event.data.lon }
          : { ...unit, status: event.data.status as Unit["status"] },
      );
    }
  }
  return changed ? [...byId.values()] : (units as Unit[]);
}

export function useUnitFeedSync(): void {
  const queryClient = useQueryClient();
  const onEvents = useCallback(
    (events: FeedEvent[]) =>
      queryClient.setQueryData<Unit[]>(unitsKey, (units) => (units ? applyUnitEvents(units, events) : units)),
    [queryClient],
  );
  const onConnected = useCallback(() => void queryClient.invalidateQueries({ queryKey: unitsKey }), [queryClient]);
  useFeedEvents(onEvents, onConnected);
}
