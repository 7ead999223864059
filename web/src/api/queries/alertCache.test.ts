import { describe, expect, it } from "vitest";

import type { FeedEvent } from "../feed/events";
import { applyAlertEvents, mergeAlert, type Alert } from "./alertCache";

const T0 = "2026-01-03T10:00:00Z";

function alert(id: string, extra: Partial<Alert> = {}): Alert {
  return {
    id,
    code: "fight",
    priority: 2,
    status: "open",
    first_at: T0,
    last_at: T0,
    count: 1,
    camera_id: "cam-1",
    track_id: 7,
    lat: 43.25,
    lon: 76.93,
    detail: "",
    acknowledged_by: null,
    escalated_at: null,
    incident_id: null,
    version: 1,
    procedure: [{ index: 0, text: "Look", done: false }],
    snapshot_url: `/api/alerts/${id}/snapshot.jpg`,
    ...extra,
  };
}

const meta = (n: number, at = T0) => ({ event_id: `e${n}`, occurred_at: at });

const raised = (id: string, priority = 1): FeedEvent => ({
  type: "AlertRaised",
  data: {
    ...meta(1),
    alert_id: id,
    code: "person_down",
    priority,
    camera_id: "cam-9",
    tenant_id: null,
    lat: 43.2,
    lon: 76.9,
    related_alert_ids: [],
  },
});

describe("applyAlertEvents", () => {
  it("adds a new alert at once and asks for it in full", () => {
    const patch = applyAlertEvents([alert("a")], [raised("b")]);
    expect(patch.alerts.map((a) => a.id)).toEqual(["a", "b"]);
    expect(patch.alerts[1]).toMatchObject({ status: "open", priority: 1, version: 1, count: 1, first_at: T0 });
    expect(patch.fetch).toEqual(["b"]);
    expect(patch.raised.map((a) => a.id)).toEqual(["b"]);
  });

  it("does not add an alert twice, nor sound it again", () => {
    const patch = applyAlertEvents([alert("b")], [raised("b")]);
    expect(patch.alerts).toHaveLength(1);
    expect(patch.raised).toEqual([]);
  });

  it("counts a folded repeat and keeps the version in step", () => {
    const later = "2026-01-03T10:01:00Z";
    const patch = applyAlertEvents(
      [alert("a", { version: 4 })],
      [{ type: "AlertFolded", data: { ...meta(2, later), alert_id: "a", code: "fight", count: 3 } }],
    );
    expect(patch.alerts[0]).toMatchObject({ count: 3, last_at: later, version: 6 });
    expect(patch.fetch).toEqual([]);
  });

  it("ignores a fold it has already seen", () => {
    const list = [alert("a", { count: 5, version: 5 })];
    const patch = applyAlertEvents(list, [
      { type: "AlertFolded", data: { ...meta(2), alert_id: "a", code: "fight", count: 5 } },
    ]);
    expect(patch.alerts).toBe(list);
  });

  it("marks an alert acknowledged, by whom", () => {
    const patch = applyAlertEvents(
      [alert("a")],
      [{ type: "AlertAcknowledged", data: { ...meta(3), alert_id: "a", code: "fight", by: "aigerim" } }],
    );
    expect(patch.alerts[0]).toMatchObject({ status: "acknowledged", acknowledged_by: "aigerim", version: 2 });
  });

  it("marks an alert escalated", () => {
    const at = "2026-01-03T10:02:00Z";
    const patch = applyAlertEvents(
      [alert("a")],
      [{ type: "AlertEscalated", data: { ...meta(4, at), alert_id: "a", code: "fight", priority: 2, waited_s: 120 } }],
    );
    expect(patch.alerts[0]).toMatchObject({ status: "escalated", escalated_at: at, version: 2 });
  });

  it("takes a dismissed alert out, even one raised in the same batch", () => {
    const dismissed = (id: string): FeedEvent => ({
      type: "AlertDismissed",
      data: { ...meta(5), alert_id: id, code: "fight", by: "op", reason: "false alarm" },
    });
    const patch = applyAlertEvents([alert("a"), alert("c")], [raised("b"), dismissed("a"), dismissed("b")]);
    expect(patch.alerts.map((a) => a.id)).toEqual(["c"]);
    expect(patch.fetch).toEqual([]);
    expect(patch.raised).toEqual([]);
  });

  it("fetches an alert it does not hold when an event names it", () => {
    const patch = applyAlertEvents(
      [alert("a")],
      [{ type: "AlertAcknowledged", data: { ...meta(3), alert_id: "zz", code: "fight", by: "op" } }],
    );
    expect(patch.fetch).toEqual(["zz"]);
    expect(patch.alerts.map((a) => a.id)).toEqual(["a"]);
  });

  it("reloads the list when an incident opens (it takes alerts in without an alert event)", () => {
    const list = [alert("a")];
    const patch = applyAlertEvents(list, [
      {
        type: "IncidentOpened",
        data: { ...meta(6), incident_id: "in-1", code: "fight", priority: 2, lat: null, lon: null, nearest_camera_ids: [] },
      },
    ]);
    expect(patch.reload).toBe(true);
    expect(patch.alerts).toBe(list);
  });

  it("leaves the list untouched by events about other things", () => {
    const list = [alert("a")];
    const patch = applyAlertEvents(list, [
      { type: "UnitMoved", data: { ...meta(7), unit_id: "u1", lat: 1, lon: 2, at: T0 } },
    ]);
    expect(patch.alerts).toBe(list);
    expect(patch).toMatchObject({ fetch: [], reload: false, raised: [] });
  });
});

describe("mergeAlert", () => {
  it("replaces the provisional alert with the full one", () => {
    const merged = mergeAlert([alert("a", { snapshot_url: null, procedure: [] })], alert("a"));
    expect(merged[0]?.procedure).toHaveLength(1);
  });

  it("keeps a newer version the feed already applied", () => {
    const list = [alert("a", { version: 5, count: 5 })];
    expect(mergeAlert(list, alert("a", { version: 4 }))).toBe(list);
  });

  it("removes an alert that is no longer active", () => {
    expect(mergeAlert([alert("a"), alert("b")], alert("a", { status: "in_incident", version: 2 }))).toHaveLength(1);
  });

  it("adds an active alert it did not hold, and not a closed one", () => {
    expect(mergeAlert([], alert("a"))).toHaveLength(1);
    expect(mergeAlert([], alert("a", { status: "dismissed" }))).toHaveLength(0);
  });
});
