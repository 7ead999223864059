/**
 * The open-alert list kept live: feed events applied to the cached `GET /api/alerts` answer.
 *
 * Pure and synchronous so it can be tested: it returns the new list, the alerts to fetch in full (a new
 * alert's event carries no snapshot, procedure or detail; an event about an alert not in the list), and
 * whether the whole list must be reloaded (an event whose effect on alerts the feed does not spell out).
 * Every change the server makes bumps the alert's version by one, so the patched version stays what an
 * acknowledge or dismiss must send; a missed event shows up as a 409 and a reload of that alert.
 */
import type { Schemas } from "../client";
import type { FeedEvent } from "../feed/events";
import { toPriority } from "./codes";

export type Alert = Schemas["AlertPublic"];

/** The statuses an alert in the queue can have (AlertStatus in src/kuzet/domain/operations/alerts.py). */
export const ACTIVE_STATUSES: ReadonlySet<string> = new Set(["open", "acknowledged", "escalated"]);

export interface AlertPatch {
  alerts: Alert[];
  /** Alerts to fetch with `GET /api/alerts/{id}` and merge in with ``mergeAlert``. */
  fetch: string[];
  /** Reload the whole list (an incident took alerts in). */
  reload: boolean;
  /** Alerts new to this list, for the sound and the flash. */
  raised: Alert[];
}

/** What an AlertRaised event tells before the full alert is fetched. */
function provisional(event: Extract<FeedEvent, { type: "AlertRaised" }>["data"]): Alert {
  return {
    id: event.alert_id,
    code: event.code,
    priority: toPriority(event.priority),
    status: "open",
    first_at: event.occurred_at,
    last_at: event.occurred_at,
    count: 1,
    camera_id: event.camera_id,
    track_id: null,
    lat: event.lat,
    lon: event.lon,
    detail: "",
    acknowledged_by: null,
    escalated_at: null,
    incident_id: null,
    version: 1,
    procedure: [],
    snapshot_url: null,
  };
}

function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

export function applyAlertEvents(alerts: readonly Alert[], events: readonly FeedEvent[]): AlertPatch {
  const byId = new Map(alerts.map((alert) => [alert.id, alert]));
  const fetch = new Set<string>();
  const raised = new Map<string, Alert>();
  let reload = false;
  let changed = false;

  const update = (id: string, change: (alert: Alert) => Alert | null): void => {
    const alert = byId.get(id);
    if (alert === undefined) {
      fetch.add(id);
      return;
    }
    const next = change(alert);
    if (next === alert) return;
    changed = true;
    if (next === null) {
      byId.delete(id);
      fetch.delete(id);
      raised.delete(id);
    } else {
      byId.set(id, next);
      if (raised.has(id)) raised.set(id, next);
    }
  };

  for (const event of events) {
    switch (event.type) {
      case "AlertRaised": {
        const data = event.data;
        if (!byId.has(data.alert_id)) {
          const alert = provisional(data);
          byId.set(alert.id, alert);
          raised.set(alert.id, alert);
          changed = true;
        }
        fetch.add(data.alert_id);
        break;
      }
      case "AlertFolded": {
        const data = event.data;
        update(data.alert_id, (alert) =>
          data.count <= alert.count
            ? alert
            : {
                ...alert,
                count: data.count,
                last_at: later(alert.last_at, data.occurred_at),
                version: alert.version + (data.count - alert.count),
              },
        );
        break;
      }
      case "AlertAcknowledged": {
        const data = event.data;
        update(data.alert_id, (alert) =>
          alert.status === "acknowledged"
            ? alert
            : { ...alert, status: "acknowledged", acknowledged_by: data.by, version: alert.version + 1 },
        );
        break;
      }
      case "AlertEscalated": {
        const data = event.data;
        update(data.alert_id, (alert) =>
          alert.status === "escalated"
            ? alert
            : {
                ...alert,
                status: "escalated",
                priority: toPriority(data.priority),
                escalated_at: data.occurred_at,
                version: alert.version + 1,
              },
        );
        break;
      }
      case "AlertDismissed": {
        const id = event.data.alert_id;
        if (byId.has(id)) update(id, () => null);
        fetch.delete(id);
        break;
      }
      case "IncidentOpened":
        reload = true;
        break;
      default:
        break;
    }
  }
  return {
    alerts: changed ? [...byId.values()] : (alerts as Alert[]),
    fetch: [...fetch],
    reload,
    raised: [...raised.values()],
  };
}

/** Put the full alert (from GET or an action's answer) in the list, or take it out if it is closed. */
export function mergeAlert(alerts: readonly Alert[], alert: Alert): Alert[] {
  const index = alerts.findIndex((a) => a.id === alert.id);
  const active = ACTIVE_STATUSES.has(alert.status);
  if (index < 0) return active ? [...alerts, alert] : (alerts as Alert[]);
  const current = alerts[index] as Alert;
  // The feed may already have moved past this answer (a fold after the GET was sent).
  if (current.version > alert.version) return alerts as Alert[];
  const next = [...alerts];
  if (active) next[index] = alert;
  else next.splice(index, 1);
  return next;
}
