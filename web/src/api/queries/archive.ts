/** The archive: a camera's recorded segments over a range, and the URL of its HLS playlist. */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "../client";

export type Segment = Schemas["SegmentPublic"];

export function useSegments(cameraId: string | null, start: number, end: number, enabled = true) {
  return useQuery({
    queryKey: ["archive", "segments", cameraId, start, end],
    queryFn: () =>
      unwrap(
        api.GET("/api/archive/cameras/{camera_id}/segments", {
          params: {
            path: { camera_id: cameraId ?? "" },
            query: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
          },
        }),
      ),
    enabled: enabled && cameraId !== null,
    staleTime: 30_000,
  });
}

/**
 * The playlist of a range (same origin: the session cookie authenticates it and the segments it
 * lists, so no token ever goes into a URL).
 */
export function playlistUrl(cameraId: string, start: number, end: number): string {
  const query = new URLSearchParams({
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
  });
  return `/api/archive/cameras/${encodeURIComponent(cameraId)}/playlist.m3u8?${query.toString()}`;
}
