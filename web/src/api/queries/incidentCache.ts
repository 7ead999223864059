/**
 * The incident lists kept live: feed events applied to a cached `GET /api/incidents` answer.
 *
 * Pure and synchronous so it can be tested. The feed says what changed (a state, units sent) but not
 * everything (the version after a dispatch, a closure code), so each touched incident is patched for
 * the screen at once and also listed in ``fetch``: its full record is read back and merged with
 * ``mergeIncident``, which never lets an older version overwrite a newer one.
 */
import type { Schemas } from "../client";
import type { FeedEvent } from "../feed/events";
import { toPriority } from "./codes";

export type Incident = Schemas["IncidentPublic"];

/** The states in IncidentState (src/kuzet/domain/operations/incidents.py). */
export const INCIDENT_STATES = ["new", "dispatched", "en_route", "on_scene", "resolved", "closed"] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

export function isIncidentState(value: string): value is IncidentState {
  return (INCIDENT_STATES as readonly string[]).includes(value);
}

export interface IncidentPatch {
  incidents: Incident[];
  /** Incidents to read with `GET /api/incidents/{id}` and merge in. */
  fetch: string[];
}

/** What an IncidentOpened event tells before the full incident is read. */
function provisional(event: Extract<FeedEvent, { type: "IncidentOpened" }>["data"]): Incident {
  return {
    id: event.incident_id,
    code: event.code,
    priority: toPriority(event.priority),
    state: "new",
    lat: event.lat,
    lon: event.lon,
    summary: "",
    created_at: event.occurred_at,
    created_by: "",
    parent_id: null,
    unit_ids: [],
    closure_code: null,
    version: 1,
    notes: [],
  };
}

/**
 * ``openOnly``: the list is `GET /api/incidents?open_only=true`, which leaves closed ones out, so an
 * incident that closes leaves it.
 */
export function applyIncidentEvents(
  incidents: readonly Incident[],
  events: readonly FeedEvent[],
  openOnly: boolean,
): IncidentPatch {
  const byId = new Map(incidents.map((incident) => [incident.id, incident]));
  const fetch = new Set<string>();
  let changed = false;

  const update = (id: string, change: (incident: Incident) => Incident | null): void => {
    fetch.add(id);
    const incident = byId.get(id);
    if (incident === undefined) return;
    const next = change(incident);
    if (next === incident) return;
    changed = true;
    if (next === null) {
      byId.delete(id);
      fetch.delete(id);
    } else byId.set(id, next);
  };

  for (const event of events) {
    switch (event.type) {
      case "IncidentOpened": {
        const data = event.data;
        if (!byId.has(data.incident_id)) {
          byId.set(data.incident_id, provisional(data));
          changed = true;
        }
        fetch.add(data.incident_id);
        break;
      }
      case "IncidentStateChanged": {
        const data = event.data;
        const state = data.state;
        if (!isIncidentState(state)) {
          fetch.add(data.incident_id); // a state this build does not know: read it as it is
          break;
        }
        update(data.incident_id, (incident) =>
          state === "closed" && openOnly ? null : incident.state === state ? incident : { ...incident, state },
        );
        break;
      }
      case "UnitsDispatched": {
        const data = event.data;
        update(data.incident_id, (incident) => {
          const units = [...new Set([...incident.unit_ids, ...data.unit_ids])];
          // Units sent to a new incident move it to dispatched without a state event of its own.
          const state = incident.state === "new" ? "dispatched" : incident.state;
          if (units.length === incident.unit_ids.length && state === incident.state) return incident;
          return { ...incident, unit_ids: units, state };
        });
        break;
      }
      default:
        break;
    }
  }
  return { incidents: changed ? [...byId.values()] : (incidents as Incident[]), fetch: [...fetch] };
}

/**
 * Put a full incident (from GET or an action's answer) in a list. An action's answer carries no notes,
 * so the notes already held are kept when the answer has none.
 */
export function mergeIncident(incidents: readonly Incident[], incident: Incident, openOnly: boolean): Incident[] {
  const index = incidents.findIndex((i) => i.id === incident.id);
  const listed = !(openOnly && incident.state === "closed");
  if (index < 0) return listed ? [...incidents, incident] : (incidents as Incident[]);
  const current = incidents[index] as Incident;
  if (current.version > incident.version) return incidents as Incident[];
  const next = [...incidents];
  if (listed) next[index] = keepNotes(current, incident);
  else next.splice(index, 1);
  return next;
}

/** The newer of two readings of one incident, with the notes of the one that has them. */
export function keepNotes(current: Incident | undefined, incoming: Incident): Incident {
  if (current === undefined) return incoming;
  if (current.version > incoming.version) return current;
  const notes = incoming.notes && incoming.notes.length > 0 ? incoming.notes : (current.notes ?? []);
  return { ...incoming, notes };
}
