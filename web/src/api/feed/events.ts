/**
 * The live feed's messages: `{"type": EventName, "data": {...}}` (src/kuzet/adapters/bus/codec.py).
 *
 * The WebSocket is not in the OpenAPI document, so the shapes the console uses are written here, from
 * src/kuzet/domain/operations/messages.py, and every message is checked before it touches the cache:
 * an unknown type or a missing field is dropped, never half-applied.
 */

interface EventBase {
  event_id: string;
  occurred_at: string;
}

export interface AlertRaised extends EventBase {
  alert_id: string;
  code: string;
  priority: number;
  camera_id: string | null;
  tenant_id: string | null;
  lat: number | null;
  lon: number | null;
  related_alert_ids: string[];
}

export interface AlertFolded extends EventBase {
  alert_id: string;
  code: string;
  count: number;
}

export interface AlertAcknowledged extends EventBase {
  alert_id: string;
  code: string;
  by: string;
}

export interface AlertEscalated extends EventBase {
  alert_id: string;
  code: string;
  priority: number;
  waited_s: number;
}

export interface AlertDismissed extends EventBase {
  alert_id: string;
  code: string;
  by: string;
  reason: string;
}

export interface IncidentOpened extends EventBase {
  incident_id: string;
  code: string;
  priority: number;
  lat: number | null;
  lon: number | null;
  nearest_camera_ids: string[];
}

export interface IncidentStateChanged extends EventBase {
  incident_id: string;
  code: string;
  state: string;
  previous: string;
  by: string;
}

export interface UnitsDispatched extends EventBase {
  incident_id: string;
  unit_ids: string[];
  code: string;
}

export interface UnitMoved extends EventBase {
  unit_id: string;
  lat: number;
  lon: number;
  at: string;
}

export interface UnitStatusChanged extends EventBase {
  unit_id: string;
  status: string;
  previous: string;
}

export type FeedEvent =
  | { type: "AlertRaised"; data: AlertRaised }
  | { type: "AlertFolded"; data: AlertFolded }
  | { type: "AlertAcknowledged"; data: AlertAcknowledged }
  | { type: "AlertEscalated"; data: AlertEscalated }
  | { type: "AlertDismissed"; data: AlertDismissed }
  | { type: "IncidentOpened"; data: IncidentOpened }
  | { type: "IncidentStateChanged"; data: IncidentStateChanged }
  | { type: "UnitsDispatched"; data: UnitsDispatched }
  | { type: "UnitMoved"; data: UnitMoved }
  | { type: "UnitStatusChanged"; data: UnitStatusChanged };

export type FeedEventType = FeedEvent["type"];

type Kind = "string" | "number" | "string?" | "number?" | "array";

const BASE: Record<string, Kind> = { event_id: "string", occurred_at: "string" };

/** The fields each type must carry, and their JSON kinds ("?" allows null). */
const FIELDS: Record<FeedEventType, Record<string, Kind>> = {
  AlertRaised: {
    alert_id: "string",
    code: "string",
    priority: "number",
    camera_id: "string?",
    lat: "number?",
    lon: "number?",
  },
  AlertFolded: { alert_id: "string", code: "string", count: "number" },
  AlertAcknowledged: { alert_id: "string", code: "string", by: "string" },
  AlertEscalated: { alert_id: "string", code: "string", priority: "number" },
  AlertDismissed: { alert_id: "string", code: "string", by: "string" },
  IncidentOpened: { incident_id: "string", code: "string", priority: "number", nearest_camera_ids: "array" },
  IncidentStateChanged: { incident_id: "string", code: "string", state: "string" },
  UnitsDispatched: { incident_id: "string", unit_ids: "array", code: "string" },
  UnitMoved: { unit_id: "string", lat: "number", lon: "number" },
  UnitStatusChanged: { unit_id: "string", status: "string" },
};

function fits(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "string?":
      return value === null || typeof value === "string";
    case "number?":
      return value === null || (typeof value === "number" && Number.isFinite(value));
    case "array":
      return Array.isArray(value);
  }
}

function isFeedType(name: unknown): name is FeedEventType {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(FIELDS, name);
}

/** One feed message, checked; null for anything the console does not know or cannot trust. */
export function parseFeedMessage(text: string): FeedEvent | null {
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof envelope !== "object" || envelope === null) return null;
  const { type, data } = envelope as { type?: unknown; data?: unknown };
  if (!isFeedType(type) || typeof data !== "object" || data === null) return null;
  const record = data as Record<string, unknown>;
  for (const [field, kind] of Object.entries({ ...BASE, ...FIELDS[type] })) {
    if (!fits(record[field], kind)) return null;
  }
  return { type, data } as FeedEvent;
}
