/**
 * Incidents' server state: the board's lists (`GET /api/incidents`, open only or all), one incident
 * with its notes, the units the server recommends, and the operator's actions (move, note, dispatch).
 * The feed keeps the lists live (incidentCache.ts); each action's answer goes straight into the cache,
 * and a 409 (someone else moved it first) reloads the incident so the card shows what happened.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback, useRef } from "react";

import { api, ApiError, unwrap, type Schemas } from "../client";
import { useFeedEvents } from "../feed/FeedProvider";
import type { FeedEvent } from "../feed/events";
import type { Alert } from "./alertCache";
import { unitsKey } from "./cameras";
import { applyIncidentEvents, keepNotes, mergeIncident, type Incident, type IncidentState } from "./incidentCache";

export type { Incident, IncidentState } from "./incidentCache";
export type Recommendation = Schemas["RecommendationPublic"];
type ClosureCode = NonNullable<Schemas["IncidentStateChange"]["closure_code"]>;

export const incidentsKey = ["incidents"] as const;
export const incidentListKey = (openOnly: boolean) => ["incidents", "list", openOnly] as const;
export const incidentKey = (id: string) => ["incidents", "detail", id] as const;
export const recommendationsKey = (id: string) => ["incidents", "recommendations", id] as const;
export const linkedAlertsKey = (id: string) => ["incidents", "alerts", id] as const;
/** The most incidents one list asks for. */
export const INCIDENT_LIST_LIMIT = 300;
/** How far back the card looks for the alerts taken into an incident (the API has no filter for it). */
const RECENT_ALERTS = 500;

export function fetchIncident(id: string): Promise<Incident> {
  return unwrap(api.GET("/api/incidents/{incident_id}", { params: { path: { incident_id: id } } }));
}

export function useIncidents(openOnly: boolean, enabled: boolean) {
  return useQuery({
    queryKey: incidentListKey(openOnly),
    queryFn: () =>
      unwrap(api.GET("/api/incidents", { params: { query: { open_only: openOnly, limit: INCIDENT_LIST_LIMIT } } })),
    enabled,
    staleTime: Infinity,
  });
}

export function useIncident(id: string | null) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: incidentKey(id ?? ""),
    queryFn: async () => keepNotes(queryClient.getQueryData<Incident>(incidentKey(id ?? "")), await fetchIncident(id ?? "")),
    enabled: id !== null,
    staleTime: Infinity,
  });
}

export function useRecommendations(id: string | null, enabled: boolean) {
  return useQuery({
    queryKey: recommendationsKey(id ?? ""),
    queryFn: () =>
      unwrap(
        api.GET("/api/incidents/{incident_id}/recommendations", {
          params: { path: { incident_id: id ?? "" }, query: { k: 5 } },
        }),
      ),
    enabled: id !== null && enabled,
    staleTime: 10_000,
    refetchInterval: 15_000,
  });
}

/** The alerts taken into the incident, found among the latest alerts (no filter by incident exists). */
export function useLinkedAlerts(id: string | null, enabled: boolean) {
  return useQuery({
    queryKey: linkedAlertsKey(id ?? ""),
    queryFn: async (): Promise<Alert[]> => {
      const alerts = await unwrap(
        api.GET("/api/alerts", { params: { query: { active: false, limit: RECENT_ALERTS } } }),
      );
      return alerts.filter((alert) => alert.incident_id === id);
    },
    enabled: id !== null && enabled,
    staleTime: 30_000,
  });
}

/** The full incident into every cached list and its own entry. */
export function putIncident(queryClient: QueryClient, incident: Incident): void {
  for (const openOnly of [true, false]) {
    queryClient.setQueryData<Incident[]>(incidentListKey(openOnly), (list) =>
      list === undefined ? list : mergeIncident(list, incident, openOnly),
    );
  }
  queryClient.setQueryData<Incident>(incidentKey(incident.id), (current) => keepNotes(current, incident));
}

async function refreshIncident(queryClient: QueryClient, id: string): Promise<void> {
  try {
    const incident = await fetchIncident(id);
    putIncident(queryClient, incident);
    queryClient.setQueryData<Incident>(incidentKey(id), incident); // the read has the notes
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
}

/** Keeps the lists in step with the feed; after a reconnection everything is read again. */
export function useIncidentFeedSync(): void {
  const queryClient = useQueryClient();
  const inFlight = useRef(new Set<string>());
  const onEvents = useCallback(
    (events: FeedEvent[]) => {
      const fetch = new Set<string>();
      for (const openOnly of [true, false]) {
        const list = queryClient.getQueryData<Incident[]>(incidentListKey(openOnly));
        if (list === undefined) continue;
        const patch = applyIncidentEvents(list, events, openOnly);
        if (patch.incidents !== list) queryClient.setQueryData(incidentListKey(openOnly), patch.incidents);
        for (const id of patch.fetch) fetch.add(id);
      }
      for (const event of events) {
        if ("incident_id" in event.data && queryClient.getQueryData(incidentKey(event.data.incident_id))) {
          fetch.add(event.data.incident_id);
        }
        if (event.type === "UnitStatusChanged") {
          void queryClient.invalidateQueries({ queryKey: ["incidents", "recommendations"] });
        }
      }
      for (const id of fetch) {
        if (inFlight.current.has(id)) continue;
        inFlight.current.add(id);
        void refreshIncident(queryClient, id)
          .catch(() => undefined)
          .finally(() => inFlight.current.delete(id));
      }
    },
    [queryClient],
  );
  const onConnected = useCallback(() => void queryClient.invalidateQueries({ queryKey: incidentsKey }), [queryClient]);
  useFeedEvents(onEvents, onConnected);
}

function useIncidentMutation<V extends { incident: Incident }>(run: (variables: V) => Promise<Incident>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (incident) => {
      putIncident(queryClient, incident);
      void queryClient.invalidateQueries({ queryKey: recommendationsKey(incident.id) });
    },
    onError: (error, { incident }) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
        void refreshIncident(queryClient, incident.id).catch(() => undefined);
        void queryClient.invalidateQueries({ queryKey: recommendationsKey(incident.id) });
        void queryClient.invalidateQueries({ queryKey: unitsKey });
      }
    },
  });
}

export function useChangeIncidentState() {
  return useIncidentMutation(
    ({ incident, to, closureCode }: { incident: Incident; to: IncidentState; closureCode?: ClosureCode }) =>
      unwrap(
        api.POST("/api/incidents/{incident_id}/state", {
          params: { path: { incident_id: incident.id } },
          body: { to, version: incident.version, ...(closureCode ? { closure_code: closureCode } : {}) },
        }),
      ),
  );
}

export function useDispatchUnits() {
  return useIncidentMutation(({ incident, unitIds }: { incident: Incident; unitIds: string[] }) =>
    unwrap(
      api.POST("/api/incidents/{incident_id}/dispatch", {
        params: { path: { incident_id: incident.id } },
        body: { unit_ids: unitIds, version: incident.version },
      }),
    ),
  );
}

export function useAddNote() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ incident, text }: { incident: Incident; text: string }) =>
      unwrap(
        api.POST("/api/incidents/{incident_id}/notes", {
          params: { path: { incident_id: incident.id } },
          body: { text },
        }),
      ),
    onSettled: (_answer, _error, { incident }) => refreshIncident(queryClient, incident.id).catch(() => undefined),
  });
}
