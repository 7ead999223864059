import { describe, expect, it } from "vitest";

import type { FeedEvent } from "../feed/events";
import { applyIncidentEvents, keepNotes, mergeIncident, type Incident } from "./incidentCache";

const T0 = "2026-01-03T10:00:00Z";
const BASE = { event_id: "e", occurred_at: T0 };

function incident(id: string, extra: Partial<Incident> = {}): Incident {
  return {
    id,
    code: "fight",
    priority: 2,
    state: "new",
    lat: 43.25,
    lon: 76.93,
    summary: "s",
    created_at: T0,
    created_by: "operator",
    parent_id: null,
    unit_ids: [],
    closure_code: null,
    version: 1,
    notes: [],
    ...extra,
  };
}

const opened = (id: string): FeedEvent => ({
  type: "IncidentOpened",
  data: { ...BASE, incident_id: id, code: "crowd", priority: 3, lat: 1, lon: 2, nearest_camera_ids: [] },
});
const moved = (id: string, state: string): FeedEvent => ({
  type: "IncidentStateChanged",
  data: { ...BASE, incident_id: id, code: "fight", state, previous: "new", by: "x" },
});
const dispatched = (id: string, unitIds: string[]): FeedEvent => ({
  type: "UnitsDispatched",
  data: { ...BASE, incident_id: id, unit_ids: unitIds, code: "fight" },
});

describe("applyIncidentEvents", () => {
  it("adds an opened incident at once and asks for its full record", () => {
    const patch = applyIncidentEvents([incident("a")], [opened("b")], true);
    expect(patch.incidents.map((i) => i.id)).toEqual(["a", "b"]);
    expect(patch.incidents[1]).toMatchObject({ state: "new", code: "crowd", priority: 3, created_at: T0 });
    expect(patch.fetch).toEqual(["b"]);
  });

  it("does not add an incident twice", () => {
    const list = [incident("a")];
    const patch = applyIncidentEvents(list, [opened("a")], true);
    expect(patch.incidents).toBe(list);
  });

  it("moves an incident's state and reads it back for its version", () => {
    const patch = applyIncidentEvents([incident("a", { state: "dispatched" })], [moved("a", "on_scene")], true);
    expect(patch.incidents[0]?.state).toBe("on_scene");
    expect(patch.fetch).toEqual(["a"]);
  });

  it("takes a closed incident out of the open list but keeps it in the full list", () => {
    const list = [incident("a", { state: "resolved" }), incident("b")];
    expect(applyIncidentEvents(list, [moved("a", "closed")], true).incidents.map((i) => i.id)).toEqual(["b"]);
    const all = applyIncidentEvents(list, [moved("a", "closed")], false);
    expect(all.incidents.find((i) => i.id === "a")?.state).toBe("closed");
  });

  it("adds dispatched units once and moves a new incident to dispatched", () => {
    const patch = applyIncidentEvents(
      [incident("a")],
      [dispatched("a", ["u1"]), dispatched("a", ["u1", "u2"])],
      true,
    );
    expect(patch.incidents[0]).toMatchObject({ state: "dispatched", unit_ids: ["u1", "u2"] });
  });

  it("keeps an en-route incident en route when more units are sent", () => {
    const patch = applyIncidentEvents([incident("a", { state: "en_route", unit_ids: ["u1"] })], [dispatched("a", ["u2"])], true);
    expect(patch.incidents[0]).toMatchObject({ state: "en_route", unit_ids: ["u1", "u2"] });
  });

  it("asks for an incident it does not list, and ignores other events", () => {
    const list = [incident("a")];
    const unit: FeedEvent = { type: "UnitStatusChanged", data: { ...BASE, unit_id: "u1", status: "busy", previous: "available" } };
    const patch = applyIncidentEvents(list, [moved("zz", "dispatched"), unit], true);
    expect(patch.incidents).toBe(list);
    expect(patch.fetch).toEqual(["zz"]);
  });
});

describe("mergeIncident", () => {
  it("never lets an older reading overwrite a newer one", () => {
    const list = [incident("a", { version: 3, state: "on_scene" })];
    expect(mergeIncident(list, incident("a", { version: 2, state: "dispatched" }), true)).toBe(list);
  });

  it("keeps the notes an action's answer lacks", () => {
    const note = { at: T0, author: "operator", text: "on the way" };
    const list = [incident("a", { notes: [note] })];
    const merged = mergeIncident(list, incident("a", { version: 2, state: "dispatched", notes: [] }), true);
    expect(merged[0]).toMatchObject({ version: 2, state: "dispatched", notes: [note] });
  });

  it("drops a closed incident from the open list and adds a new one", () => {
    expect(mergeIncident([incident("a")], incident("a", { version: 2, state: "closed" }), true)).toEqual([]);
    expect(mergeIncident([], incident("b"), true).map((i) => i.id)).toEqual(["b"]);
    expect(mergeIncident([], incident("b", { state: "closed" }), true)).toEqual([]);
  });

  it("keepNotes takes the newer version", () => {
    expect(keepNotes(incident("a", { version: 5 }), incident("a", { version: 4 })).version).toBe(5);
    expect(keepNotes(undefined, incident("a", { version: 4 })).version).toBe(4);
  });
});
