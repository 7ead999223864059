/**
 * The incident board's rules, mirrored from the state machine in src/kuzet/domain/operations/incidents.py
 * (TRANSITIONS): which buttons a card offers, and the order of the list. The server stays the judge:
 * a move it refuses comes back as a 409 and the card reloads.
 */
import type { Incident, IncidentState } from "../../api/queries/incidentCache";

export const TRANSITIONS: Record<IncidentState, readonly IncidentState[]> = {
  new: ["dispatched", "resolved"],
  dispatched: ["en_route", "on_scene", "resolved"],
  en_route: ["on_scene", "resolved"],
  on_scene: ["resolved"],
  resolved: ["closed", "dispatched"],
  closed: [],
};

/** The closure codes (ClosureCode in the same module). */
export const CLOSURE_CODES = [
  "protocol_drawn_up",
  "detained",
  "false_alarm",
  "no_offense",
  "handed_to_another_service",
  "solved_with_camera_evidence",
] as const;
export type ClosureCode = (typeof CLOSURE_CODES)[number];

function isState(state: string): state is IncidentState {
  return Object.prototype.hasOwnProperty.call(TRANSITIONS, state);
}

/**
 * The moves the card offers as buttons. "dispatched" is reached by sending a unit (the dispatch
 * route moves a new incident there), so it is offered as a plain move only to reopen a resolved one
 * that already has units.
 */
export function allowedMoves(incident: Pick<Incident, "state" | "unit_ids">): IncidentState[] {
  if (!isState(incident.state)) return [];
  return TRANSITIONS[incident.state].filter(
    (to) => to !== "dispatched" || (incident.state === "resolved" && incident.unit_ids.length > 0),
  );
}

/** Closing needs a closure code unless the incident already has one. */
export function needsClosureCode(incident: Pick<Incident, "closure_code">, to: IncidentState): boolean {
  return to === "closed" && incident.closure_code === null;
}

export function isOpen(incident: Pick<Incident, "state">): boolean {
  return incident.state !== "resolved" && incident.state !== "closed";
}

/** Units can be sent while the incident is being worked on, not once it is resolved or closed. */
export function canDispatch(incident: Pick<Incident, "state">): boolean {
  return isOpen(incident);
}

/** Open before resolved before closed; then the most urgent priority; then the one waiting longest. */
export function compareIncidents(a: Incident, b: Incident): number {
  const rank = (i: Incident) => (isOpen(i) ? 0 : i.state === "resolved" ? 1 : 2);
  return (
    rank(a) - rank(b) ||
    a.priority - b.priority ||
    Date.parse(a.created_at) - Date.parse(b.created_at) ||
    a.id.localeCompare(b.id)
  );
}

export function boardOrder(incidents: readonly Incident[]): Incident[] {
  return [...incidents].sort(compareIncidents);
}

/** "4 min 05 s" style ETA parts: minutes and seconds, rounded up to the second. */
export function etaParts(seconds: number): { min: number; sec: number } | null {
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  const total = Math.ceil(seconds);
  return { min: Math.floor(total / 60), sec: total % 60 };
}
