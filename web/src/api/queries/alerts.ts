/**
 * The alert queue's server state: the open alerts (`GET /api/alerts`), kept live by the feed, and the
 * operator's actions on them. Each action's answer (the alert at its new version) goes straight into
 * the cache; a 409 (someone else was first) reloads that alert so the screen shows what happened.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback, useRef } from "react";

import { api, ApiError, unwrap, type Schemas } from "../client";
import { useFeedEvents } from "../feed/FeedProvider";
import type { FeedEvent } from "../feed/events";
import { applyAlertEvents, mergeAlert, type Alert } from "./alertCache";

export type { Alert } from "./alertCache";
export type Incident = Schemas["IncidentPublic"];
/** The deployment's offense codes (an enum in the document); an alert's code is one of them. */
type OffenseCode = Schemas["IncidentCreate"]["code"];

export const activeAlertsKey = ["alerts", "active"] as const;
/** The most `GET /api/alerts` gives in one answer; the feed adds what arrives later. */
export const ALERT_LIST_LIMIT = 500;

export function fetchActiveAlerts(): Promise<Alert[]> {
  return unwrap(api.GET("/api/alerts", { params: { query: { active: true, limit: ALERT_LIST_LIMIT } } }));
}

export function fetchAlert(alertId: string): Promise<Alert> {
  return unwrap(api.GET("/api/alerts/{alert_id}", { params: { path: { alert_id: alertId } } }));
}

export function useActiveAlerts(enabled: boolean) {
  return useQuery({ queryKey: activeAlertsKey, queryFn: fetchActiveAlerts, enabled, staleTime: Infinity });
}

function putAlert(queryClient: QueryClient, alert: Alert): void {
  queryClient.setQueryData<Alert[]>(activeAlertsKey, (alerts) => mergeAlert(alerts ?? [], alert));
}

async function refreshAlert(queryClient: QueryClient, alertId: string): Promise<void> {
  try {
    putAlert(queryClient, await fetchAlert(alertId));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      queryClient.setQueryData<Alert[]>(activeAlertsKey, (alerts) => alerts?.filter((a) => a.id !== alertId));
    }
  }
}

/**
 * Keeps the cached list in step with the feed; ``onRaised`` hears about alerts new to the list (for
 * the sound). After a reconnection the list is reloaded: events were missed while away.
 */
export function useAlertFeedSync(onRaised: (alerts: Alert[]) => void): void {
  const queryClient = useQueryClient();
  const inFlight = useRef(new Set<string>());
  const onEvents = useCallback(
    (events: FeedEvent[]) => {
      const alerts = queryClient.getQueryData<Alert[]>(activeAlertsKey);
      if (alerts === undefined) return; // the first load is still on its way and will include them
      const patch = applyAlertEvents(alerts, events);
      if (patch.alerts !== alerts) queryClient.setQueryData(activeAlertsKey, patch.alerts);
      if (patch.reload) void queryClient.invalidateQueries({ queryKey: activeAlertsKey });
      for (const id of patch.fetch) {
        if (inFlight.current.has(id)) continue;
        inFlight.current.add(id);
        void refreshAlert(queryClient, id).finally(() => inFlight.current.delete(id));
      }
      if (patch.raised.length > 0) onRaised(patch.raised);
    },
    [queryClient, onRaised],
  );
  const onConnected = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: activeAlertsKey }),
    [queryClient],
  );
  useFeedEvents(onEvents, onConnected);
}

function useAlertMutation<V>(run: (variables: V) => Promise<Alert>, alertIdOf: (variables: V) => string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (alert) => putAlert(queryClient, alert),
    onError: (error, variables) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
        void refreshAlert(queryClient, alertIdOf(variables));
      }
    },
  });
}

export function useAcknowledge() {
  return useAlertMutation(
    (alert: Alert) =>
      unwrap(
        api.POST("/api/alerts/{alert_id}/acknowledge", {
          params: { path: { alert_id: alert.id } },
          body: { version: alert.version },
        }),
      ),
    (alert) => alert.id,
  );
}

export function useDismiss() {
  return useAlertMutation(
    ({ alert, reason }: { alert: Alert; reason: string }) =>
      unwrap(
        api.POST("/api/alerts/{alert_id}/dismiss", {
          params: { path: { alert_id: alert.id } },
          body: { version: alert.version, reason },
        }),
      ),
    ({ alert }) => alert.id,
  );
}

export function useCompleteStep() {
  return useAlertMutation(
    ({ alert, step }: { alert: Alert; step: number }) =>
      unwrap(
        api.POST("/api/alerts/{alert_id}/procedure/{step}", {
          params: { path: { alert_id: alert.id, step } },
        }),
      ),
    ({ alert }) => alert.id,
  );
}

/** Open an incident from an alert: its code and place, the alert taken into it. */
export function useOpenIncident() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ alert, summary }: { alert: Alert; summary: string }) =>
      unwrap(
        api.POST("/api/incidents", {
          body: {
            code: alert.code as OffenseCode,
            summary,
            alert_ids: [alert.id],
            ...(alert.lat !== null && alert.lon !== null ? { lat: alert.lat, lon: alert.lon } : {}),
          },
        }),
      ),
    onSuccess: (_incident, { alert }) => {
      void refreshAlert(queryClient, alert.id);
      void queryClient.invalidateQueries({ queryKey: ["incidents"] });
    },
  });
}
