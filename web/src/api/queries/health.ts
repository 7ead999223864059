/** Camera health and the fleet: uptime over a window and the maintenance tickets (cameras down now: ./cameras.ts). */
import { useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "../client";

export type UptimeReport = Schemas["UptimeReportPublic"];
export type Uptime = Schemas["UptimePublic"];
export type MaintenanceTicket = Schemas["MaintenanceTicketPublic"];

export const HEALTH_REFRESH_MS = 30_000;

/** Uptime per camera and district over the last ``windowMs`` (the server's clock ends it: now). */
export function useUptime(windowMs: number, enabled = true) {
  return useQuery({
    queryKey: ["cameras", "health", "uptime", windowMs],
    queryFn: () => {
      const end = Date.now();
      return unwrap(
        api.GET("/api/cameras/health/uptime", {
          params: { query: { start: new Date(end - windowMs).toISOString() } },
        }),
      );
    },
    enabled,
    refetchInterval: HEALTH_REFRESH_MS,
  });
}

/** All maintenance tickets, open and closed (the screen puts the open ones first). */
export function useMaintenanceTickets(enabled = true) {
  return useQuery({
    queryKey: ["fleet", "tickets"],
    queryFn: () => unwrap(api.GET("/api/fleet/tickets", { params: { query: { open_only: false } } })),
    enabled,
    refetchInterval: HEALTH_REFRESH_MS,
  });
}
